"""Quiz scoring: answers and weights in, a ranking with its reasons out, and the
verdict a result page shows: how sure it is, what would change it, which advice fits.

Pure Python with no database access, so it is tested on its own (every possible
answer set, in tests/test_verdicts_exhaustive.py) and the admin's "try it" page,
the quiz and the tests all run the same code.

Every framework starts at 0. Each answered question adds the points its chosen
choice gives each framework (weights may be negative); a skipped question adds
nothing. Frameworks are ranked by, in order:

1. the higher total score;
2. on equal totals, the larger sum of positive points (more reasons in favour
   beats fewer reasons against);
3. then alphabetically by slug, so a tie never depends on database order.

How sure a verdict is depends on the margin, the winner's points minus the
runner-up's: "clear" from CLEAR_MARGIN up, "close" below it, "tie" at 0. A tie is
presented as a joint pick of every framework on the top score, whatever rule 2 or
3 put first.
"""

from dataclasses import dataclass, field

TIE_RULE = (
    "Equal scores are ordered by the total of points in favour, then alphabetically, "
    "never by chance."
)
CLEAR_MARGIN = 3  # points ahead of the runner-up for a clear verdict
WHAT_IFS = 3  # at most this many suggested changes


@dataclass(frozen=True)
class Weight:
    """What choosing ``choice`` for ``question`` does to one framework's score.

    ``cites`` are the fact rows the reason rests on, as (label, address) pairs.
    """

    question: str
    choice: str
    framework: str
    points: int
    reason: str
    cites: tuple = ()


@dataclass(frozen=True)
class Contribution:
    question: str
    choice: str
    points: int
    reason: str
    cites: tuple = ()


def rank_key(framework, score, in_favour):
    return (-score, -in_favour, framework)


@dataclass
class Score:
    framework: str
    score: int = 0
    contributions: list = field(default_factory=list)

    @property
    def points_in_favour(self):
        return sum(c.points for c in self.contributions if c.points > 0)

    def rank_key(self):
        return rank_key(self.framework, self.score, self.points_in_favour)


def score(answers, weights, frameworks):
    """Rank ``frameworks`` (slugs) for ``answers`` ({question: choice}).

    Returns a list of ``Score`` for every framework, best first; each carries
    the contributions that produced it, in the order of ``weights``.
    """
    scores = {slug: Score(slug) for slug in frameworks}
    for weight in weights:
        if answers.get(weight.question) != weight.choice or weight.framework not in scores:
            continue
        entry = scores[weight.framework]
        entry.score += weight.points
        entry.contributions.append(
            Contribution(weight.question, weight.choice, weight.points, weight.reason, weight.cites)
        )
    return sorted(scores.values(), key=Score.rank_key)


def confidence(margin):
    """How sure a verdict is that leads the runner-up by ``margin`` points."""
    if margin >= CLEAR_MARGIN:
        return "clear"
    return "close" if margin > 0 else "tie"


class Tally:
    """Each answer's points for every framework, to rank many answer sets quickly.

    ``rank`` gives the same order as ``score`` without building contributions;
    the what-ifs rank every alternative answer with it, from the current totals.
    Totals are kept negated, so that plain tuple order is the ranking order.
    """

    def __init__(self, weights, frameworks):
        self.frameworks = tuple(frameworks)
        position = {framework: n for n, framework in enumerate(self.frameworks)}
        size = len(self.frameworks)
        self.by_answer = {}  # {(question, choice): ([-points], [-points in favour])}
        for weight in weights:
            if weight.framework in position:
                less, less_favour = self.by_answer.setdefault(
                    (weight.question, weight.choice), ([0] * size, [0] * size)
                )
                less[position[weight.framework]] -= weight.points
                less_favour[position[weight.framework]] -= max(weight.points, 0)
        self.nothing = ([0] * size, [0] * size)

    def totals(self, answers):
        """The negated totals of ``answers``: ([-points], [-points in favour])."""
        less, less_favour = self.nothing
        for answer in answers.items():
            if answer in self.by_answer:
                more, more_favour = self.by_answer[answer]
                less = [a + b for a, b in zip(less, more, strict=True)]
                less_favour = [a + b for a, b in zip(less_favour, more_favour, strict=True)]
        return less, less_favour

    def order(self, totals):
        """[(framework, score, points in favour)], best first, from negated totals."""
        ranked = sorted(zip(*totals, self.frameworks, strict=True))
        return [(framework, -less, -less_favour) for less, less_favour, framework in ranked]

    def rank(self, answers):
        return self.order(self.totals(answers))

    def without(self, totals, answer):
        """Negated ``totals`` with ``answer`` (a (question, choice) pair) taken out."""
        if answer not in self.by_answer:
            return totals
        return tuple(
            [a - b for a, b in zip(vector, fewer, strict=True)]
            for vector, fewer in zip(totals, self.by_answer[answer], strict=True)
        )

    def adding(self, totals, answer, favour=True):
        """Negated ``totals`` with ``answer`` added (``favour=False``: points only)."""
        if answer not in self.by_answer:
            return totals
        more = self.by_answer[answer]
        less = [a + b for a, b in zip(totals[0], more[0], strict=True)]
        if not favour:
            return less, None
        return less, [a + b for a, b in zip(totals[1], more[1], strict=True)]


