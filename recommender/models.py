"""The quiz: questions and choices, the weights editors tune, and stored results.

Question and choice slugs are a public contract: pre-filled quiz links and
stored results use them, so change them only with great care.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from comparisons.models import Framework
from editing.registry import content
from pagecache.caching import VersionedMemo

from . import scoring


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

    def for_scoring(self):
        """Every weight as a scoring.Weight, in a stable order (one query)."""
        rows = self.select_related("choice__question", "framework").order_by(
            "choice__question__order", "choice__order", "-points", "framework__slug"
        )
        return [
            scoring.Weight(
                w.choice.question.slug, w.choice.slug, w.framework.slug, w.points, w.reason
            )
            for w in rows
        ]


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


class AdviceQuerySet(models.QuerySet):
    def get_by_natural_key(self, question, choice, order):
        return self.get(choice__question__slug=question, choice__slug=choice, order=order)


@content
class Advice(models.Model):
    choice = models.ForeignKey(Choice, on_delete=models.CASCADE, related_name="advice")
    order = models.PositiveSmallIntegerField(default=0)
    note = models.CharField(
        max_length=400, help_text="Shown on every verdict where this answer was chosen."
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

    natural_key.dependencies = ["recommender.choice"]


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
    """The current quiz, loaded once per request in a fixed number of queries.

    It checks a visitor's answers against the questions and turns valid answers
    into the verdict snapshot a Result stores.
    """

    FIELDS_IGNORED = {"csrfmiddlewaretoken"}

    def __init__(self, questions, weights, frameworks):
        self.questions = questions
        self.weights = weights
        self.frameworks = frameworks  # {slug: name}, published only
        self.by_slug = {q.slug: q for q in questions}
        self.choices = {q.slug: {c.slug: c for c in q.choices.all()} for q in questions}

    @classmethod
    def load(cls, fresh=False):
        """The quiz as it stands, kept in this process until any content changes."""

        def build():
            questions = list(Question.objects.prefetch_related("choices__advice"))
            frameworks = dict(Framework.objects.published().values_list("slug", "name"))
            return cls(questions, Weight.objects.for_scoring(), frameworks)

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

    def _summary(self, question, choice):
        picked = self.choices[question][choice]
        return picked.summary or f"{self.by_slug[question].prompt} {picked.label}"

    def verdict(self, answers):
        """Score ``answers`` (already checked) and describe the result for the page."""
        ranking = scoring.score(answers, self.weights, list(self.frameworks))
        flip = scoring.what_would_flip(
            answers,
            self.weights,
            list(self.frameworks),
            [(q.slug, list(self.choices[q.slug])) for q in self.questions],
        )
        answered = [q for q in self.questions if q.slug in answers]
        return {
            "answers": [
                {
                    "question": q.slug,
                    "prompt": q.prompt,
                    "choice": answers[q.slug],
                    "label": self.choices[q.slug][answers[q.slug]].label,
                }
                for q in answered
            ],
            "ranking": [
                {
                    "framework": entry.framework,
                    "name": self.frameworks[entry.framework],
                    "score": entry.score,
                    "contributions": [
                        {
                            "question": c.question,
                            "summary": self._summary(c.question, c.choice),
                            "points": c.points,
                            "reason": c.reason,
                        }
                        for c in entry.contributions
                    ],
                }
                for entry in ranking
            ],
            "tied": len(ranking) > 1 and ranking[0].score == ranking[1].score,
            "tie_rule": scoring.TIE_RULE,
            "flip": flip
            and {
                "question": flip.question,
                "prompt": self.by_slug[flip.question].prompt,
                "from_label": flip.from_choice
                and self.choices[flip.question][flip.from_choice].label,
                "to_label": self.choices[flip.question][flip.to_choice].label,
                "winner": flip.winner,
                "winner_name": self.frameworks[flip.winner],
            },
            "advice": [
                {"summary": self._summary(q.slug, answers[q.slug]), "note": advice.note}
                for q in answered
                for advice in self.choices[q.slug][answers[q.slug]].advice.all()
            ],
        }
