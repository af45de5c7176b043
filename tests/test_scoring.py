"""recommender.scoring is pure: these tests need no database."""

from recommender.scoring import Weight, score, what_would_flip

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
QUESTIONS = [("experience", ["beginner", "expert"]), ("goal", ["job", "learn"]),
             ("speed", ["async"])]  # fmt: skip


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


def test_what_would_flip_names_the_change_that_changes_the_winner():
    answers = {"experience": "expert", "goal": "job"}  # django 6, flask 1
    flip = what_would_flip(answers, WEIGHTS, FRAMEWORKS, QUESTIONS)
    assert flip is not None
    assert flip.winner != "django"
    changed = {**answers, flip.question: flip.to_choice}
    assert score(changed, WEIGHTS, FRAMEWORKS)[0].framework == flip.winner
    assert flip.from_choice == answers.get(flip.question)


def test_what_would_flip_prefers_the_change_with_the_clearest_new_winner():
    # From "beginner + job" (flask 4, django 3): answering the skipped speed
    # question puts FastAPI 1 ahead; switching to expert puts Django 5 ahead.
    flip = what_would_flip(
        {"experience": "beginner", "goal": "job"}, WEIGHTS, FRAMEWORKS, QUESTIONS
    )
    assert (flip.question, flip.from_choice, flip.to_choice, flip.winner) == (
        "experience", "beginner", "expert", "django",
    )  # fmt: skip


def test_what_would_flip_is_none_when_no_single_change_matters():
    weights = [Weight("q", "a", "flask", 10, "x"), Weight("q", "b", "flask", 9, "y")]
    assert what_would_flip({"q": "a"}, weights, FRAMEWORKS, [("q", ["a", "b"])]) is None
