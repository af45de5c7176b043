"""Search over the initial content: what readers type finds what they mean, first.

The search code is tested on rows of its own in tests/test_search.py; this test
checks that the content's names, descriptions and aliases serve real queries.
"""

import pytest

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.parametrize(
    ("query", "kind", "url"),
    [
        ("fastapi vs flask", "Comparison", "/compare/fastapi-vs-flask/"),
        ("flask or django", "Comparison", "/compare/django-vs-flask/"),
        ("aiohttp sanic", "Comparison", "/compare/aiohttp-vs-sanic/"),
        ("django admin", "Feature support", "/frameworks/django/#features-heading"),
        ("flask orm", "Feature support", "/frameworks/flask/#features-heading"),
        ("login", "Feature", "/features/authentication/"),
        ("fastpi", "Framework", "/frameworks/fastapi/"),
        ("djnago", "Framework", "/frameworks/django/"),
        ("websokets", "Feature", "/features/websockets/"),
    ],
)
def test_what_readers_type_finds_what_they_mean_first(client, query, kind, url):
    results = client.get("/search/", {"q": query}).context["results"]
    assert results, query
    assert (results[0].kind, results[0].url) == (kind, url)


def test_a_framework_and_a_feature_name_that_frameworks_support(client):
    results = client.get("/search/", {"q": "flask orm"}).context["results"]
    assert results[0].name == "Flask: ORM"
    assert "Flask-SQLAlchemy" in results[0].blurb
    assert client.get("/search/", {"q": "django admin"}).context["results"][0].name == (
        "Django: Admin panel"
    )


def test_orm_finds_no_forms_or_platforms(client):
    names = [r.name for r in client.get("/search/", {"q": "orm"}).context["results"]]
    assert names[0] == "ORM"
    assert not {"Forms", "CSRF protection", "SaaS platforms"} & set(names)
