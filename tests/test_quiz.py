"""The quiz at /quiz/ and the verdict at /quiz/result/<token>/.

Every test runs on the small site of tests/factories.py and the three-question quiz
of ``build_quiz`` (experience: new | seasoned, required; project: api | site; style:
freedom | rules). The initial quiz's content is checked in tests/content/.
"""

import re

import pytest

from comparisons.models import Status
from recommender.models import Choice, Result, Weight

from .factories import FrameworkFactory, build_quiz, build_site

pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def site(empty_content):
    """build_site() with build_quiz() over its frameworks (alpha, beta, gamma score)."""
    site = build_site()
    site.questions = build_quiz(site.frameworks)
    return site


def verdict_of(html):
    return re.search(r'id="verdict" data-framework="([^"]+)"', html).group(1)


def test_the_quiz_page_is_one_form_with_progress_that_works_without_javascript(client, site):
    html = client.get("/quiz/").text
    assert html.count('<form class="quiz"') == 1
    assert html.count('class="quiz-step"') == 3
    assert "2 of 3" in html
    assert 'type="submit"' in html
    assert "js/quiz.js" in html
    assert "Answer up to 3 questions" in html  # counted, never typed
    assert html.count('<span class="required">(required)</span>') == 1


def test_a_link_pre_fills_answers(client, site):
    html = client.get("/quiz/?experience=new&project=site").text
    assert 'value="new" checked' in html
    assert 'value="site" checked' in html
    assert 'name="style" value="" checked' in html  # unanswered stays skipped


def test_a_link_without_the_required_answer_pre_fills_quietly(client, site):
    html = client.get("/quiz/?project=site").text
    assert 'value="site" checked' in html
    assert "not recognised" not in html and "Please answer" not in html


def test_a_link_with_unknown_answers_pre_fills_the_rest_and_says_so(client, site):
    html = client.get("/quiz/?experience=new&project=fame").text
    assert 'value="new" checked' in html
    assert "were not recognised" in html


def test_taking_the_quiz_stores_a_result_with_an_unguessable_token(client, site):
    response = client.post("/quiz/", {"experience": "new", "project": "site"})
    assert response.status_code == 303
    result = Result.objects.get()
    assert response["Location"] == f"/quiz/result/{result.token}/"
    assert len(result.token) >= 20
    assert result.answers == {"experience": "new", "project": "site"}
    assert result.winner == "alpha"


def test_skipped_questions_are_not_stored_as_answers(client, site):
    client.post("/quiz/", {"experience": "new", "project": "", "style": ""})
    assert Result.objects.get().answers == {"experience": "new"}


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"project": "site"}, "Please answer “How much Python do you know?”"),
        ({"experience": "new", "colour": "blue"}, "no question called “colour”"),
        ({"experience": "guru"}, "“guru” is not one of the answers"),
        ({"experience": "new", "project": ["site", "api"]}, "answered more than once"),
    ],
)
def test_bad_answers_get_a_400_that_explains_and_stores_nothing(client, site, data, problem):
    response = client.post("/quiz/", data)
    assert response.status_code == 400
    assert problem in response.text
    assert not Result.objects.exists()


def test_a_400_keeps_the_valid_answers(client, site):
    response = client.post("/quiz/", {"experience": "new", "project": "fame"})
    assert response.status_code == 400
    assert 'value="new" checked' in response.text


def test_an_oversized_body_is_a_400_and_stores_nothing(client, site):
    response = client.post("/quiz/", {"experience": "new", "pad": "x" * 20_000})
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


def test_the_verdict_explains_itself(client, site):
    FrameworkFactory(name="Draftframe", slug="draftframe", status=Status.DRAFT, published_at=None)
    # Alpha 3, Beta 2; answering "seasoned" instead would put Beta first.
    response = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True)
    html = response.text
    assert verdict_of(html) == "alpha"
    assert "You are new: +3 Alpha</strong>, because Alpha is gentle" in html
    assert "Runner-up: Beta" in html
    assert "You are building an API: +2 Beta</strong>, because Beta builds APIs" in html
    assert "What would have changed the verdict" in html and "would have put Beta first" in html
    assert html.count('class="bar') == len(site.frameworks)  # one bar per published framework
    assert "Draftframe" not in html
    assert '<svg viewBox="0 0' in html and '<title id="chart-title">' in html
    assert 'href="/frameworks/alpha/"' in html
    assert 'href="/compare/?f=alpha&amp;f=beta"' in html
    assert 'href="/quiz/?experience=new&amp;project=api"' in html
    token = Result.objects.get().token
    assert f'value="http://testserver/quiz/result/{token}/"' in html
    assert '<meta property="og:title" content="Your verdict: Alpha">' in html


