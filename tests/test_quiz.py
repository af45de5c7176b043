"""The quiz at /quiz/ and the verdict at /quiz/result/<token>/."""

import re

import pytest

from comparisons.models import Framework
from recommender.models import Choice, Quiz, Result, Weight

pytestmark = pytest.mark.usefixtures("seeded")

EXAMPLES = [
    ({"experience": "python-basics", "goal": "learn-the-web", "style": "freedom"}, "flask"),
    ({"experience": "comfortable-oop", "goal": "build-a-product", "project": "content-site",
      "needs": "accounts-and-admin"}, "django"),
    ({"experience": "python-basics", "goal": "get-a-job"}, "django"),
    ({"experience": "comfortable-oop", "goal": "build-a-product", "project": "ml-model-api",
      "concurrency": "typical"}, "flask"),
    ({"experience": "comfortable-oop", "goal": "build-a-product", "project": "rest-api",
      "concurrency": "async-heavy"}, "fastapi"),
    ({"experience": "comfortable-oop", "goal": "build-a-product", "project": "prototype",
      "style": "freedom"}, "flask"),
    ({"experience": "new-to-python", "goal": "learn-the-web"}, "flask"),
    ({"experience": "comfortable-oop", "goal": "build-a-product", "project": "large-platform",
      "style": "conventions"}, "django"),
]  # fmt: skip


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


def test_the_quiz_page_is_one_form_with_progress_that_works_without_javascript(client):
    html = client.get("/quiz/").text
    assert html.count('<form class="quiz"') == 1
    assert html.count('class="quiz-step"') == 7
    assert "3 of 7" in html
    assert 'type="submit"' in html
    assert "js/quiz.js" in html


def test_a_link_pre_fills_answers(client):
    html = client.get("/quiz/?experience=python-basics&goal=get-a-job").text
    assert 'value="python-basics" checked' in html
    assert 'value="get-a-job" checked' in html
    assert 'name="project" value="" checked' in html  # unanswered stays skipped


def test_a_link_without_the_required_answer_pre_fills_quietly(client):
    html = client.get("/quiz/?goal=get-a-job").text
    assert 'value="get-a-job" checked' in html
    assert "not recognised" not in html and "Please answer" not in html


def test_a_link_with_unknown_answers_pre_fills_the_rest_and_says_so(client):
    html = client.get("/quiz/?experience=python-basics&goal=fame").text
    assert 'value="python-basics" checked' in html
    assert "were not recognised" in html


def test_taking_the_quiz_stores_a_result_with_an_unguessable_token(client):
    response = client.post("/quiz/", {"experience": "python-basics", "goal": "get-a-job"})
    assert response.status_code == 303
    result = Result.objects.get()
    assert response["Location"] == f"/quiz/result/{result.token}/"
    assert len(result.token) >= 20
    assert result.answers == {"experience": "python-basics", "goal": "get-a-job"}
    assert result.winner == "django"


def test_skipped_questions_are_not_stored_as_answers(client):
    client.post("/quiz/", {"experience": "python-basics", "goal": "", "project": ""})
    assert Result.objects.get().answers == {"experience": "python-basics"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"goal": "get-a-job"}, "Please answer “How much Python do you know?”"),
        ({"experience": "python-basics", "colour": "blue"}, "no question called “colour”"),
        ({"experience": "guru"}, "“guru” is not one of the answers"),
        ({"experience": "python-basics", "goal": ["get-a-job", "learn-the-web"]},
         "answered more than once"),
    ],
)  # fmt: skip
def test_bad_answers_get_a_400_that_explains_and_stores_nothing(client, data, problem):
    response = client.post("/quiz/", data)
    assert response.status_code == 400
    assert problem in response.text
    assert not Result.objects.exists()


def test_a_400_keeps_the_valid_answers(client):
    response = client.post("/quiz/", {"experience": "python-basics", "goal": "fame"})
    assert response.status_code == 400
    assert 'value="python-basics" checked' in response.text


def test_an_oversized_body_is_a_400_and_stores_nothing(client):
    response = client.post("/quiz/", {"experience": "python-basics", "pad": "x" * 20_000})
    assert response.status_code == 400
    assert "too large" in response.text
    assert not Result.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_get_a_405_page(client, method):
    response = getattr(client, method)("/quiz/")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert "does not accept" in response.text
    assert not Result.objects.exists()