@dataclass(frozen=True)
class WhatIf:
    """One changed answer that would put ``winner`` first outright (not into a tie)."""

    question: str
    from_choice: str | None  # None: the question was skipped
    to_choice: str
    winner: str
    score: int
    runner_up: str
    runner_up_score: int
    about_visitor: bool

    @property
    def margin(self):
        return self.score - self.runner_up_score


def what_ifs(answers, tally, questions, limit=WHAT_IFS):
    """Up to ``limit`` single-answer changes that would change the winner outright.

    ``questions`` is the quiz in order: (question, [choices], about_visitor). Every
    other answer to every question is tried (skipping one is never suggested).
    A change counts only if its new winner leads by at least a point. For each new
    winner the change that leaves it furthest ahead is kept (on equal margins the
    earliest question and choice), so the suggestions name different frameworks.
    Changes about the project (not ``about_visitor``) are preferred: answers about
    the visitor (their experience, what they already have) are suggested only when
    no answer about the project would change the verdict. Best first: the largest
    margin, then quiz order (question, then choice).
    """
    if len(tally.frameworks) < 2:
        return []
    totals = tally.totals(answers)
    current = tally.order(totals)[0][0]
    best = {}
    for question, choices, about_visitor in questions:
        others = tally.without(totals, (question, answers.get(question)))
        for choice in choices:
            if answers.get(question) == choice:
                continue
            less, _ = tally.adding(others, (question, choice), favour=False)
            best_less = min(less)
            if less.count(best_less) > 1:
                continue  # a tie at the top
            if tally.frameworks[less.index(best_less)] == current:
                continue
            ranking = tally.order(tally.adding(others, (question, choice)))
            (winner, top, _), (runner_up, second, _) = ranking[0], ranking[1]
            change = WhatIf(question, answers.get(question), choice, winner, top, runner_up,
                            second, about_visitor)  # fmt: skip
            kept = best.get((about_visitor, winner))
            if kept is None or change.margin > kept.margin:
                best[(about_visitor, winner)] = change
    pool = [change for (about_visitor, _), change in best.items() if not about_visitor]
    pool = pool or list(best.values())
    position = {
        (question, choice): n
        for n, (question, choice) in enumerate(
            (question, choice) for question, choices, _ in questions for choice in choices
        )
    }
    pool.sort(key=lambda change: (-change.margin, position[change.question, change.to_choice]))
    return pool[:limit]


@dataclass(frozen=True)
class Note:
    """An advice note attached to one answer, with the conditions it is shown under.

    ``needs``: (question, choice) pairs; for each question named, the visitor chose
    one of the choices named for it. ``excludes``: none of these was chosen.
    ``verdicts``: framework slugs, one of which must be (jointly) recommended; empty
    for any verdict. A ``tension`` note says two answers pull different ways.
    """

    question: str
    choice: str
    text: str
    tension: bool = False
    verdicts: frozenset = frozenset()
    needs: frozenset = frozenset()
    excludes: frozenset = frozenset()

    def unmet(self, answers, picks):
        """What keeps this note off a verdict recommending ``picks``: [] if nothing.

        Each item is ("answer", question, choice), ("needs", question, {choices}),
        ("excludes", question, choice) or ("verdict", {frameworks}).
        """
        unmet = []
        if answers.get(self.question) != self.choice:
            unmet.append(("answer", self.question, self.choice))
        needed = {}
        for question, choice in self.needs:
            needed.setdefault(question, set()).add(choice)
        for question, choices in sorted(needed.items()):
            if answers.get(question) not in choices:
                unmet.append(("needs", question, frozenset(choices)))
        for question, choice in sorted(self.excludes):
            if answers.get(question) == choice:
                unmet.append(("excludes", question, choice))
        if self.verdicts and not self.verdicts & set(picks):
            unmet.append(("verdict", self.verdicts))
        return unmet

    def applies(self, answers, picks):
        return answers.get(self.question) == self.choice and not self.unmet(answers, picks)


