"""Editors tune the quiz in the admin and read its analytics.

Every test builds its own quiz with ``build_quiz`` (experience: new | seasoned,
required; project: api | site; style: freedom | rules) over Alpha, Beta and Gamma.
"""

import datetime

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
