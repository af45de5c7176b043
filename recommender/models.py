"""The quiz: questions and choices, the weights editors tune, and stored results.

Question and choice slugs are a public contract: pre-filled quiz links and
stored results use them, so change them only with great care.
"""

import dataclasses
import logging
import secrets
from contextlib import nullcontext

from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from simple_history.models import HistoricalRecords

from comparisons.models import (
    Adoption,
    Article,
    ArticleFramework,
    Fit,
    Framework,
    ProCon,
    Support,
    TraitValue,
    slug_url,
)
from editing.registry import content
from pagecache.caching import VersionedMemo

from . import scoring

logger = logging.getLogger(__name__)


class QuestionQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


@content
class Question(models.Model):
    slug = models.SlugField(
        max_length=40,
        unique=True,
        help_text="Used in quiz links and stored results. Do not rename.",
    )
    prompt = models.CharField(max_length=200, help_text="The question as the visitor reads it.")
    help_text = models.CharField(
        max_length=300, blank=True, help_text="A hint shown under the question."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in the quiz.")
    required = models.BooleanField(
        default=False, help_text="Visitors must answer it; every other question can be skipped."
    )
    about_visitor = models.BooleanField(
        "about the visitor",
        default=False,
        help_text="Its answers describe the visitor (what they know, want or already have) "
        "rather than the project. The verdict suggests changing such an answer only when no "
        "answer about the project would change the verdict.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = QuestionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "slug"]

    def __str__(self):
        return self.prompt

    def natural_key(self):
        return (self.slug,)


class ChoiceQuerySet(models.QuerySet):
    def get_by_natural_key(self, question, slug):
        return self.get(question__slug=question, slug=slug)

    def untuned(self):
        """Choices that neither move a score nor attach advice."""
        return self.filter(weights__isnull=True, advice__isnull=True)


@content
class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    slug = models.SlugField(max_length=40, help_text="Used in quiz links. Do not rename.")
    label = models.CharField(max_length=120, help_text="The answer as the visitor reads it.")
    summary = models.CharField(
        max_length=120,
        blank=True,
        help_text="How the verdict page restates this answer: 'You want a job soon'.",
    )
    order = models.PositiveSmallIntegerField(default=0)

    objects = ChoiceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["question__order", "order", "slug"]
        constraints = [
            models.UniqueConstraint(fields=["question", "slug"], name="choice_slug_per_question")
        ]

    def __str__(self):
        return f"{self.question.slug}: {self.label}"

    def natural_key(self):
        return (self.question.slug, self.slug)

    natural_key.dependencies = ["recommender.question"]


class WeightQuerySet(models.QuerySet):
    def get_by_natural_key(self, question, choice, framework):
        return self.get(
            choice__question__slug=question, choice__slug=choice, framework__slug=framework
        )

    def for_scoring(self, cites=None):
        """Every weight as a scoring.Weight, in a stable order (one query).

        ``cites``: {(question, choice, framework): ((label, address), ...)}, from
        ``Weight.cited_facts``.
        """
        rows = self.select_related("choice__question", "framework").order_by(
            "choice__question__order", "choice__order", "-points", "framework__slug"
        )
        cites = cites or {}
        return [
            scoring.Weight(
                w.choice.question.slug, w.choice.slug, w.framework.slug, w.points, w.reason,
                cites.get((w.choice.question.slug, w.choice.slug, w.framework.slug), ()),
            )
            for w in rows
        ]  # fmt: skip


FACT_HELP = "Facts this reason rests on; the verdict page links them."


@content
class Weight(models.Model):
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="weights")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="quiz_weights")
    points = models.SmallIntegerField(
        help_text="Added to the framework's score when this answer is chosen; negative takes away."
    )
    reason = models.CharField(
        max_length=300,
        help_text="Shown on the verdict page after 'because': say why, and cite the "
        "evidence in words.",
    )
    cites_features = models.ManyToManyField(
        Support, blank=True, related_name="cited_by_weights", verbose_name="feature facts",
        help_text=FACT_HELP,
    )  # fmt: skip
    cites_traits = models.ManyToManyField(
        TraitValue, blank=True, related_name="cited_by_weights", verbose_name="table rows",
        help_text=FACT_HELP,
    )  # fmt: skip
    cites_fits = models.ManyToManyField(
        Fit, blank=True, related_name="cited_by_weights", verbose_name="use-case fits",
        help_text=FACT_HELP,
    )  # fmt: skip
    cites_pros_cons = models.ManyToManyField(
        ProCon, blank=True, related_name="cited_by_weights", verbose_name="pros and cons",
        help_text=FACT_HELP,
    )  # fmt: skip
    cites_users = models.ManyToManyField(
        Adoption, blank=True, related_name="cited_by_weights", verbose_name="users",
        help_text=FACT_HELP,
    )  # fmt: skip

    objects = WeightQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["choice", "-points"]
        constraints = [
            models.UniqueConstraint(fields=["choice", "framework"], name="weight_once_per_choice"),
            models.CheckConstraint(
                condition=Q(points__gte=-10) & Q(points__lte=10), name="weight_points_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.choice} → {self.framework}: {self.points:+d}"

    def natural_key(self):
        return (*self.choice.natural_key(), self.framework.slug)

    natural_key.dependencies = ["recommender.choice", "comparisons.framework"]

    @classmethod
    def cited_facts(cls):
        """{(question, choice, framework): ((label, address), ...)}: the fact rows each
        weight cites, with where readers see them (one query per kind of fact).

        Rows of unpublished frameworks and unfilled placeholders are left out.
        """
        cites = {}
        key = ["weight__choice__question__slug", "weight__choice__slug", "weight__framework__slug"]
        for field, (fact, columns, cite) in _CITED.items():
            through = cls._meta.get_field(field).remote_field.through
            rows = (
                through.objects.filter(**{f"{fact}__framework__status": "published"})
                .values_list(*key, *(f"{fact}__{column}" for column in columns))
                .order_by("pk")
            )
            for question, choice, framework, *values in rows:
                if (label_and_address := cite(*values)) is not None:
                    cites.setdefault((question, choice, framework), []).append(label_and_address)
        return {key: tuple(value) for key, value in cites.items()}


def _profile(framework, section):
    return slug_url("comparisons:framework", framework) + section


# Each kind of fact a weight can cite: the through table's column for it, the values
# to read, and (label, address) from them (None: a placeholder, never shown).
_CITED = {
    "cites_features": (
        "support",
        ["framework__slug", "feature__slug", "feature__name", "level"],
        lambda framework, feature, name, level: None
        if level == Support.Level.UNCHECKED
        else (f"{name}: {Support.Level(level).label.lower()}",
              slug_url("comparisons:feature", feature) + f"#{framework}"),
    ),
    "cites_traits": (
        "traitvalue",
        ["framework__slug", "trait__name", "value"],
        lambda framework, trait, value: None
        if not value
        else (f"{trait} – {value}", _profile(framework, "#facts-heading")),
    ),
    "cites_fits": (
        "fit",
        ["use_case__slug", "use_case__name", "level"],
        lambda use_case, name, level: None
        if level is None
        else (f"{name}: {Fit.Level(level).label.lower()}",
              slug_url("comparisons:use_case", use_case)),
    ),
    "cites_pros_cons": (
        "procon",
        ["framework__slug", "kind", "title"],
        lambda framework, kind, title: (
            f"{ProCon.Kind(kind).label}: {title}", _profile(framework, "#proscons-heading")
        ),
    ),
    "cites_users": (
        "adoption",
        ["framework__slug", "company__name"],
        lambda framework, company: (f"Used by {company}", _profile(framework, "#adopters")),
    ),
}  # fmt: skip


class AdviceQuerySet(models.QuerySet):
    def get_by_natural_key(self, question, choice, order):
        return self.get(choice__question__slug=question, choice__slug=choice, order=order)


@content
class Advice(models.Model):
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="advice")
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=400,
        help_text="Shown on verdicts where this answer was chosen and the conditions below hold.",
    )
    tension = models.BooleanField(
        "answers pull apart",
        default=False,
        help_text="The note says that this answer and those it needs pull in different "
        "directions. The verdict shows it first, under “Your answers pull in different "
        "directions”.",
    )
    verdicts = models.ManyToManyField(
        Framework,
        blank=True,
        related_name="quiz_advice",
        verbose_name="only for verdicts",
        help_text="Shown only when one of these is recommended (a tie recommends each "
        "tied framework). Empty: for any verdict.",
    )
    needs = models.ManyToManyField(
        Choice,
        blank=True,
        related_name="needed_by_advice",
        verbose_name="only with answers",
        help_text="Shown only if, for each question named here, the visitor chose one of "
        "the answers named for it.",
    )
    excludes = models.ManyToManyField(
        Choice,
        blank=True,
        related_name="excluded_by_advice",
        verbose_name="never with answers",
        help_text="Never shown if the visitor chose any of these answers.",
    )

    objects = AdviceQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["choice", "order"]
        verbose_name_plural = "advice"
        constraints = [
            models.UniqueConstraint(fields=["choice", "order"], name="advice_unique_position")
        ]

    def __str__(self):
        return self.note

    def natural_key(self):
        return (*self.choice.natural_key(), self.order)

    natural_key.dependencies = ["recommender.choice", "comparisons.framework"]

    @staticmethod
    def condition_problems(choice, needs, excludes):
        """Why conditions on advice attached to ``choice`` can never all hold: a list
        of sentences, empty if they can."""
        problems = []
        rivals = [c for c in needs if c.question_id == choice.question_id and c != choice]
        if rivals and choice not in needs:
            names = ", ".join(f"“{c.label}”" for c in rivals)
            problems.append(
                f"It needs {names}, but it is attached to “{choice.label}”, another answer "
                "to the same question: it would never be shown."
            )
        both = set(needs) & set(excludes)
        if both:
            names = ", ".join(f"“{c.label}”" for c in both)
            problems.append(f"{names} cannot be both needed and excluded.")
        if choice in excludes:
            problems.append(
                f"It is attached to “{choice.label}” and excludes it: it would never be shown."
            )
        return problems

    @classmethod
    def for_scoring(cls):
        """Every advice note as a scoring.Note with its conditions (four queries)."""
        rows = (
            cls.objects.select_related("choice__question")
            .prefetch_related(
                models.Prefetch("verdicts", Framework.objects.only("slug")),
                models.Prefetch("needs", Choice.objects.select_related("question")),
                models.Prefetch("excludes", Choice.objects.select_related("question")),
            )
            .order_by("choice__question__order", "choice__order", "order")
        )
        return [
            scoring.Note(
                advice.choice.question.slug,
                advice.choice.slug,
                advice.note,
                tension=advice.tension,
                verdicts=frozenset(f.slug for f in advice.verdicts.all()),
                needs=frozenset((c.question.slug, c.slug) for c in advice.needs.all()),
                excludes=frozenset((c.question.slug, c.slug) for c in advice.excludes.all()),
            )
            for advice in rows
        ]


