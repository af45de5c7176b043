"""The initial quiz in fixtures/: its public slugs, its verdicts and its advice.

The quiz's code is tested on a quiz of its own in tests/test_quiz.py; these tests
check the content editors start from.
"""

import re

import pytest

from recommender.models import Choice, Quiz

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


def test_every_answer_of_the_initial_quiz_changes_a_score_or_gives_advice():
    assert not Choice.objects.untuned().exists()
