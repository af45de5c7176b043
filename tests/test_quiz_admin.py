"""Editors tune the quiz in the admin and read its analytics.

Every test builds its own quiz with ``build_quiz`` (experience: new | seasoned,
required; project: api | site; style: freedom | rules) over Alpha, Beta and Gamma.
"""

import datetime
import re

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from recommender.models import Advice, Choice, Result, Weight

from .factories import FrameworkFactory, build_quiz

pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def frameworks(empty_content):
    return [FrameworkFactory(name=name, slug=name.lower()) for name in ("Alpha", "Beta", "Gamma")]


@pytest.fixture
def questions(frameworks):
    return build_quiz(frameworks)


def _advice_only_choice(questions):
    """A choice that moves no score but attaches advice."""
    choice = Choice.objects.create(
        question=questions["style"], slug="either", label="Either way", order=3
    )
    Advice.objects.create(choice=choice, order=1, note="Both styles work.")
    return choice


def test_questions_edit_their_choices_inline_and_choices_their_weights_and_advice(
    staff_client, questions
):
    question = questions["experience"]
    html = staff_client.get(reverse("admin:recommender_question_change", args=[question.pk])).text
    assert 'name="choices-TOTAL_FORMS"' in html
    choice = question.choices.get(slug="new")
    html = staff_client.get(reverse("admin:recommender_choice_change", args=[choice.pk])).text
    assert 'name="weights-TOTAL_FORMS"' in html and 'name="advice-TOTAL_FORMS"' in html


def test_try_it_shows_the_verdict_of_the_current_weights_without_saving(
    staff_client, frameworks, questions
):
    alpha, beta, _ = frameworks
    url = reverse("admin:recommender_try")
    # Beta 3 (seasoned), Alpha 2 (site).
    response = staff_client.get(url, {"experience": "seasoned", "project": "site"})
    assert response.status_code == 200
    assert 'id="try-verdict" data-framework="beta"' in response.text
    assert "You have shipped: +3" in response.text
    Weight.objects.filter(choice__slug="seasoned", framework=beta).update(points=0)
    response = staff_client.get(url, {"experience": "seasoned", "project": "site"})
    assert 'data-framework="alpha"' in response.text
    assert not Result.objects.exists()


def test_try_it_reports_bad_answers(staff_client, questions):
    response = staff_client.get(reverse("admin:recommender_try"), {"project": "site"})
    assert "Please answer" in response.text
    assert "try-verdict" not in response.text


def test_the_admin_warns_about_answers_that_do_nothing(staff_client, questions):
    choice = _advice_only_choice(questions)
    choice.advice.all().delete()
    html = staff_client.get(reverse("admin:recommender_question_changelist")).text
    assert "change no score and attach no advice" in html
    assert reverse("admin:recommender_choice_change", args=[choice.pk]) in html


def test_no_warning_when_every_answer_does_something(staff_client, questions):
    _advice_only_choice(questions)  # the other choices all move a score
    assert not Choice.objects.untuned().exists()
    html = staff_client.get(reverse("admin:recommender_question_changelist")).text
    assert "change no score" not in html


def _result(winner, answers, days_ago=0):
    result = Result.objects.create(winner=winner, answers=answers, snapshot={})
    Result.objects.filter(pk=result.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=days_ago)
    )


def test_analytics_counts_results_verdicts_and_answers_in_a_date_range(staff_client, questions):
    _result("alpha", {"experience": "new", "project": "site"})
    _result("alpha", {"experience": "new"})
    _result("beta", {"experience": "seasoned", "project": "api"}, days_ago=3)
    _result("gamma", {"experience": "seasoned"}, days_ago=60)
    response = staff_client.get(reverse("admin:recommender_analytics"))
    assert response.status_code == 200
    context = response.context
    assert context["total"] == 3  # the 60-day-old result is outside the default 30 days
    assert [(b["label"], b["count"]) for b in context["verdicts"]] == [("Alpha", 2), ("Beta", 1)]
    experience = dict(context["answers"])
    by_question = {q.slug: {b["label"]: b["count"] for b in rows} for q, rows in experience.items()}
    assert by_question["experience"]["I'm new"] == 2
    assert by_question["project"]["Skipped"] == 1
    assert len(context["per_day"]) == 30 and sum(b["count"] for b in context["per_day"]) == 3
    assert "<svg" in response.text
    assert "css/admin-charts.css" in response.text

    wide = staff_client.get(
        reverse("admin:recommender_analytics"),
        {"from": (timezone.localdate() - datetime.timedelta(days=90)).isoformat()},
    )
    assert wide.context["total"] == 4


def test_analytics_survives_nonsense_dates(staff_client, questions):
    response = staff_client.get(reverse("admin:recommender_analytics"), {"from": "soon", "to": "x"})
    assert response.status_code == 200