def new_token():
    return secrets.token_urlsafe(16)


class Result(models.Model):
    """A finished quiz: the answers and a snapshot of what they produced.

    The snapshot holds every name, label, score and reason as shown at the
    time, so a shared link keeps saying the same thing after weights change.
    No personal data is stored: no IP address, user agent or account.
    """

    token = models.CharField(max_length=32, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    answers = models.JSONField(help_text="{question slug: choice slug}")
    winner = models.SlugField(max_length=100, help_text="The winning framework's slug.")
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.winner} ({self.created_at:%Y-%m-%d %H:%M})"

    def get_absolute_url(self):
        return reverse("recommender:result", kwargs={"token": self.token})


_loaded_quiz = VersionedMemo(size=1)  # see Quiz.load


class Quiz:
    """The current quiz, loaded once per content version in a fixed number of queries.

    It checks a visitor's answers against the questions and turns valid answers
    into the verdict a Result stores. The quiz page needs only the questions; what
    only a verdict needs (advice with its conditions, the facts reasons cite, the
    next steps) is loaded at the first verdict, once.
    """

    FIELDS_IGNORED = {"csrfmiddlewaretoken"}
    USERS_SHOWN = 3  # companies named under "who uses it"

    def __init__(self, questions, weights, frameworks, tutorials=None):
        self.questions = questions
        self.weights = weights  # scoring.Weight, without the facts they cite
        self.frameworks = frameworks  # {slug: name}, published only
        self.tutorials = tutorials or {}  # {slug: address}
        self.by_slug = {q.slug: q for q in questions}
        self.choices = {q.slug: {c.slug: c for c in q.choices.all()} for q in questions}

    @classmethod
    def load(cls, fresh=False):
        """The quiz as it stands, kept in this process until any content changes."""

        def build():
            questions = list(Question.objects.prefetch_related("choices"))
            frameworks = Framework.objects.published().values_list("slug", "name", "tutorial_url")
            return cls(
                questions,
                Weight.objects.for_scoring(),
                {slug: name for slug, name, _ in frameworks},
                {slug: url for slug, _, url in frameworks if url},
            )

        return build() if fresh else _loaded_quiz.get("quiz", build)

    def check(self, data, require=True):
        """Split submitted ``data`` (a QueryDict) into valid answers and problems.

        With ``require=False`` (pre-filling from a link) a missing answer to a
        required question is not a problem.
        """
        answers, problems = {}, []
        for key in data:
            if key in self.FIELDS_IGNORED:
                continue
            values = data.getlist(key)
            if key not in self.by_slug:
                problems.append(f"There is no question called “{key}”.")
            elif len(values) > 1:
                problems.append(f"“{self.by_slug[key].prompt}” was answered more than once.")
            elif values[0] == "":
                continue  # skipped
            elif values[0] not in self.choices[key]:
                problems.append(
                    f"“{values[0]}” is not one of the answers to “{self.by_slug[key].prompt}”."
                )
            else:
                answers[key] = values[0]
        for question in self.questions if require else ():
            if question.required and question.slug not in answers:
                problems.append(f"Please answer “{question.prompt}”.")
        return answers, problems

    @cached_property
    def scorer(self):
        """The quiz as scoring sees it, with advice and cited facts (nine queries, once)."""
        questions = [
            scoring.Question(
                q.slug,
                q.prompt,
                {c.slug: (c.label, c.summary) for c in q.choices.all()},
                q.about_visitor,
            )
            for q in self.questions
        ]
        cites = Weight.cited_facts()
        weights = [
            dataclasses.replace(w, cites=cites.get((w.question, w.choice, w.framework), ()))
            for w in self.weights
        ]
        return scoring.Scorer(questions, weights, self.frameworks, Advice.for_scoring())

    @cached_property
    def users(self):
        """{framework: [(company, what for)]}: who uses each framework (one query, once)."""
        users = {}
        rows = (
            Adoption.objects.filter(framework__slug__in=self.frameworks)
            .order_by("company__name")
            .values_list("framework__slug", "company__name", "how")
        )
        for framework, company, how in rows:
            users.setdefault(framework, []).append((company, how))
        return users

    @cached_property
    def articles(self):
        """{frozenset of slugs: (slugs in the article's order, title)} (one query, once)."""
        entries = (
            ArticleFramework.objects.filter(article__in=Article.objects.published())
            .order_by("article_id", "position")
            .values_list("article_id", "article__title", "framework__slug")
        )
        articles = {}
        for article, title, framework in entries:
            articles.setdefault(article, (title, []))[1].append(framework)
        return {frozenset(slugs): (slugs, title) for title, slugs in articles.values()}

    def verdict(self, answers):
        """Score ``answers`` (already checked): the verdict a Result stores."""
        verdict = self.scorer.verdict(answers)
        verdict["next_steps"] = self.next_steps(verdict)
        return verdict

    def comparison(self, slugs):
        """(title, address) of the canonical comparison of ``slugs``: an article's
        order and title where one covers exactly these frameworks, else by slug."""
        article = self.articles.get(frozenset(slugs))
        ordered = article[0] if article else sorted(slugs)
        title = article[1] if article else " vs ".join(self.frameworks[s] for s in ordered)
        return title, reverse("comparisons:compare", kwargs={"slugs": "-vs-".join(ordered)})

    def next_steps(self, verdict):
        """The recommended frameworks' official tutorials and users, and the comparison
        of the recommendation with its runner-up (with every framework tied in second
        place, up to four in all; of a joint pick, of the tied)."""
        reading = scoring.present(verdict)
        picks = [entry["framework"] for entry in reading["picks"]]
        runners_up = [entry["framework"] for entry in reading["runners_up"]]
        compared = picks if len(picks) > 1 else picks + runners_up
        steps = {
            "tutorials": [
                {"framework": slug, "name": self.frameworks[slug], "url": self.tutorials[slug]}
                for slug in picks
                if slug in self.tutorials
            ],
            "users": [
                {
                    "framework": slug,
                    "name": self.frameworks[slug],
                    "url": _profile(slug, "#adopters"),
                    "count": len(self.users.get(slug, ())),
                    "examples": [
                        {"company": company, "how": how}
                        for company, how in self.users.get(slug, ())[: self.USERS_SHOWN]
                    ],
                }
                for slug in picks
            ],
            "compare": None,
        }
        if len(compared) > 1:
            title, url = self.comparison(compared[: ArticleFramework.MAX_FRAMEWORKS])
            steps["compare"] = {"title": title, "url": url}
        return steps


