"""recommender.scoring is pure: these tests need no database."""

import pytest

from recommender.scoring import (
    Note,
    Question,
    Scorer,
    Tally,
    Weight,
    confidence,
    present,
    score,
    what_ifs,
)

FRAMEWORKS = ["django", "flask", "fastapi"]
WEIGHTS = [
    Weight("experience", "beginner", "flask", 3, "small core"),
    Weight("experience", "beginner", "django", -1, "many concepts"),
    Weight("experience", "expert", "django", 2, "rewards experience"),
    Weight("goal", "job", "django", 4, "more listings"),
    Weight("goal", "job", "flask", 1, "a common skill"),
    Weight("goal", "learn", "flask", 3, "shows the workings"),
    Weight("speed", "async", "fastapi", 5, "ASGI native"),
]
QUESTIONS = [("experience", ["beginner", "expert"], True), ("goal", ["job", "learn"], False),
             ("speed", ["async"], False)]  # fmt: skip


def ranking(answers, weights=WEIGHTS, frameworks=FRAMEWORKS):
    return [(s.framework, s.score) for s in score(answers, weights, frameworks)]


def test_each_answer_adds_its_weights_and_the_best_total_wins():
    assert ranking({"experience": "beginner", "goal": "learn"}) == [
        ("flask", 6), ("fastapi", 0), ("django", -1),
    ]  # fmt: skip


def test_contributions_say_which_answer_gave_how_many_points_and_why():
    flask = score({"experience": "beginner", "goal": "job"}, WEIGHTS, FRAMEWORKS)[0]
    assert flask.framework == "flask"
    assert [(c.question, c.choice, c.points, c.reason) for c in flask.contributions] == [
        ("experience", "beginner", 3, "small core"),
        ("goal", "job", 1, "a common skill"),
    ]


def test_a_skipped_question_adds_nothing():
    assert ranking({"experience": "expert"}) == ranking({"experience": "expert", "goal": None})
    assert dict(ranking({}))["flask"] == 0


def test_every_framework_is_ranked_even_without_weights():
    assert {f for f, _ in ranking({"experience": "expert"}, frameworks=[*FRAMEWORKS, "quart"])} == {
        "django", "flask", "fastapi", "quart",
    }  # fmt: skip


def test_weights_for_unknown_frameworks_are_ignored():
    extra = [*WEIGHTS, Weight("goal", "job", "retired", 50, "gone")]
    assert ranking({"goal": "job"}, weights=extra)[0] == ("django", 4)


def test_ties_go_to_more_points_in_favour_not_to_input_order():
    weights = [
        Weight("q", "a", "alpha", 2, "x"),
        Weight("q", "a", "beta", 5, "y"),
        Weight("q", "a", "beta", -3, "z"),
    ]
    for order in (["alpha", "beta"], ["beta", "alpha"]):
        assert [s.framework for s in score({"q": "a"}, weights, order)] == ["beta", "alpha"]


def test_a_full_tie_falls_back_to_alphabetical_order():
    weights = [Weight("q", "a", "zeta", 1, "x"), Weight("q", "a", "eta", 1, "y")]
    for order in (["zeta", "eta"], ["eta", "zeta"]):
        assert [s.framework for s in score({"q": "a"}, weights, order)] == ["eta", "zeta"]
    for weights_order in (weights, list(reversed(weights))):
        assert score({"q": "a"}, weights_order, ["zeta", "eta"])[0].framework == "eta"


def changes(answers, weights=WEIGHTS, questions=QUESTIONS, frameworks=FRAMEWORKS):
    return [
        (w.question, w.from_choice, w.to_choice, w.winner, w.margin)
        for w in what_ifs(answers, Tally(weights, frameworks), questions)
    ]


def test_a_what_if_names_a_change_that_puts_another_framework_first_outright():
    answers = {"experience": "expert", "goal": "job"}  # django 6, flask 1
    for question, _, to_choice, winner, margin in changes(answers):
        ranked = score({**answers, question: to_choice}, WEIGHTS, FRAMEWORKS)
        assert ranked[0].framework == winner != "django"
        assert ranked[0].score - ranked[1].score == margin > 0


def test_a_change_that_only_makes_a_tie_is_never_suggested():
    weights = [Weight("q", "a", "alpha", 2, "x"), Weight("q", "b", "beta", 2, "y"),
               Weight("r", "a", "alpha", 0, "z"), Weight("r", "b", "beta", 2, "w")]  # fmt: skip
    questions = [("q", ["a", "b"], False), ("r", ["a", "b"], False)]
    # alpha 2; answering r=b gives beta 2: a tie, not a new winner.
    assert changes({"q": "a"}, weights, questions, ["alpha", "beta"]) == [
        ("q", "a", "b", "beta", 2),
    ]  # fmt: skip


