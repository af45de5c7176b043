"""The initial quiz in fixtures/: its public slugs, its verdicts and its advice.

The quiz's code is tested on a quiz of its own in tests/test_quiz.py; these tests
check the content editors start from.
"""

import re
from urllib.parse import urlsplit

import pytest

from comparisons.models import Framework
from recommender.admin import CITE_FIELDS
from recommender.models import Choice, Quiz, Weight

# The eight examples of the recommender issue, checked there without a database too.
from .test_verdicts_all_answers import EXAMPLES

pytestmark = pytest.mark.usefixtures("seeded")


def verdict_of(html):
    return re.search(r'id="verdict" data-framework="([^"]+)"', html).group(1)


@pytest.mark.parametrize(("answers", "winner"), EXAMPLES)
def test_the_initial_weights_give_the_expected_verdicts(client, answers, winner):
    response = client.post("/quiz/", answers, follow=True)
    assert response.redirect_chain[0][1] == 303
    assert verdict_of(response.text) == winner


def test_a_newcomer_is_told_to_learn_python_basics_first(client):
    html = client.post("/quiz/", EXAMPLES[6][0], follow=True).text
    assert "Learn Python basics first" in html


def test_the_quiz_contract_questions_and_choices():
    quiz = Quiz.load()
    assert [q.slug for q in quiz.questions] == [
        "experience", "goal", "project", "needs", "style", "concurrency", "existing",
    ]  # fmt: skip
    assert list(quiz.choices["project"]) == [
        "content-site", "large-platform", "rest-api", "microservices", "ml-model-api",
        "prototype", "dashboard", "small-site", "not-sure",
    ]  # fmt: skip
    assert list(quiz.choices["experience"]) == [
        "new-to-python", "python-basics", "comfortable-oop", "built-web-apps",
    ]  # fmt: skip


def test_every_answer_of_the_initial_quiz_changes_a_score_or_gives_advice():
    assert not Choice.objects.untuned().exists()


# Weights that rest on a stated rule rather than a fact row: staying with the app you
# have avoids a rewrite.
RULES = {("existing", "django-app", "django"), ("existing", "flask-app", "flask")}


def test_every_reason_cites_the_facts_it_rests_on_or_is_a_stated_rule():
    uncited = []
    for weight in Weight.objects.select_related("choice__question", "framework"):
        key = (weight.choice.question.slug, weight.choice.slug, weight.framework.slug)
        cited = sum(getattr(weight, field).count() for field in CITE_FIELDS)
        if not cited and key not in RULES:
            uncited.append(key)
    assert uncited == []
    cites = Weight.cited_facts()
    assert len(cites) == Weight.objects.count() - len(RULES)  # none cites a placeholder


def test_a_reason_cites_facts_about_its_own_framework_only():
    for weight in Weight.objects.select_related("framework"):
        for field in CITE_FIELDS:
            for fact in getattr(weight, field).select_related("framework"):
                assert fact.framework == weight.framework, (str(weight), str(fact))


def test_the_verdict_links_the_facts_behind_its_reasons(client):
    answers = {"experience": "comfortable-oop", "goal": "build-a-product",
               "project": "rest-api", "concurrency": "async-heavy"}  # fmt: skip
    html = client.post("/quiz/", answers, follow=True).text
    assert '<a href="/features/rest-apis/#fastapi">REST APIs: built in</a>' in html
    assert (
        '<a href="/use-cases/realtime/">Real-time and high-concurrency apps: strong fit</a>' in html
    )
    assert client.get("/features/rest-apis/").status_code == 200


def test_every_framework_links_an_official_tutorial_from_its_own_documentation():
    for framework in Framework.objects.published():
        tutorial = urlsplit(framework.tutorial_url)
        own = {urlsplit(framework.homepage).hostname, urlsplit(framework.docs_url).hostname}
        assert tutorial.scheme == "https" and tutorial.hostname in own, framework
        assert tutorial.path.strip("/"), framework  # a page, not the home page


def test_the_verdict_gives_the_winners_tutorial_comparison_and_users(client):
    html = client.post("/quiz/", EXAMPLES[1][0], follow=True).text  # Django, Flask second
    steps = html.split('id="next-heading"')[1].split("</section>")[0]
    assert "https://docs.djangoproject.com/en/stable/intro/tutorial01/" in steps
    assert '<a href="/compare/django-vs-flask/">Compare Django vs Flask</a>' in steps
    assert "<strong>Bitbucket</strong>" in steps and "/frameworks/django/#adopters" in steps


def test_flask_first_advice_for_a_model_endpoint_only_when_flask_is_the_verdict(client):
    flask = client.post("/quiz/", EXAMPLES[3][0], follow=True).text
    assert 'data-framework="flask"' in flask and "For a first model endpoint, Flask" in flask
    fastapi_answers = {**EXAMPLES[3][0], "experience": "built-web-apps",
                       "concurrency": "async-heavy"}  # fmt: skip
    fastapi = client.post("/quiz/", fastapi_answers, follow=True).text
    assert 'data-framework="fastapi"' in fastapi
    assert "For a first model endpoint, Flask" not in fastapi
    assert "plain def functions" in fastapi


def test_the_quart_advice_is_for_people_with_a_flask_app(client):
    answers = {"experience": "built-web-apps", "concurrency": "async-heavy"}
    without = client.post("/quiz/", answers, follow=True).text
    with_app = client.post("/quiz/", {**answers, "existing": "flask-app"}, follow=True).text
    assert "recommends Quart" not in without
    assert "its documentation recommends Quart for mostly-async code" in with_app


def test_a_django_app_with_a_minimal_core_gets_a_note_not_silent_scoring(client):
    answers = {"experience": "built-web-apps", "needs": "minimal", "style": "freedom",
               "existing": "django-app"}  # fmt: skip
    html = client.post("/quiz/", answers, follow=True).text
    tensions = html.split('id="tensions-heading"')[1].split("</section>")[0]
    assert (
        "<strong>You already have a Django app, and you want a minimal core.</strong> "
        "Django is the opposite of a minimal core."
    ) in tensions
    assert "prefer freedom" not in tensions  # one note for the pair, not two


def test_only_the_required_answer_gives_an_honest_verdict(client):
    for experience in ["new-to-python", "python-basics", "comfortable-oop", "built-web-apps"]:
        html = client.post("/quiz/", {"experience": experience}, follow=True).text
        margin = int(re.search(r'data-margin="(\d+)"', html).group(1))
        assert ("Start with" in html) == (margin >= 3), experience