class StepCountQuerySet(models.QuerySet):
    def add_one(self, step, day=None):
        """Count one more visitor at ``step`` today: one statement, safe under concurrency.

        Django's ORM cannot say "insert the row, or add one to it if it exists"
        (``bulk_create(update_conflicts=True)`` only copies the new values), and an
        update followed by an insert needs a retry when two requests create the day's
        row at once. ``INSERT ... ON CONFLICT DO UPDATE`` does both atomically, in the
        same words on SQLite and PostgreSQL.
        """
        connection = connections[self.db]
        quote = connection.ops.quote_name
        table, visitors = quote(StepCount._meta.db_table), quote("visitors")
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({quote('day')}, {quote('step')}, {visitors})"  # noqa: S608
                f" VALUES (%s, %s, 1) ON CONFLICT ({quote('day')}, {quote('step')})"
                f" DO UPDATE SET {visitors} = {table}.{visitors} + 1",
                [day or timezone.localdate(), step],
            )

    def funnel(self, start, end):
        """{step: visitors} over the days from ``start`` to ``end`` inclusive (one query)."""
        return dict(
            self.filter(day__range=(start, end))
            .values("step")
            .annotate(n=Sum("visitors"))
            .order_by()
            .values_list("step", "n")
        )


class StepCount(models.Model):
    """How many visitors reached one step of the quiz on one day: the quiz's funnel.

    A counter per day and step, never a row per visitor: nothing here, or in how it
    is counted, says who anyone is (no IP address, user agent, cookie, session,
    token or account). quiz.js counts "started" and each "question-<n>" it shows
    (n from 2) with a beacon to /quiz/step/; the quiz counts "finished" when it
    stores a Result.
    """

    STARTED, FINISHED = "started", "finished"

    day = models.DateField()
    step = models.CharField(
        max_length=20, help_text="started, question-<n> (reached question n), or finished."
    )
    visitors = models.PositiveIntegerField(default=0)

    objects = StepCountQuerySet.as_manager()

    class Meta:
        ordering = ["-day", "step"]
        constraints = [
            models.UniqueConstraint(fields=["day", "step"], name="step_count_once_per_day")
        ]

    def __str__(self):
        return f"{self.day}: {self.visitors} × {self.step}"

    @classmethod
    def steps(cls, questions):
        """The funnel of a quiz of ``questions`` questions, in order."""
        return [cls.STARTED, *(f"question-{n}" for n in range(2, questions + 1)), cls.FINISHED]

    @classmethod
    def record(cls, step):
        """Count a visitor at ``step``; True if counted.

        A failure is logged and swallowed: counting must never break the quiz.
        Inside a transaction (ATOMIC_REQUESTS, tests) the count gets a savepoint
        of its own, so a failed count leaves the caller's transaction usable.
        """
        connection = connections[router.db_for_write(cls)]
        try:
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                cls.objects.add_one(step)
        except DatabaseError:
            logger.warning("The quiz step %r was not counted", step, exc_info=True)
            return False
        return True
