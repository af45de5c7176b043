import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.db.models.fields.json import KT
from django.db.models.functions import TruncDate
from django.shortcuts import render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join

from editing.options import ContentAdmin, ContentInline

from .models import Advice, Choice, Question, Quiz, Result, Weight


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
    list_display = ["prompt", "slug", "order", "required", "choice_count"]
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
                "opts": self.model._meta,
            },
        )


class WeightInline(ContentInline, admin.TabularInline):
    model = Weight
    fields = ["framework", "points", "reason"]
    autocomplete_fields = ["framework"]
    extra = 0


class AdviceInline(ContentInline, admin.TabularInline):
    model = Advice
    fields = ["order", "note"]
    extra = 0


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
    autocomplete_fields = ["choice", "framework"]


@admin.register(Advice)
class AdviceAdmin(ContentAdmin):
    list_display = ["note", "choice"]
    list_select_related = ["choice__question"]
    search_fields = ["note", "choice__label"]
    autocomplete_fields = ["choice"]


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
            },
        )


def _parse_date(value):
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