@dataclass(frozen=True)
class Question:
    """A question as scoring sees it: ``choices`` is {slug: (label, summary)}, in order."""

    slug: str
    prompt: str
    choices: dict
    about_visitor: bool = False

    def summary(self, choice):
        label, summary = self.choices[choice]
        return summary or f"{self.prompt} {label}"


class Scorer:
    """The quiz as pure data: questions, weights, framework names and advice notes."""

    def __init__(self, questions, weights, frameworks, notes=()):
        self.questions = list(questions)
        self.weights = list(weights)
        self.frameworks = dict(frameworks)  # {slug: name}, published only
        self.notes = list(notes)
        self.by_slug = {q.slug: q for q in self.questions}
        self.tally = Tally(self.weights, self.frameworks)
        # Weights by answer, and each as the page shows it, for scoring many answer sets.
        self._weights_of = {}  # {(question, choice): [(position, weight)]}
        self._contributions = []
        for position, weight in enumerate(self.weights):
            if weight.framework not in self.frameworks:
                self._contributions.append(None)
                continue
            self._weights_of.setdefault((weight.question, weight.choice), []).append(
                (position, weight)
            )
            self._contributions.append(
                {
                    "question": weight.question,
                    "summary": self.by_slug[weight.question].summary(weight.choice),
                    "points": weight.points,
                    "reason": weight.reason,
                    "cites": [{"label": label, "url": url} for label, url in weight.cites],
                }
            )
        self.quiz_order = [(q.slug, list(q.choices), q.about_visitor) for q in self.questions]
        self._order = {q.slug: n for n, q in enumerate(self.questions)}

    def what_ifs(self, answers):
        return what_ifs(answers, self.tally, self.quiz_order)

    def verdict(self, answers):
        """Score ``answers`` (already checked) and describe the result for the page.

        The result is plain JSON: a Result keeps it, so a shared link keeps saying
        what it said when the quiz was taken.
        """
        chosen = sorted(p for answer in answers.items() for p in self._weights_of.get(answer, ()))
        totals = dict.fromkeys(self.frameworks, 0)
        favour = dict.fromkeys(self.frameworks, 0)
        reasons = {framework: [] for framework in self.frameworks}
        for position, weight in chosen:
            totals[weight.framework] += weight.points
            favour[weight.framework] += max(weight.points, 0)
            reasons[weight.framework].append(self._contributions[position])
        ranking = sorted(self.frameworks, key=lambda f: rank_key(f, totals[f], favour[f]))
        top = totals[ranking[0]]
        margin = top - totals[ranking[1]] if len(ranking) > 1 else 0
        picks = [f for f in ranking if totals[f] == top] if margin == 0 else ranking[:1]
        answered = [q for q in self.questions if q.slug in answers]
        return {
            "answers": [
                {
                    "question": q.slug,
                    "prompt": q.prompt,
                    "choice": answers[q.slug],
                    "label": q.choices[answers[q.slug]][0],
                }
                for q in answered
            ],
            "ranking": [
                {
                    "framework": framework,
                    "name": self.frameworks[framework],
                    "score": totals[framework],
                    "contributions": [dict(c) for c in reasons[framework]],
                }
                for framework in ranking
            ],
            "tied": margin == 0 and len(ranking) > 1,
            "tie_rule": TIE_RULE,
            "margin": margin,
            "confidence": confidence(margin),
            "what_ifs": [self._what_if(answers, change) for change in self.what_ifs(answers)],
            "advice": [
                {
                    "summary": self._because(note, answers),
                    "note": note.text,
                    "tension": note.tension,
                }
                for note in self.notes
                if note.applies(answers, picks)
            ],
        }

    def _because(self, note, answers):
        """The answers a shown note follows from: "You have X, and you want Y"."""
        text = self.by_slug[note.question].summary(note.choice)
        for question in sorted({q for q, _ in note.needs}, key=self._order.__getitem__):
            also = self.by_slug[question].summary(answers[question])
            text += f", and {also[:1].lower()}{also[1:]}"
        return text

    def _what_if(self, answers, change):
        question = self.by_slug[change.question]
        gain = next(
            (w for w in self.weights
             if (w.question, w.choice, w.framework) == (change.question, change.to_choice,
                                                        change.winner)),
            None,
        )  # fmt: skip
        return {
            "question": change.question,
            "prompt": question.prompt,
            "from_label": change.from_choice and question.choices[change.from_choice][0],
            "to_label": question.choices[change.to_choice][0],
            "to_choice": change.to_choice,
            "winner": change.winner,
            "winner_name": self.frameworks[change.winner],
            "score": change.score,
            "runner_up": change.runner_up,
            "runner_up_name": self.frameworks[change.runner_up],
            "runner_up_score": change.runner_up_score,
            "about_visitor": change.about_visitor,
            "points": gain.points if gain else 0,
            "reason": gain.reason if gain else "",
        }


