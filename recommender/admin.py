import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from editing.forms import ConflictCheckedForm, InlineConflictCheckedForm
from editing.options import ContentAdmin, ContentInline

from . import scoring
from .models import Advice, Choice, Question, Quiz, Result, StepCount, Weight


def _warn_untuned(request):
    untuned = Choice.objects.untuned().select_related("question")
    if untuned:
        messages.warning(
            request,
            format_html(
                "These answers change no score and attach no advice, so choosing them does "
                "nothing: {}",
                format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    (
                        (reverse("admin:recommender_choice_change", args=[c.pk]), str(c))
                        for c in untuned
                    ),
                ),
            ),
        )


class ChoiceInline(ContentInline, admin.TabularInline):
    model = Choice
    fields = ["order", "slug", "label", "summary"]
    extra = 0
    show_change_link = True  # weights and advice are edited on the choice's own page


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    list_display = ["prompt", "slug", "order", "required", "about_visitor", "choice_count"]
    list_editable = ["order"]
    search_fields = ["prompt", "slug"]
    prepopulated_fields = {"slug": ["prompt"]}
    inlines = [ChoiceInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(choice_count=Count("choices"))

    @admin.display(ordering="choice_count", description="choices")
    def choice_count(self, obj):
        return obj.choice_count

    def changelist_view(self, request, extra_context=None):
        _warn_untuned(request)
        extra_context = {**(extra_context or {}), "try_url": reverse("admin:recommender_try")}
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path("try/", self.admin_site.admin_view(self.try_view), name="recommender_try"),
            *super().get_urls(),
        ]

    def try_view(self, request):
        """Pick answers and see what the current weights make of them; nothing is saved."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        quiz = Quiz.load(fresh=True)
        answers, problems = quiz.check(request.GET) if request.GET else ({}, [])
        verdict = quiz.verdict(answers) if request.GET and not problems else None
        reading = verdict and scoring.present(verdict)
        return render(
            request,
            "admin/recommender/try.html",
            {
                **self.admin_site.each_context(request),
                "title": "Try the quiz with the current weights",
                "questions": quiz.questions,
                "answers": answers,
                "problems": problems,
                "verdict": verdict,
                "reading": reading,
                "advice_checks": reading and _advice_checks(quiz, answers, reading),
                "opts": self.model._meta,
            },
        )


def _advice_checks(quiz, answers, reading):
    """Each advice note attached to the chosen answers, and why it is not shown (if so)."""
    picks = [entry["framework"] for entry in reading["picks"]]

    def label(question, choice):
        return f"{quiz.by_slug[question].prompt} {quiz.choices[question][choice].label}"

    def why(unmet):
        kind, *rest = unmet
        if kind == "needs":
            question, choices = rest
            return "needs " + " or ".join(f"“{label(question, c)}”" for c in sorted(choices))
        if kind == "excludes":
            return f"never with “{label(*rest)}”"
        return "only for verdicts " + ", ".join(quiz.frameworks.get(f, f) for f in sorted(rest[0]))

    return [
        {
            "note": note,
            "summary": label(note.question, note.choice),
            "why_not": [why(unmet) for unmet in note.unmet(answers, picks)],
        }
        for note in quiz.scorer.notes
        if answers.get(note.question) == note.choice
    ]


class WeightInline(ContentInline, admin.TabularInline):
    model = Weight
    fields = ["framework", "points", "reason", "cited_facts"]
    readonly_fields = ["cited_facts"]
    autocomplete_fields = ["framework"]
    extra = 0
    show_change_link = True  # the facts a reason cites are chosen on the weight's own page

    @admin.display(description="facts cited")
    def cited_facts(self, obj):
        return sum(len(getattr(obj, field).all()) for field in CITE_FIELDS) if obj.pk else 0


CITE_FIELDS = ["cites_features", "cites_traits", "cites_fits", "cites_pros_cons", "cites_users"]


class AdviceForm(ConflictCheckedForm):
    """Refuses conditions that could never all hold."""

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("choice") or getattr(self.instance, "choice", None)
        if choice is not None and choice.pk:
            problems = Advice.condition_problems(
                choice, list(cleaned.get("needs") or ()), list(cleaned.get("excludes") or ())
            )
            if problems:
                raise ValidationError(problems)
        return cleaned


class InlineAdviceForm(InlineConflictCheckedForm, AdviceForm):
    pass


class AdviceInline(ContentInline, admin.StackedInline):
    model = Advice
    form = InlineAdviceForm
    fields = ["order", "note", "tension", "verdicts", "needs", "excludes"]
    autocomplete_fields = ["verdicts", "needs", "excludes"]
    extra = 0

    def get_queryset(self, request):
        answers = Choice.objects.select_related("question")  # their labels name the question
        return (
            super()
            .get_queryset(request)
            .prefetch_related(None)
            .prefetch_related("verdicts", Prefetch("needs", answers), Prefetch("excludes", answers))
        )


@admin.register(Choice)
class ChoiceAdmin(ContentAdmin):
    list_display = ["label", "question", "slug", "weight_count", "advice_count"]
    list_filter = ["question"]
    list_select_related = ["question"]
    search_fields = ["label", "slug", "question__prompt"]
    autocomplete_fields = ["question"]
    inlines = [WeightInline, AdviceInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                weight_count=Count("weights", distinct=True),
                advice_count=Count("advice", distinct=True),
            )
        )

    @admin.display(ordering="weight_count", description="weights")
    def weight_count(self, obj):
        return obj.weight_count

    @admin.display(ordering="advice_count", description="advice")
    def advice_count(self, obj):
        return obj.advice_count

    def changelist_view(self, request, extra_context=None):
        _warn_untuned(request)
        return super().changelist_view(request, extra_context)


@admin.register(Weight)
class WeightAdmin(ContentAdmin):
    list_display = ["choice", "framework", "points", "reason"]
    list_filter = ["framework", "choice__question"]
    list_select_related = ["choice__question", "framework"]
    search_fields = ["reason", "choice__label", "framework__name"]
    autocomplete_fields = ["choice", "framework", *CITE_FIELDS]
    fieldsets = [
        (None, {"fields": ["choice", "framework", "points", "reason"]}),
        (
            "Facts the reason rests on",
            {
                "fields": CITE_FIELDS,
                "description": "The verdict page links each fact after the reason. Cite "
                "the rows that show what the reason says.",
            },
        ),
    ]


@admin.register(Advice)
class AdviceAdmin(ContentAdmin):
    form = AdviceForm
    list_display = ["note", "choice", "tension"]
    list_filter = ["tension", "choice__question"]
    list_select_related = ["choice__question"]
    search_fields = ["note", "choice__label"]
    autocomplete_fields = ["choice", "verdicts", "needs", "excludes"]


def _bars(rows, width=320):
    """(label, count) rows as bar widths for the analytics charts."""
    top = max((count for _, count in rows), default=0) or 1
    return [
        {"label": label, "count": count, "width": round(count / top * width, 1), "y": i * 26}
        for i, (label, count) in enumerate(rows)
    ]


@admin.register(Result)
class ResultAdmin(admin.ModelAdmin):
    list_display = ["token", "winner", "created_at"]
    list_filter = ["winner", ("created_at", admin.DateFieldListFilter)]
    date_hierarchy = "created_at"
    readonly_fields = ["token", "winner", "answers", "snapshot", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "analytics_url": reverse("admin:recommender_analytics"),
        }
        return super().changelist_view(request, extra_context)

    def get_urls(self):
        return [
            path(
                "analytics/",
                self.admin_site.admin_view(self.analytics_view),
                name="recommender_analytics",
            ),
            *super().get_urls(),
        ]

    def analytics_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        today = timezone.localdate()
        start = _parse_date(request.GET.get("from")) or today - datetime.timedelta(days=29)
        end = _parse_date(request.GET.get("to")) or today
        if start > end:
            start, end = end, start
        results = Result.objects.filter(created_at__date__gte=start, created_at__date__lte=end)
        per_day = dict(
            results.annotate(day=TruncDate("created_at"))
            .values("day")
            .annotate(n=Count("id"))
            .order_by()
            .values_list("day", "n")
        )
        days = [start + datetime.timedelta(days=i) for i in range((end - start).days + 1)][-92:]
        quiz = Quiz.load()
        answers = []
        for question in quiz.questions:
            counts = dict(
                results.annotate(choice=KT(f"answers__{question.slug}"))
                .values("choice")
                .annotate(n=Count("id"))
                .order_by()
                .values_list("choice", "n")
            )
            rows = [(c.label, counts.get(c.slug, 0)) for c in question.choices.all()]
            rows.append(("Skipped", counts.get(None, 0)))
            answers.append((question, _bars(rows)))
        verdicts = (
            results.values("winner").annotate(n=Count("id")).order_by("-n", "winner")
        ).values_list("winner", "n")
        return render(
            request,
            "admin/recommender/analytics.html",
            {
                **self.admin_site.each_context(request),
                "title": "Quiz analytics",
                "opts": self.model._meta,
                "start": start,
                "end": end,
                "total": results.count(),
                "per_day": _bars([(f"{d:%d %b}", per_day.get(d, 0)) for d in days]),
                "verdicts": _bars([(quiz.frameworks.get(slug, slug), n) for slug, n in verdicts]),
                "answers": answers,
                "funnel": _funnel(request, quiz, start, end),
            },
        )


def _funnel(request, quiz, start, end):
    """Where people give up: visitors at each step from ``start`` to ``end`` (one query).

    Each step has its count and its share of the visitors who started. Steps a
    longer quiz had in the range are kept, before "finished".
    """
    if not request.user.has_perm("recommender.view_stepcount"):
        return None
    counts = StepCount.objects.funnel(start, end)
    steps = StepCount.steps(len(quiz.questions))
    gone = sorted(
        (s for s in counts if s not in steps and s.removeprefix("question-").isdigit()),
        key=lambda s: int(s.removeprefix("question-")),
    )
    steps[-1:-1] = gone
    details = {
        StepCount.STARTED: "opened the quiz",
        **{f"question-{n}": q.prompt for n, q in enumerate(quiz.questions, 1)},
        **dict.fromkeys(gone, "no longer in the quiz"),
        StepCount.FINISHED: "got a verdict",
    }
    labels = {StepCount.STARTED: "Started", StepCount.FINISHED: "Finished"}
    rows = _bars(
        [(labels.get(s) or "Question " + s.removeprefix("question-"), counts.get(s, 0))
         for s in steps]
    )  # fmt: skip
    started = counts.get(StepCount.STARTED, 0)
    for row, step in zip(rows, steps, strict=True):
        row.update(step=step, detail=details[step])
        row["share"] = round(row["count"] / started * 100) if started else None
    return rows


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
