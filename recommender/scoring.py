"""Quiz scoring: answers and weights in, a ranking with its reasons out.

Pure Python with no database access, so it is tested on its own and the admin's
"try it" page, the quiz and the tests all run the same code.

Every framework starts at 0. Each answered question adds the points its chosen
choice gives each framework (weights may be negative); a skipped question adds
nothing. Frameworks are ranked by, in order:

1. the higher total score;
2. on equal totals, the larger sum of positive points (more reasons in favour
   beats fewer reasons against);
3. then alphabetically by slug, so a tie never depends on database order.
"""

from dataclasses import dataclass, field

TIE_RULE = (
    "Equal scores are ordered by the total of points in favour, then alphabetically, "
    "never by chance."
)


@dataclass(frozen=True)
class Weight:
    """What choosing ``choice`` for ``question`` does to one framework's score."""

    question: str
    choice: str
    framework: str
    points: int
    reason: str


@dataclass(frozen=True)
class Contribution:
    question: str
    choice: str
    points: int
    reason: str


@dataclass
class Score:
    framework: str
    score: int = 0
    contributions: list = field(default_factory=list)

    @property
    def points_in_favour(self):
        return sum(c.points for c in self.contributions if c.points > 0)

    def rank_key(self):
        return (-self.score, -self.points_in_favour, self.framework)


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
            Contribution(weight.question, weight.choice, weight.points, weight.reason)
        )
    return sorted(scores.values(), key=Score.rank_key)


@dataclass(frozen=True)
class Flip:
    """One changed answer that would have made ``winner`` come first."""

    question: str
    from_choice: str | None  # None: the question was skipped
    to_choice: str
    winner: str


def what_would_flip(answers, weights, frameworks, questions):
    """The single answer change that would change the verdict, if there is one.

    ``questions`` is an ordered list of (question, [choices]). Every alternative
    answer to every question is tried in quiz order; among those that change the
    winner, the one that leaves the new winner furthest ahead is returned (ties:
    the earliest question, then the earliest choice). ``None`` if no single
    change alters the verdict.
    """
    current = score(answers, weights, frameworks)[0].framework
    best, best_margin = None, None
    for question, choices in questions:
        for choice in choices:
            if answers.get(question) == choice:
                continue
            ranking = score({**answers, question: choice}, weights, frameworks)
            if ranking[0].framework == current:
                continue
            margin = ranking[0].score - ranking[1].score if len(ranking) > 1 else 0
            if best_margin is None or margin > best_margin:
                best = Flip(question, answers.get(question), choice, ranking[0].framework)
                best_margin = margin
    return best
