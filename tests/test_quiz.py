"""The quiz at /quiz/ and the verdict at /quiz/result/<token>/.

Every test runs on the small site of tests/factories.py and the three-question quiz
of ``build_quiz`` (experience: new | seasoned, required; project: api | site; style:
freedom | rules). The initial quiz's content is checked in tests/content/.
"""

import re

import pytest

from comparisons.models import ArticleFramework, Status
from recommender.models import Choice, Result, Weight

from .factories import ArticleFactory, FrameworkFactory, build_quiz, build_site

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
    assert "What would change the verdict" in html
    assert 'would put <a href="#reasons-beta">Beta</a> first' in html
    assert html.count('class="bar') == len(site.frameworks)  # one bar per published framework
    assert "Draftframe" not in html
    assert '<svg viewBox="0 0' in html and '<title id="chart-title">' in html
    assert 'href="/frameworks/alpha/"' in html
    assert 'href="/compare/alpha-vs-beta/"' in html  # the canonical comparison
    assert 'href="/quiz/?experience=new&amp;project=api"' in html
    token = Result.objects.get().token
    assert f'value="http://testserver/quiz/result/{token}/"' in html
    # Alpha 3, Beta 2: a close call, and the share card says so too.
    assert (
        '<meta property="og:title" content="Your verdict: Alpha, narrowly ahead of Beta">' in html
    )


def test_the_advice_of_a_chosen_answer_is_shown_with_the_verdict(client, site):
    newcomer = client.post("/quiz/", {"experience": "new"}, follow=True).text
    seasoned = client.post("/quiz/", {"experience": "seasoned"}, follow=True).text
    assert "Learn Python basics first." in newcomer
    assert "Learn Python basics first." not in seasoned


def test_the_compare_link_is_the_canonical_comparison(client, site):
    # Beta 3, Alpha 2: the verdict links to the comparison of Beta and Alpha, at its
    # canonical address, in the order and with the title of the article that covers it.
    html = client.post("/quiz/", {"experience": "seasoned", "project": "site"}, follow=True).text
    assert '<a href="/compare/alpha-vs-beta/">Compare Alpha vs Beta</a>' in html
    assert client.get("/compare/alpha-vs-beta/").status_code == 200
    # Alpha 3, Gamma 2: an article covering the pair decides the order.
    gamma_vs_alpha = ArticleFactory(
        title="Gamma or Alpha?",
        slug="gamma-or-alpha",
        status=Status.PUBLISHED,
        published_at="2026-01-01T00:00Z",
    )
    for position, framework in enumerate((site.gamma, site.alpha), 1):
        ArticleFramework.objects.create(article=gamma_vs_alpha, framework=framework,
                                        position=position)  # fmt: skip
    from pagecache.caching import clear_memos

    clear_memos()
    html = client.post("/quiz/", {"experience": "new", "style": "freedom"}, follow=True).text
    assert '<a href="/compare/gamma-vs-alpha/">Compare Gamma or Alpha?</a>' in html


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
    client, site, django_assert_num_queries, version_queries
):
    with django_assert_num_queries(5):  # the content version; questions, choices, weights,
        assert client.get("/quiz/").status_code == 200  # frameworks
    # From here on the content version costs a query unless a shared cache keeps it
    # (version_queries). The first verdict after a content change also reads, once,
    # what only verdicts need: the facts reasons cite (5), advice and its conditions
    # (4), users and articles (2). Then the result is stored and the funnel counts it (3).
    with django_assert_num_queries(15 + version_queries):
        response = client.post("/quiz/", {"experience": "seasoned", "project": "api"})
    assert response.status_code == 303
    with django_assert_num_queries(4 + version_queries):  # the next: result, funnel
        again = client.post("/quiz/", {"experience": "new", "project": "site"})
    assert again.status_code == 303
    with django_assert_num_queries(1):  # the stored verdict holds all the page shows
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


# --- How sure the verdict is ---------------------------------------------------------