def test_editors_tune_the_quiz_but_cannot_edit_results(client, editor):
    perms = set(Group.objects.get(name="Editors").permissions.values_list("codename", flat=True))
    assert {"change_weight", "add_advice", "change_question", "view_result"} <= perms
    assert "change_result" not in perms and "delete_result" not in perms
    client.force_login(editor)
    assert client.get(reverse("admin:recommender_weight_changelist")).status_code == 200
    assert client.get(reverse("admin:recommender_analytics")).status_code == 200


def test_try_it_shows_how_sure_the_verdict_is_and_what_would_change_it(staff_client, questions):
    response = staff_client.get(
        reverse("admin:recommender_try"), {"experience": "new", "project": "api"}
    )
    html = response.text
    # Alpha 3, Beta 2: close.
    assert 'data-framework="alpha" data-margin="1" data-confidence="close"' in html
    assert "Alpha and Beta are neck and neck for you" in html
    assert "Share card: “Your verdict: Alpha, narrowly ahead of Beta”" in html
    what_ifs = html.split('id="try-what-ifs"')[1].split("</ul>")[0]
    assert "puts <strong>Beta</strong> first (5 to Alpha’s 0)" in what_ifs


def test_try_it_checks_each_advice_condition(staff_client, frameworks, questions):
    alpha, beta, _ = frameworks
    new = questions["experience"].choices.get(slug="new")
    api = questions["project"].choices.get(slug="api")
    rules = questions["style"].choices.get(slug="rules")
    for order, conditions in enumerate(
        [{"verdicts": [beta]}, {"needs": [api]}, {"excludes": [rules]}, {}], 2
    ):
        advice = Advice.objects.create(choice=new, order=order, note=f"Note {order}.")
        for name, rows in conditions.items():
            getattr(advice, name).set(rows)
    html = staff_client.get(
        reverse("admin:recommender_try"), {"experience": "new", "style": "rules"}
    ).text
    table = html.split('id="try-advice"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td>[^<]*</td><td>(Note \d\.)</td><td>([^<]*)</td></tr>", table)
    assert rows == [
        ("Note 2.", "No: only for verdicts Beta"),
        ("Note 3.", "No: needs “What are you building? An API”"),
        ("Note 4.", "No: never with “How do you like to work? Conventions”"),
        ("Note 5.", "Yes"),
    ]
    assert "<td>Learn Python basics first.</td><td>Yes</td>" in table


def advice_form_data(choice, **fields):
    data = {"choice": choice.pk, "order": 5, "note": "A note.", "tension": "",
            "verdicts": [], "needs": [], "excludes": []}  # fmt: skip
    data.update(fields)
    return data


@pytest.mark.parametrize(
    ("needs", "excludes", "problem"),
    [
        (["seasoned"], [], "another answer to the same question: it would never be shown"),
        (["api"], ["api"], "cannot be both needed and excluded"),
        ([], ["new"], "excludes it: it would never be shown"),
    ],
)
def test_the_admin_refuses_advice_that_could_never_be_shown(
    staff_client, questions, needs, excludes, problem
):
    choices = {c.slug: c for c in Choice.objects.all()}
    data = advice_form_data(
        choices["new"],
        needs=[choices[slug].pk for slug in needs],
        excludes=[choices[slug].pk for slug in excludes],
    )
    response = staff_client.post(reverse("admin:recommender_advice_add"), data)
    assert response.status_code == 200
    assert problem in response.text
    assert not Advice.objects.filter(order=5).exists()


def test_the_admin_saves_advice_with_conditions(staff_client, frameworks, questions):
    choices = {c.slug: c for c in Choice.objects.all()}
    data = advice_form_data(
        choices["new"], tension="on", verdicts=[frameworks[0].pk],
        needs=[choices["api"].pk, choices["site"].pk], excludes=[choices["rules"].pk],
    )  # fmt: skip
    response = staff_client.post(reverse("admin:recommender_advice_add"), data)
    assert response.status_code == 302, response.text
    advice = Advice.objects.get(order=5)
    assert advice.tension
    assert set(advice.needs.values_list("slug", flat=True)) == {"api", "site"}
    assert list(advice.excludes.values_list("slug", flat=True)) == ["rules"]
    assert list(advice.verdicts.values_list("slug", flat=True)) == ["alpha"]


def test_a_choice_edits_its_advice_conditions_inline(staff_client, questions):
    choice = questions["experience"].choices.get(slug="new")
    html = staff_client.get(reverse("admin:recommender_choice_change", args=[choice.pk])).text
    for name in ("verdicts", "needs", "excludes", "tension"):
        assert f'name="advice-0-{name}"' in html


def test_a_weight_cites_facts_on_its_own_page(staff_client, questions):
    weight = Weight.objects.first()
    html = staff_client.get(reverse("admin:recommender_weight_change", args=[weight.pk])).text
    for name in ("cites_features", "cites_traits", "cites_fits", "cites_pros_cons", "cites_users"):
        assert f'name="{name}"' in html