def test_what_ifs_prefer_answers_about_the_project_over_answers_about_the_visitor():
    # From "beginner + job" (flask 4, django 3): answering speed puts FastAPI first
    # by 1; switching to expert (about the visitor) would put Django 5 ahead.
    assert changes({"experience": "beginner", "goal": "job"}) == [
        ("speed", None, "async", "fastapi", 1),
    ]  # fmt: skip


def test_answers_about_the_visitor_are_suggested_when_nothing_else_changes_the_verdict():
    answers = {"experience": "expert", "goal": "job", "speed": "async"}  # django 6, fastapi 5
    assert changes(answers) == [("goal", "job", "learn", "fastapi", 2)]
    weights = [
        Weight("who", "a", "alpha", 3, "r"),
        Weight("who", "b", "beta", 5, "r"),
        Weight("what", "x", "alpha", 1, "r"),
        Weight("what", "y", "beta", 1, "r"),
    ]
    questions = [("who", ["a", "b"], True), ("what", ["x", "y"], False)]
    # Alpha 4, Beta 0: only the answer about the visitor would change the verdict.
    assert changes({"who": "a", "what": "x"}, weights, questions, ["alpha", "beta"]) == [
        ("who", "a", "b", "beta", 4),
    ]  # fmt: skip


def test_what_ifs_name_different_frameworks_best_first_and_at_most_three():
    weights = [Weight("q", c, f, n, "r") for c, f, n in [
        ("a", "alpha", 5), ("b", "beta", 7), ("c", "gamma", 9), ("d", "delta", 8),
        ("e", "beta", 9), ("f", "zeta", 6)]]  # fmt: skip
    frameworks = ["alpha", "beta", "gamma", "delta", "zeta"]
    found = changes({"q": "a"}, weights, [("q", list("abcdef"), False)], frameworks)
    assert found == [("q", "a", "c", "gamma", 9), ("q", "a", "e", "beta", 9),
                     ("q", "a", "d", "delta", 8)]  # fmt: skip


def test_no_what_if_when_no_single_change_matters():
    weights = [Weight("q", "a", "flask", 10, "x"), Weight("q", "b", "flask", 9, "y")]
    assert changes({"q": "a"}, weights, [("q", ["a", "b"], False)]) == []


@pytest.mark.parametrize(("margin", "level"), [(0, "tie"), (1, "close"), (2, "close"),
                                               (3, "clear"), (12, "clear")])  # fmt: skip
def test_confidence_follows_the_margin(margin, level):
    assert confidence(margin) == level


def entry(framework, score, *points):
    return {"framework": framework, "name": framework.title(), "score": score,
            "contributions": [{"question": f"q{n}", "summary": f"Answer {n}", "points": p,
                               "reason": "r"} for n, p in enumerate(points)]}  # fmt: skip


def test_a_clear_verdict_says_start_with_the_winner():
    reading = present({"ranking": [entry("alpha", 7, 7), entry("beta", 3, 3)]})
    assert (reading["confidence"], reading["margin"]) == ("clear", 4)
    assert reading["headline"] == "Start with Alpha"
    assert reading["title"] == "Your verdict: Alpha"
    assert "recommends Alpha with 7 points, 4 ahead of Beta" in reading["description"]


def test_a_close_verdict_says_so_and_names_what_decided_it():
    alpha = entry("alpha", 5, 3, 2)
    beta = entry("beta", 4, 4)
    beta["contributions"][0]["question"] = "q0"
    reading = present({"ranking": [alpha, beta]})
    assert reading["confidence"] == "close"
    assert reading["headline"] == "Alpha and Beta are neck and neck for you"
    assert reading["decided_by"]["summary"] == "Answer 1"  # +2 for Alpha, nothing for Beta
    assert "Alpha, narrowly ahead of Beta" in reading["title"]
    assert "leads by 1 point (5 to 4)" in reading["description"]


def test_a_tie_is_a_joint_pick_whichever_rule_put_one_first():
    by_alphabet = present({"ranking": [entry("alpha", 3, 3), entry("beta", 3, 3),
                                       entry("gamma", 1, 1)]})  # fmt: skip
    assert by_alphabet["confidence"] == "tie" and by_alphabet["tie_order"] == "alphabet"
    assert by_alphabet["headline"] == "A joint pick: Alpha and Beta"
    assert by_alphabet["title"] == "Your verdict: Alpha and Beta, tied"
    assert "Start with" not in by_alphabet["description"]
    assert "Alpha and Beta tie on 3 points each" in by_alphabet["description"]
    by_favour = present({"ranking": [entry("beta", 3, 5, -2), entry("alpha", 3, 3),
                                     entry("gamma", 3, 3)]})  # fmt: skip
    assert by_favour["tie_order"] == "favour"
    assert [p["framework"] for p in by_favour["picks"]] == ["beta", "alpha", "gamma"]
    assert by_favour["headline"] == "A joint pick: Beta, Alpha and Gamma"