def verdict_element(html):
    return re.search(r'<section id="verdict"([^>]*)>', html).group(1)


@pytest.mark.parametrize(
    ("answers", "framework", "margin", "confidence"),
    [
        ({"experience": "new", "project": "site"}, "alpha", 5, "clear"),
        ({"experience": "new", "project": "api"}, "alpha", 1, "close"),
        ({"experience": "seasoned", "project": "site", "style": "rules"}, "alpha", 0, "tie"),
    ],
)
def test_the_verdict_element_carries_its_margin_and_confidence(
    client, site, answers, framework, margin, confidence
):
    html = client.post("/quiz/", answers, follow=True).text
    assert verdict_element(html) == (
        f' data-framework="{framework}" data-margin="{margin}" data-confidence="{confidence}"'
        f' class="verdict-box verdict-{confidence}" aria-labelledby="winner-heading"'
    )


def share_card(html):
    title = re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)
    description = re.search(r'<meta property="og:description" content="([^"]*)">', html)
    return title, description.group(1)


def test_a_clear_verdict_says_start_with(client, site):
    html = client.post("/quiz/", {"experience": "new", "project": "site"}, follow=True).text
    assert re.search(
        r'<h1 id="winner-heading">Start with <a href="/frameworks/alpha/">Alpha</a>', html
    )
    assert share_card(html) == (
        "Your verdict: Alpha",
        # Four frameworks share second place on 0: none is singled out.
        "Pickframe&#x27;s quiz recommends Alpha with 5 points, 5 ahead of 4 others. "
        "See which answers decided it.",
    )


def test_a_close_call_says_so_and_names_what_decided_it(client, site):
    html = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True).text
    assert "Start with" not in html
    assert ('<a href="/frameworks/alpha/">Alpha</a> and <a href="/frameworks/beta/">Beta</a> '
            "are neck and neck for you") in html  # fmt: skip
    assert "Alpha comes out ahead by 1 point (3 to 2)." in html
    assert "What decided it: You are new (Alpha +3, Beta +0)." in html
    title, description = share_card(html)
    assert title == "Your verdict: Alpha, narrowly ahead of Beta"
    assert description.startswith("Alpha and Beta are neck and neck: Alpha leads by 1 point")


def test_a_tie_decided_by_the_alphabet_is_a_joint_pick(client, site):
    # Alpha 2 + 1 and Beta 3: equal scores and equal points in favour.
    answers = {"experience": "seasoned", "project": "site", "style": "rules"}
    response = client.post("/quiz/", answers, follow=True)
    html = response.text
    assert "Start with" not in html and "recommends" not in html
    assert re.search(r'<h1 id="winner-heading">A joint pick: <a href="/frameworks/alpha/">Alpha'
                     r'</a> and <a href="/frameworks/beta/">Beta</a></h1>', html)  # fmt: skip
    assert "They are listed in alphabetical order." in html
    assert share_card(html) == (
        "Your verdict: Alpha and Beta, tied",
        "Alpha and Beta tie on 3 points each, so Pickframe&#x27;s quiz picks them jointly. "
        "See the reasons for each.",
    )
    assert "Also picked: Beta" in html
    token = Result.objects.get().token
    image = client.get(f"/og/quiz/{token}.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_a_tie_listed_by_points_in_favour_still_reads_as_a_joint_pick(client, site):
    Weight.objects.create(choice=Choice.objects.get(slug="rules"), framework=site.beta,
                          points=-1, reason="Beta has few rules")  # fmt: skip
    Weight.objects.create(choice=Choice.objects.get(slug="site"), framework=site.beta,
                          points=1, reason="Beta can do sites")  # fmt: skip
    # Alpha 2 + 1 = 3 (3 in favour); Beta 3 + 1 - 1 = 3 (4 in favour).
    answers = {"experience": "seasoned", "project": "site", "style": "rules"}
    html = client.post("/quiz/", answers, follow=True).text
    assert 'data-framework="beta" data-margin="0" data-confidence="tie"' in html
    assert "A joint pick:" in html and "Start with" not in html
    assert "Beta is listed first only because more of your answers count in its favour" in html


# --- What would change it, and the reasons behind each framework -------------------------


def test_every_what_if_links_to_reasons_shown_on_the_page(client, site):
    html = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True).text
    section = html.split('id="what-if-heading"')[1].split("</section>")[0]
    targets = re.findall(r'href="#reasons-(\w+)"', section)
    assert targets
    for slug in targets:
        assert f'id="reasons-{slug}"' in html
    for framework in site.frameworks:  # every framework's reasons are on the page
        assert f'id="reasons-{framework.slug}"' in html


