"""Every possible answer set of the shipped quiz, scored without a database.

The quiz is read from fixtures/recommender.json in plain Python and given to the
same pure code the site runs (recommender.scoring). Each verdict is then checked
against a scorer written here from the fixture alone: the ranking, the margin and
confidence the verdict element carries, the what-ifs, the advice conditions, and
that no verdict decided by alphabetical order reads as a clear win.
"""

import itertools
import json
from collections import Counter
from pathlib import Path

import pytest

from recommender import scoring

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "recommender.json"
FRAMEWORKS = {"django": "Django", "flask": "Flask", "fastapi": "FastAPI", "tornado": "Tornado",
              "aiohttp": "aiohttp", "sanic": "Sanic", "quart": "Quart"}  # fmt: skip
NO_ACCOUNTS_OR_ADMIN = {"quart", "aiohttp", "sanic", "tornado"}
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


def _rows(model):
    return [row["fields"] for row in json.loads(FIXTURE.read_text()) if row["model"] == model]


QUESTIONS = sorted(_rows("recommender.question"), key=lambda q: q["order"])
CHOICES = {
    q["slug"]: sorted(
        (c for c in _rows("recommender.choice") if c["question"] == [q["slug"]]),
        key=lambda c: c["order"],
    )
    for q in QUESTIONS
}
WEIGHTS = _rows("recommender.weight")
ADVICE = _rows("recommender.advice")


def build_scorer():
    """The shipped quiz as the site's pure scoring code sees it."""
    questions = [
        scoring.Question(
            q["slug"], q["prompt"],
            {c["slug"]: (c["label"], c["summary"]) for c in CHOICES[q["slug"]]},
            q.get("about_visitor", False),
        )
        for q in QUESTIONS
    ]  # fmt: skip
    weights = [
        scoring.Weight(*w["choice"], w["framework"][0], w["points"], w["reason"]) for w in WEIGHTS
    ]
    notes = [
        scoring.Note(
            *a["choice"], a["note"], tension=a.get("tension", False),
            verdicts=frozenset(f for (f,) in a.get("verdicts", [])),
            needs=frozenset(map(tuple, a.get("needs", []))),
            excludes=frozenset(map(tuple, a.get("excludes", []))),
        )
        for a in ADVICE
    ]  # fmt: skip
    return scoring.Scorer(questions, weights, FRAMEWORKS, notes)


def all_answer_sets():
    """Every answer set: the required question answered, any other answered or skipped."""
    options = [
        [c["slug"] for c in CHOICES[q["slug"]]] + ([] if q["required"] else [None])
        for q in QUESTIONS
    ]
    for combination in itertools.product(*options):
        yield {q["slug"]: c for q, c in zip(QUESTIONS, combination, strict=True) if c}


# --- An independent scorer, written from the fixture ------------------------------------

POINTS = {}
for _w in WEIGHTS:
    POINTS.setdefault(tuple(_w["choice"]), {})[_w["framework"][0]] = _w["points"]


def totals(answers):
    """({framework: points}, {framework: points in favour}) for ``answers``."""
    points, favour = dict.fromkeys(FRAMEWORKS, 0), dict.fromkeys(FRAMEWORKS, 0)
    for answer in answers.items():
        for framework, n in POINTS.get(answer, {}).items():
            points[framework] += n
            favour[framework] += max(n, 0)
    return points, favour


def ranking(answers):
    """[(framework, score, points in favour)], best first, by the documented rule."""
    points, favour = totals(answers)
    return sorted(((f, points[f], favour[f]) for f in FRAMEWORKS),
                  key=lambda r: (-r[1], -r[2], r[0]))  # fmt: skip


def advice_applies(advice, answers, picks):
    if answers.get(advice["choice"][0]) != advice["choice"][1]:
        return False
    needed = {}
    for question, choice in advice.get("needs", []):
        needed.setdefault(question, set()).add(choice)
    if any(answers.get(question) not in choices for question, choices in needed.items()):
        return False
    if any(answers.get(question) == choice for question, choice in advice.get("excludes", [])):
        return False
    verdicts = {f for (f,) in advice.get("verdicts", [])}
    return not verdicts or bool(verdicts & set(picks))


ABOUT_VISITOR = {q["slug"] for q in QUESTIONS if q.get("about_visitor")}


def outright_changes(answers, current):
    """{(question, choice): new winner} for every single change that puts another
    framework first by at least a point."""
    points, _ = totals(answers)
    changes = {}
    for q in QUESTIONS:
        question = q["slug"]
        without = dict(points)
        for framework, n in POINTS.get((question, answers.get(question)), {}).items():
            without[framework] -= n
        for c in CHOICES[question]:
            if answers.get(question) == c["slug"]:
                continue
            changed = dict(without)
            for framework, n in POINTS.get((question, c["slug"]), {}).items():
                changed[framework] += n
            top = max(changed.values())
            leaders = [f for f, n in changed.items() if n == top]
            if len(leaders) == 1 and leaders[0] != current:
                changes[(question, c["slug"])] = leaders[0]
    return changes