def test_the_advice_of_a_chosen_answer_is_shown_with_the_verdict(client, site):
    newcomer = client.post("/quiz/", {"experience": "new"}, follow=True).text
    seasoned = client.post("/quiz/", {"experience": "seasoned"}, follow=True).text
    assert "Learn Python basics first." in newcomer
    assert "Learn Python basics first." not in seasoned


def test_the_compare_link_lands_on_the_canonical_comparison(client, site):
    # Beta 3, Alpha 2: the verdict links to Beta and Alpha, in that order.
    html = client.post("/quiz/", {"experience": "seasoned", "project": "site"}, follow=True).text
    assert 'href="/compare/?f=beta&amp;f=alpha"' in html
    response = client.get("/compare/?f=beta&f=alpha")
    assert response["Location"] == "/compare/alpha-vs-beta/"


def test_a_shared_result_keeps_saying_what_it_said_after_weights_change(
    client, site, django_capture_on_commit_callbacks
):
    url = client.post("/quiz/", {"experience": "new", "project": "site"})["Location"]
    before = client.get(url).text
    with django_capture_on_commit_callbacks(execute=True):
        Weight.objects.filter(choice__slug="new", framework=site.alpha).update(
            points=-5, reason="editors changed their minds"
        )
        Weight.objects.filter(choice__slug="site", framework=site.alpha).delete()
    from django.core.cache import cache

    cache.clear()
    after = client.get(url).text
    assert verdict_of(after) == "alpha"
    assert "editors changed their minds" not in after
    assert before == after
    fresh = client.post("/quiz/", {"experience": "new", "project": "site"}, follow=True)
    assert verdict_of(fresh.text) != "alpha"


def test_an_unknown_token_is_a_404(client):
    response = client.get("/quiz/result/not-a-real-token/")
    assert response.status_code == 404


def test_results_store_no_personal_data(client, site):
    client.post("/quiz/", {"experience": "new"}, REMOTE_ADDR="203.0.113.9",
                HTTP_USER_AGENT="TestBrowser/1.0")  # fmt: skip
    stored = str(Result.objects.values().get())
    assert "203.0.113.9" not in stored and "TestBrowser" not in stored
    assert {f.name for f in Result._meta.get_fields()} == {
        "id", "token", "created_at", "answers", "winner", "snapshot",
    }  # fmt: skip


def test_quiz_and_verdict_pages_have_fixed_query_budgets(
    client, site, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):  # one reads the content version
        assert client.get("/quiz/").status_code == 200
    with django_assert_max_num_queries(6):
        response = client.post("/quiz/", {"experience": "seasoned", "project": "api"})
    with django_assert_max_num_queries(1):
        assert client.get(response["Location"]).status_code == 200


def test_a_malformed_content_length_is_a_400(client, site):
    response = client.post("/quiz/", {"experience": "new"}, CONTENT_LENGTH="lots")
    assert response.status_code == 400
    assert not Result.objects.exists()


def test_a_weight_saved_by_an_editor_moves_the_next_verdict(
    client, site, django_capture_on_commit_callbacks
):
    answers = {"experience": "new", "project": "site"}
    assert verdict_of(client.post("/quiz/", answers, follow=True).text) == "alpha"  # quiz loaded
    # As the admin does, through save(): signals change the content version on commit.
    with django_capture_on_commit_callbacks(execute=True):
        for question, choice in answers.items():
            Weight.objects.update_or_create(
                choice=Choice.objects.get(question__slug=question, slug=choice),
                framework=site.delta,
                defaults={"points": 10, "reason": "An editor's test weight."},
            )
    assert verdict_of(client.post("/quiz/", answers, follow=True).text) == "delta"