# --- How a stored verdict reads -----------------------------------------------------


def _names(entries):
    names = [entry["name"] for entry in entries]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _in_favour(entry):
    return sum(c["points"] for c in entry["contributions"] if c["points"] > 0)


def _points(n):
    return f"{n} point" if abs(n) == 1 else f"{n} points"


def _decided_by(winner, runners_up):
    """The answer that did most to put ``winner`` ahead of ``runners_up`` (all on the
    same score), or None: the largest lead over the best of them on one question."""
    questions = {}
    for c in winner["contributions"]:
        questions.setdefault(c["question"], c["summary"])
    for entry in runners_up:
        for c in entry["contributions"]:
            questions.setdefault(c["question"], c["summary"])

    def points(entry, question):
        return sum(c["points"] for c in entry["contributions"] if c["question"] == question)

    best = None
    for question, summary in questions.items():  # first of equals: the winner's first
        theirs = max(points(entry, question) for entry in runners_up)
        gap = points(winner, question) - theirs
        if gap > 0 and (best is None or gap > best["gap"]):
            best = {"summary": summary, "gap": gap, "winner": points(winner, question),
                    "runner_up": theirs}  # fmt: skip
    return best


def _group(entries):
    """Names of tied frameworks, or how many they are when they are many."""
    return _names(entries) if len(entries) <= 3 else f"{len(entries)} others"


def present(snapshot):
    """How a verdict reads: headline, confidence, share card. Works on any stored
    verdict, including those stored before margins and what-ifs existed.

    When several frameworks share second place, the text names them all (or how
    many they are), never one of them picked by the alphabet.
    """
    ranking = snapshot["ranking"]
    winner = ranking[0]
    runner_up = ranking[1] if len(ranking) > 1 else None
    margin = winner["score"] - runner_up["score"] if runner_up else 0
    level = confidence(margin) if runner_up else "clear"
    picks = [entry for entry in ranking if entry["score"] == winner["score"]]
    runners_up = [e for e in ranking[1:] if runner_up and e["score"] == runner_up["score"]]
    reading = {
        "winner": winner,
        "runner_up": runner_up,
        "runners_up": runners_up,
        "behind": _group(runners_up) if runners_up else "",
        "margin": margin,
        "confidence": level,
        "picks": picks if level == "tie" else [winner],
        "tie_order": None,
        "decided_by": None,
    }
    name = winner["name"]
    if level == "tie":
        second = picks[1]
        favoured = _in_favour(winner) != _in_favour(second)
        reading["tie_order"] = "favour" if favoured else "alphabet"
        reading["winner_favour"], reading["second_favour"] = _in_favour(winner), _in_favour(second)
        names = _names(picks)
        reading["headline"] = f"A joint pick: {names}"
        reading["title"] = f"Your verdict: {names}, tied"
        reading["card_title"] = f"{names}, tied"
        reading["description"] = (
            f"{names} tie on {_points(winner['score'])} each, so Pickframe's quiz picks "
            "them jointly. See the reasons for each."
        )
        return reading
    reading["decided_by"] = runners_up and _decided_by(winner, runners_up)
    behind = reading["behind"]
    if level == "close":
        together = _names([winner, *runners_up]) if len(runners_up) <= 3 else f"{name} and {behind}"
        reading["headline"] = f"{together} are neck and neck for you"
        reading["title"] = f"Your verdict: {name}, narrowly ahead of {behind}"
        reading["card_title"] = f"{name}, narrowly ahead of {behind}"
        reading["description"] = (
            f"{together} are neck and neck: {name} leads by {_points(margin)} "
            f"({winner['score']} to {runner_up['score']}). See what decided it."
        )
    else:
        ahead = f", {margin} ahead of {behind}" if runner_up else ""
        reading["headline"] = f"Start with {name}"
        reading["title"] = f"Your verdict: {name}"
        reading["card_title"] = f"Our quiz suggests {name}"
        reading["description"] = (
            f"Pickframe's quiz recommends {name} with {_points(winner['score'])}{ahead}. "
            "See which answers decided it."
        )
    return reading