def test_every_answer_set_gets_an_honest_verdict():
    scorer = build_scorer()
    labels = {(q["slug"], c["slug"]): c["label"] for q in QUESTIONS for c in CHOICES[q["slug"]]}
    count = 0
    for answers in all_answer_sets():
        count += 1
        expected = ranking(answers)
        verdict = scorer.verdict(answers)
        reading = scoring.present(verdict)
        context = answers

        # The ranking and the verdict element's margin and confidence.
        assert [(r["framework"], r["score"]) for r in verdict["ranking"]] == [
            (f, s) for f, s, _ in expected
        ], context
        margin = expected[0][1] - expected[1][1]
        level = "clear" if margin >= 3 else "close" if margin >= 1 else "tie"
        assert (verdict["margin"], verdict["confidence"]) == (margin, level), context
        assert (reading["margin"], reading["confidence"]) == (margin, level), context

        # A tie, and above all one decided by the alphabet, is a joint pick.
        picks = (
            [f for f, s, _ in expected if s == expected[0][1]] if margin == 0 else [expected[0][0]]
        )
        assert [p["framework"] for p in reading["picks"]] == picks, context
        by_alphabet = margin == 0 and expected[0][2] == expected[1][2]
        if by_alphabet:
            assert reading["tie_order"] == "alphabet", context
        if margin == 0:
            for text in (reading["headline"], reading["title"], reading["card_title"],
                         reading["description"]):  # fmt: skip
                assert "Start with" not in text and "recommends" not in text, (context, text)
            assert reading["headline"].startswith("A joint pick: "), context
            assert all(FRAMEWORKS[f] in reading["title"] for f in picks), context
        else:
            assert FRAMEWORKS[expected[0][0]] in reading["title"], context
            assert (reading["headline"] == f"Start with {FRAMEWORKS[expected[0][0]]}") == (
                level == "clear"
            ), context
            if level == "close":
                assert "neck and neck" in reading["headline"], context
                # One runner-up: some answer always gave the winner more. Several: no
                # single answer may beat them all, and the page then says so.
                assert reading["decided_by"] or len(reading["runners_up"]) > 1, context

        # What-ifs: correct, outright, different frameworks, about the project first.
        changes = outright_changes(answers, expected[0][0])
        about_project = {k: v for k, v in changes.items() if k[0] not in ABOUT_VISITOR}
        what_ifs = verdict["what_ifs"]
        assert len(what_ifs) <= 3, context
        assert bool(what_ifs) == bool(changes), context
        assert len({w["winner"] for w in what_ifs}) == len(what_ifs), context
        if about_project:
            assert not any(w["about_visitor"] for w in what_ifs), context
            assert len(what_ifs) == min(3, len(set(about_project.values()))), context
        for w in what_ifs:
            changed = {**answers, w["question"]: w["to_choice"]}
            first, second, *_ = ranking(changed)
            assert changed != answers and first[0] == w["winner"] != expected[0][0], context
            assert first[1] > second[1], context  # never into a tie
            assert (w["score"], w["runner_up"], w["runner_up_score"]) == (
                first[1],
                second[0],
                second[1],
            ), context
            assert w["to_label"] == labels[(w["question"], w["to_choice"])]
            assert w["about_visitor"] == (w["question"] in ABOUT_VISITOR)

        # Advice: shown exactly when its conditions hold.
        shown = [a["note"] for a in verdict["advice"]]
        assert shown == [a["note"] for a in ADVICE if advice_applies(a, answers, picks)], context
    assert count == 30_720


def test_no_two_frameworks_share_a_weight_vector():
    vectors = {
        framework: tuple(POINTS[answer].get(framework, 0) for answer in sorted(POINTS))
        for framework in FRAMEWORKS
    }
    assert len(set(vectors.values())) == len(FRAMEWORKS)
    reasons = Counter(w["reason"] for w in WEIGHTS)
    assert [reason for reason, n in reasons.items() if n > 1] == []


def test_frameworks_without_accounts_or_an_admin_never_win_for_a_visitor_who_needs_them():
    needing = [a for a in all_answer_sets() if a.get("needs") == "accounts-and-admin"]
    assert len(needing) == 7_680
    for answers in needing:
        top = ranking(answers)
        leaders = {f for f, s, _ in top if s == top[0][1]}
        assert not leaders & NO_ACCOUNTS_OR_ADMIN, answers
    for framework in NO_ACCOUNTS_OR_ADMIN | {"flask", "fastapi"}:
        assert POINTS[("needs", "accounts-and-admin")][framework] < 0, framework


@pytest.mark.parametrize(("answers", "winner"), EXAMPLES)
def test_the_examples_of_the_recommender_issue_hold(answers, winner):
    verdict = build_scorer().verdict(answers)
    assert verdict["ranking"][0]["framework"] == winner
    assert verdict["margin"] > 0  # a real win, not a tie listed first


def test_every_framework_wins_outright_for_someone():
    winners = set()
    for answers in all_answer_sets():
        first, second, *_ = ranking(answers)
        if first[1] > second[1]:  # ahead on points, not first by a tie rule
            winners.add(first[0])
    assert winners == set(FRAMEWORKS)
