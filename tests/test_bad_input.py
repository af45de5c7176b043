"""Bad input never breaks the site: fuzzed requests get a 4xx, never a 5xx, and store nothing."""

from urllib.parse import quote, urlencode

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comparisons.management.commands.backup import backed_up_models

from .factories import build_quiz, build_site

# The fuzzed requests go to a site built from factories, with its quiz.
pytestmark = pytest.mark.usefixtures("small_site")

FUZZ = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PREFIXES = ["/compare/", "/search/", "/quiz/", "/quiz/result/", "/data/", "/frameworks/",
            "/features/", "/use-cases/", "/"]  # fmt: skip
SLUGS = ["alpha", "beta", "gamma", "delta", "epsilon", "nope", ""]  # build_site's frameworks

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
segment = st.one_of(
    text,
    st.lists(st.sampled_from(SLUGS), max_size=6).map("-vs-".join),
    st.sampled_from(["..", "%00", "frameworks.json", "support.csv", "x" * 300]),
)


@pytest.fixture
def small_site(empty_content):
    site = build_site()
    build_quiz(site.frameworks)
    return site


def row_count():
    return sum(model._default_manager.count() for model in backed_up_models())


@pytest.fixture
def fuzz_client():
    return Client(raise_request_exception=False)


@FUZZ
@given(prefix=st.sampled_from(PREFIXES), segments=st.lists(segment, max_size=3),
       query=st.dictionaries(text, text, max_size=4), trailing=st.booleans())  # fmt: skip
def test_arbitrary_paths_and_query_strings_never_cause_a_5xx(
    fuzz_client, prefix, segments, query, trailing
):
    before = row_count()
    path = prefix + "/".join(quote(s, safe="") for s in segments) + ("/" if trailing else "")
    response = fuzz_client.get(path + ("?" + urlencode(query) if query else ""))
    assert response.status_code < 500, (path, query)
    assert row_count() == before


VALID_ANSWERS = {"new", "seasoned"}  # build_quiz's required question, "experience"


def _answers_experience(fields):
    """A form that validly answers the one required question (it would store a row)."""
    value = fields.get("experience")
    values = value if isinstance(value, list) else [value]
    return len(values) == 1 and values[0] in VALID_ANSWERS


@FUZZ
@given(
    fields=st.dictionaries(
        st.one_of(text, st.sampled_from(["experience", "project", "style", "csrfmiddlewaretoken"])),
        st.one_of(text, st.lists(text, max_size=3)),
        max_size=8,
    ).filter(lambda f: not _answers_experience(f))
)
def test_arbitrary_quiz_forms_get_a_4xx_and_store_nothing(fuzz_client, fields):
    before = row_count()
    response = fuzz_client.post("/quiz/", fields)
    assert 400 <= response.status_code < 500, fields
    assert row_count() == before


@FUZZ
@given(
    path=st.sampled_from(["/quiz/", "/search/", "/compare/alpha-vs-beta/", "/data/support.csv",
                          "/quiz/result/x/", "/markdownx/markdownify/", "/markdownx/upload/"]),
    body=st.binary(max_size=3000),
    content_type=st.sampled_from(["application/x-www-form-urlencoded", "multipart/form-data",
                                  "application/json", "text/plain",
                                  "multipart/form-data; boundary=x"]),
    method=st.sampled_from(["post", "put", "patch", "delete"]),
)  # fmt: skip
def test_arbitrary_bodies_and_methods_never_cause_a_5xx(
    fuzz_client, path, body, content_type, method
):
    before = row_count()
    response = getattr(fuzz_client, method)(path, data=body, content_type=content_type)
    assert response.status_code < 500, (path, method, content_type, body[:80])
    assert row_count() == before


LEAKS = ["Traceback", "SECRET_KEY", "settings.py", "DATABASES", "django.core", 'File "']


def assert_leaks_nothing(response):
    for marker in LEAKS:
        assert marker not in response.text, marker


@pytest.mark.urls("tests.error_urls")
def test_the_500_page_is_ours_and_leaks_nothing(fuzz_client, settings):
    settings.DEBUG = False
    response = fuzz_client.get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert_leaks_nothing(response)


def test_the_404_and_400_pages_are_ours_and_leak_nothing(fuzz_client):
    response = fuzz_client.get("/no/such/page/")
    assert response.status_code == 404 and "There is no page at this address" in response.text
    assert_leaks_nothing(response)
    response = fuzz_client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and "couldn't understand that request" in response.text
    assert_leaks_nothing(response)


def test_an_expired_form_gets_our_403_page():
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "boss", "password": "pw"})  # no token
    assert response.status_code == 403
    assert "We couldn't accept that form" in response.text
    assert_leaks_nothing(response)


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "cross-site"}, {"HTTP_SEC_FETCH_SITE": "same-site"},
     {"HTTP_ORIGIN": "https://evil.example"}, {"HTTP_ORIGIN": "null"}],
)  # fmt: skip
def test_a_quiz_sent_from_another_site_is_refused_and_stores_nothing(headers):
    from recommender.models import Result

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/quiz/", {"experience": "new"}, **headers)  # valid answers
    assert response.status_code == 403
    assert "sent from another website" in response.text
    assert_leaks_nothing(response)
    assert not Result.objects.exists()


@pytest.mark.parametrize(
    "headers",
    [{"HTTP_SEC_FETCH_SITE": "same-origin"}, {"HTTP_ORIGIN": "http://testserver"}, {}],
)  # fmt: skip
def test_the_quiz_needs_no_cookie_from_its_own_pages(headers):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/quiz/", {"experience": "new"}, **headers)
    assert response.status_code == 303