def test_a_what_if_names_the_new_winner_and_what_the_change_gives_it(client, site):
    html = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True).text
    assert ("Answering “I&#x27;ve shipped apps” to “How much Python do you know?” instead of "
            "“I&#x27;m new” would put <a href=\"#reasons-beta\">Beta</a> first (5 points to "
            "Alpha’s 0): Beta +3, because Beta rewards experience.") in html  # fmt: skip


def test_answers_about_the_visitor_are_suggested_only_when_nothing_else_would_do(client, site):
    from recommender.models import Question

    Question.objects.filter(slug="experience").update(about_visitor=True)
    html = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True).text
    section = html.split('id="what-if-heading"')[1].split("</section>")[0]
    # Answering "site" would not change the winner; only the experience answer would.
    assert "only these answers about you would" in section
    assert "How much Python do you know?" in section


# --- Advice with conditions ---------------------------------------------------------------


def add_advice(question, choice, note, order=2, **conditions):
    from recommender.models import Advice

    advice = Advice.objects.create(
        choice=Choice.objects.get(question__slug=question, slug=choice), order=order, note=note,
        tension=conditions.pop("tension", False),
    )  # fmt: skip
    advice.verdicts.set(conditions.pop("verdicts", []))
    for name in ("needs", "excludes"):
        advice_choices = [Choice.objects.get(question__slug=q, slug=c)
                          for q, c in conditions.pop(name, [])]  # fmt: skip
        getattr(advice, name).set(advice_choices)
    return advice


def test_advice_shows_only_for_the_verdicts_and_answers_it_is_meant_for(client, site):
    add_advice("project", "api", "Only when Beta wins.", verdicts=[site.beta])
    add_advice("project", "api", "Only for newcomers.", order=3, needs=[("experience", "new")])
    add_advice("project", "api", "Never with rules.", order=4, excludes=[("style", "rules")])
    beta = client.post("/quiz/", {"experience": "seasoned", "project": "api"}, follow=True).text
    alpha = client.post("/quiz/", {"experience": "new", "project": "api", "style": "rules"},
                        follow=True).text  # fmt: skip
    assert "Only when Beta wins." in beta and "Only when Beta wins." not in alpha
    assert "Only for newcomers." in alpha and "Only for newcomers." not in beta
    assert "Never with rules." in beta and "Never with rules." not in alpha


def test_answers_that_pull_apart_get_a_note_before_the_reasons(client, site):
    add_advice("project", "site", "A site and freedom pull apart here.", tension=True,
               needs=[("style", "freedom")])  # fmt: skip
    html = client.post("/quiz/", {"experience": "new", "project": "site", "style": "freedom"},
                       follow=True).text  # fmt: skip
    tensions = html.split('id="tensions-heading"')[1].split("</section>")[0]
    assert "Your answers pull in different directions" in tensions
    assert "<strong>You want a site, and you like freedom.</strong> A site and freedom" in tensions
    assert html.index('id="tensions-heading"') < html.index('id="reasons-heading"')
    other = client.post("/quiz/", {"experience": "new", "project": "site"}, follow=True).text
    assert "tensions-heading" not in other


# --- Next steps, cited facts, privacy ---------------------------------------------------