def test_the_verdict_explains_itself(client):
    response = client.post("/quiz/", {"experience": "python-basics", "goal": "get-a-job"},
                           follow=True)  # fmt: skip
    html = response.text
    assert verdict_of(html) == "django"
    assert "You want a job soon: +4 Django</strong>, because" in html
    assert "Runner-up: Flask" in html
    assert "What would have changed the verdict" in html and "would have put Flask first" in html
    assert html.count('class="bar') == 7  # one bar per published framework
    assert '<svg viewBox="0 0' in html and '<title id="chart-title">' in html
    assert 'href="/frameworks/django/"' in html
    assert 'href="/compare/?f=django&amp;f=flask"' in html
    assert 'href="/quiz/?experience=python-basics&amp;goal=get-a-job"' in html
    token = Result.objects.get().token
    assert f'value="http://testserver/quiz/result/{token}/"' in html
    assert '<meta property="og:title" content="Your verdict: Django">' in html


def test_the_compare_link_lands_on_the_canonical_comparison(client):
    client.post("/quiz/", {"experience": "python-basics", "goal": "get-a-job"})
    response = client.get("/compare/?f=django&f=flask")
    assert response["Location"] == "/compare/django-vs-flask/"


def test_a_shared_result_keeps_saying_what_it_said_after_weights_change(
    client, django_capture_on_commit_callbacks
):
    url = client.post("/quiz/", {"experience": "python-basics", "goal": "get-a-job"})["Location"]
    before = client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        Weight.objects.filter(choice__slug="get-a-job", framework__slug="django").update(
            points=-5, reason="editors changed their minds"
        )
        Weight.objects.filter(choice__slug="python-basics", framework__slug="flask").delete()
    from django.core.cache import cache

    cache.clear()
    after = client.get(url).text
    assert verdict_of(after) == "django"
    assert "editors changed their minds" not in after
    assert before == after
    fresh = client.post("/quiz/", {"experience": "python-basics", "goal": "get-a-job"}, follow=True)
    assert verdict_of(fresh.text) != "django"


def test_an_unknown_token_is_a_404(client):
    response = client.get("/quiz/result/not-a-real-token/")
    assert response.status_code == 404


def test_results_store_no_personal_data(client):
    client.post("/quiz/", {"experience": "python-basics"}, REMOTE_ADDR="203.0.113.9",
                HTTP_USER_AGENT="TestBrowser/1.0")  # fmt: skip
    stored = str(Result.objects.values().get())
    assert "203.0.113.9" not in stored and "TestBrowser" not in stored
    assert {f.name for f in Result._meta.get_fields()} == {
        "id", "token", "created_at", "answers", "winner", "snapshot",
    }  # fmt: skip


def test_quiz_and_verdict_pages_have_fixed_query_budgets(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):  # one reads the content version
        assert client.get("/quiz/").status_code == 200
    with django_assert_max_num_queries(6):
        response = client.post("/quiz/", {"experience": "comfortable-oop", "project": "rest-api"})
    with django_assert_max_num_queries(1):
        assert client.get(response["Location"]).status_code == 200


def test_a_malformed_content_length_is_a_400(client):
    response = client.post("/quiz/", {"experience": "python-basics"}, CONTENT_LENGTH="lots")
    assert response.status_code == 400
    assert not Result.objects.exists()


def test_a_weight_saved_by_an_editor_moves_the_next_verdict(
    client, django_capture_on_commit_callbacks
):
    answers = {"experience": "new-to-python", "goal": "learn-the-web"}
    assert verdict_of(client.post("/quiz/", answers, follow=True).text) == "flask"  # quiz loaded
    # As the admin does, through save(): signals change the content version on commit.
    with django_capture_on_commit_callbacks(execute=True):
        for question, choice in answers.items():
            Weight.objects.update_or_create(
                choice=Choice.objects.get(question__slug=question, slug=choice),
                framework=Framework.objects.get(slug="sanic"),
                defaults={"points": 10, "reason": "An editor's test weight."},
            )
    assert verdict_of(client.post("/quiz/", answers, follow=True).text) == "sanic"