def test_a_verdict_stored_before_margins_existed_still_reads():
    old = {"ranking": [entry("alpha", 2)], "tied": False, "flip": None, "advice": []}
    assert present(old)["headline"] == "Start with Alpha"


def test_a_note_lists_every_unmet_condition():
    note = Note("q", "a", "text", verdicts=frozenset({"alpha"}),
                needs=frozenset({("r", "x"), ("r", "y"), ("s", "z")}),
                excludes=frozenset({("t", "no")}))  # fmt: skip
    assert note.applies({"q": "a", "r": "y", "s": "z"}, ["alpha"])
    assert note.unmet({"q": "b", "r": "w", "t": "no"}, ["beta"]) == [
        ("answer", "q", "a"),
        ("needs", "r", frozenset({"x", "y"})),
        ("needs", "s", frozenset({"z"})),
        ("excludes", "t", "no"),
        ("verdict", frozenset({"alpha"})),
    ]
    assert note.applies({"q": "a", "r": "x", "s": "z"}, ["beta", "alpha"])  # a joint pick


def scorer(notes=()):
    questions = [
        Question("experience", "How much?", {"beginner": ("New", "You are new"),
                                             "expert": ("Old hand", "")}, True),
        Question("goal", "Why?", {"job": ("A job", "You want a job"),
                                  "learn": ("To learn", "You want to learn")}),
        Question("speed", "Fast?", {"async": ("Yes", "You need speed")}),
    ]  # fmt: skip
    return Scorer(questions, WEIGHTS, {f: f.title() for f in FRAMEWORKS}, notes)


def test_the_verdict_ranks_as_score_does_and_explains_itself():
    verdict = scorer().verdict({"experience": "expert", "goal": "job"})
    assert [(r["framework"], r["score"]) for r in verdict["ranking"]] == [
        (s.framework, s.score) for s in score({"experience": "expert", "goal": "job"},
                                              WEIGHTS, FRAMEWORKS)
    ]  # fmt: skip
    assert verdict["ranking"][0]["contributions"] == [
        {"question": "experience", "summary": "How much? Old hand", "points": 2,
         "reason": "rewards experience", "cites": []},
        {"question": "goal", "summary": "You want a job", "points": 4,
         "reason": "more listings", "cites": []},
    ]  # fmt: skip
    assert (verdict["margin"], verdict["confidence"]) == (5, "clear")
    assert [(w["question"], w["from_label"], w["to_label"], w["winner_name"], w["score"],
             w["runner_up_name"], w["runner_up_score"], w["points"], w["reason"])
            for w in verdict["what_ifs"]] == [
        ("goal", "A job", "To learn", "Flask", 3, "Django", 2, 3, "shows the workings"),
    ]  # fmt: skip


def test_the_verdict_shows_advice_only_where_its_conditions_hold():
    notes = [
        Note("goal", "job", "Practise SQL."),
        Note("goal", "job", "Flask first.", verdicts=frozenset({"flask"})),
        Note("speed", "async", "Learn asyncio.", needs=frozenset({("experience", "beginner")})),
        Note("speed", "async", "Pulls apart.", tension=True,
             excludes=frozenset({("goal", "learn")})),
    ]  # fmt: skip
    shown = scorer(notes).verdict({"experience": "beginner", "goal": "job", "speed": "async"})
    assert [(a["note"], a["tension"]) for a in shown["advice"]] == [
        ("Practise SQL.", False), ("Learn asyncio.", False), ("Pulls apart.", True),
    ]  # fmt: skip
    flask = scorer(notes).verdict({"experience": "beginner", "goal": "learn", "speed": "async"})
    assert [a["note"] for a in flask["advice"]] == ["Learn asyncio."]


def test_several_frameworks_tied_in_second_place_are_named_together_not_by_the_alphabet():
    winner = entry("alpha", 2, 2)
    seconds = [entry(f, 1, 1) for f in ("beta", "delta", "gamma")]
    reading = present({"ranking": [winner, *seconds]})
    assert reading["headline"] == "Alpha, Beta, Delta and Gamma are neck and neck for you"
    assert reading["title"] == "Your verdict: Alpha, narrowly ahead of Beta, Delta and Gamma"
    assert reading["decided_by"] == {"summary": "Answer 0", "gap": 1, "winner": 2,
                                     "runner_up": 1}  # fmt: skip
    many = present({"ranking": [winner, *seconds, entry("zeta", 1, 1)]})
    assert many["headline"] == "Alpha and 4 others are neck and neck for you"
    assert "ahead of 4 others" in many["title"]
    clear = present({"ranking": [entry("alpha", 5, 5), *seconds]})
    assert "5 points, 4 ahead of Beta, Delta and Gamma" in clear["description"]