def test_the_verdict_gives_next_steps_from_the_data(client, site):
    site.alpha.tutorial_url = "https://alpha.example/docs/tutorial/"
    site.alpha.save()
    html = client.post("/quiz/", {"experience": "new", "project": "api"}, follow=True).text
    steps = html.split('id="next-heading"')[1].split("</section>")[0]
    tutorial = "https://alpha.example/docs/tutorial/"
    assert f'<a href="{tutorial}" rel="noopener">Alpha’s official tutorial</a>' in steps
    assert '<a href="/compare/alpha-vs-beta/">Compare Alpha vs Beta</a>' in steps
    assert "<strong>Bigco</strong>: Runs its shop on it." in steps
    assert '<a href="/frameworks/alpha/#adopters">' in steps


def test_a_reason_links_the_facts_it_cites(client, site):
    weight = Weight.objects.get(choice__slug="new", framework=site.alpha)
    weight.cites_features.add(site.alpha.supports.get(feature=site.admin))
    weight.cites_fits.add(site.alpha.fits.get(use_case=site.cms))
    html = client.post("/quiz/", {"experience": "new"}, follow=True).text
    assert (
        'Facts: <a href="/features/admin-panel/#alpha">Admin panel: built in</a>; '
        '<a href="/use-cases/cms/">Content management: strong fit</a>'
    ) in html
    assert client.get("/features/admin-panel/").status_code == 200


def test_result_pages_are_never_indexed(client, site):
    url = client.post("/quiz/", {"experience": "new"})["Location"]
    response = client.get(url)
    assert '<meta name="robots" content="noindex">' in response.text
    assert response["X-Robots-Tag"] == "noindex"
    token = Result.objects.get().token
    assert client.get(f"/og/quiz/{token}.png")["X-Robots-Tag"] == "noindex"
    assert "/quiz/result/" not in client.get("/robots.txt").text  # crawlers may read the noindex


OLD_SNAPSHOT = {  # as stored before margins, what-ifs, cited facts and next steps
    "answers": [{"question": "experience", "prompt": "How much Python do you know?",
                 "choice": "new", "label": "I'm new"}],
    "ranking": [
        {"framework": "alpha", "name": "Alpha", "score": 3, "contributions": [
            {"question": "experience", "summary": "You are new", "points": 3,
             "reason": "Alpha is gentle"}]},
        {"framework": "beta", "name": "Beta", "score": 0, "contributions": []},
    ],
    "tied": False,
    "tie_rule": "Equal scores are ordered by the total of points in favour, then "
                "alphabetically, never by chance.",
    "flip": {"question": "experience", "prompt": "How much Python do you know?",
             "from_label": "I'm new", "to_label": "I've shipped apps", "winner": "beta",
             "winner_name": "Beta"},
    "advice": [{"summary": "You are new", "note": "Learn Python basics first."}],
}  # fmt: skip


def test_a_verdict_stored_in_the_old_shape_still_renders(client, site):
    result = Result.objects.create(answers={"experience": "new"}, winner="alpha",
                                   snapshot=OLD_SNAPSHOT)  # fmt: skip
    response = client.get(result.get_absolute_url())
    assert response.status_code == 200
    html = response.text
    assert verdict_element(html).startswith(
        ' data-framework="alpha" data-margin="3" data-confidence="clear"'
    )
    assert (
        "Start with" in html and "You are new: +3 Alpha</strong>, because Alpha is gentle" in html
    )
    assert 'would put <a href="#reasons-beta">Beta</a> first.' in html
    assert "Learn Python basics first." in html
    assert 'href="/compare/?f=alpha&amp;f=beta"' in html  # the picker finds the comparison
    assert client.get(f"/og/quiz/{result.token}.png").status_code == 200


def test_a_verdict_that_cannot_be_read_is_a_404_not_a_500(client, site):
    result = Result.objects.create(answers={}, winner="alpha", snapshot={})
    assert client.get(result.get_absolute_url()).status_code == 404
    assert client.get(f"/og/quiz/{result.token}.png").status_code == 404
