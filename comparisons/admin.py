import calendar
import datetime
import hashlib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_m2m_reverse_field_name

from .models import (
    Adoption,
    Article,
    ArticleFramework,
    Company,
    FaqEntry,
    Feature,
    FeatureCategory,
    Fit,
    Framework,
    ProCon,
    Source,
    Status,
    Support,
    Trait,
    TraitValue,
    UseCase,
    validate_framework_count,
)

# --- Editing safeguards shared by every content admin ---------------------------
# History (django-simple-history: who changed what, field by field, with revert),
# a check that a second editor's save never silently overwrites the first, and
# restoring deleted rows together with the rows their deletion cascaded to.

RESTORE_WINDOW = datetime.timedelta(minutes=1)


def _version(obj):
    """What a form remembers of the row it was opened on: "<saved at>|<digest>".

    The digest covers the row's values and its many-to-many links, so any save
    that changes the row changes it, and a save that changes nothing does not
    (a page's main row is re-saved whenever one of its inline rows is). The
    time, where the row keeps one, says which history entries to describe.
    """
    stamp = obj.updated_at.isoformat() if getattr(obj, "updated_at", None) else ""
    values = [
        repr(field.value_from_object(obj))
        for field in obj._meta.concrete_fields
        if field.name != "updated_at"
    ]
    values += [
        repr(sorted(related.pk for related in getattr(obj, field.name).all()))
        for field in obj._meta.many_to_many
    ]
    digest = hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:32]
    return f"{stamp}|{digest}"


def _changed_since(current, loaded):
    """Whether the saved row differs from the version a form was opened on."""
    return _version(current).partition("|")[2] != loaded.partition("|")[2]


def _what_changed(instance, since):
    """Describe the saves of ``instance`` made after ``since`` (an ISO timestamp)."""
    since = since.partition("|")[0]
    try:
        since = datetime.datetime.fromisoformat(since)
    except (TypeError, ValueError):
        since = None
    records = instance.history.select_related("history_user").order_by("history_date")
    if since is not None:
        # The saved rows' own timestamps, not when history was written (the
        # initial content's history entries are younger than its rows).
        records = records.filter(updated_at__gt=since)
    else:  # a row without a timestamp: the latest save is the best guess
        records = list(records.reverse()[:1])
    parts = []
    for record in records:
        previous = record.prev_record
        fields = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["updated_at"])
            fields = [
                format_html(
                    "{} → “{}”",
                    instance._meta.get_field(change.field).verbose_name,
                    Truncator(str(change.new)).chars(80),
                )
                for change in delta.changes
            ]
        who = record.history_user or "someone"
        when = timezone.localtime(record.history_date).strftime("%H:%M on %d %b")
        parts.append(
            format_html(
                "{} at {}: {}",
                who,
                when,
                format_html_join("; ", "{}", ((f,) for f in fields)) if fields else "saved it",
            )
        )
    return format_html_join(" ", "{}.", ((part,) for part in parts))


class LoadedVersionField(forms.CharField):
    """The version of the row the form was opened on; never a change in itself."""

    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False


class ConflictCheckedForm(forms.ModelForm):
    """Refuses to save over a change made after this form was opened."""

    loaded_version = LoadedVersionField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.pk:
            current = self._row_as_loaded()
            self.initial["loaded_version"] = _version(current) if current else ""

    def _row_as_loaded(self):
        # The saved row, not the instance: a revert form is filled from an old
        # historical copy but overwrites the current row.
        return type(self.instance)._default_manager.filter(pk=self.instance.pk).first()

    # A page's main form is saved whether or not it changed, so it is always
    # checked; an inline row is saved only when it changed (see ConflictCheckedInline).
    check_unchanged = True

    def clean(self):
        cleaned = super().clean()
        if not self.instance.pk:
            return cleaned
        if not self.check_unchanged and not self.has_changed():
            return cleaned
        current = type(self.instance)._default_manager.filter(pk=self.instance.pk).first()
        loaded = self.data.get(self.add_prefix("loaded_version"), "")
        if current is not None and _changed_since(current, loaded):
            # Saving again after reading the message overwrites deliberately.
            data = self.data.copy()
            data[self.add_prefix("loaded_version")] = _version(current)
            self.data = data
            raise forms.ValidationError(
                format_html(
                    "Someone else saved this {} after you opened it. {} Your edits are "
                    "still in the form below: compare them with the saved version (open it "
                    "in a new tab), then save again to keep yours.",
                    self.instance._meta.verbose_name,
                    _what_changed(current, loaded),
                ),
                code="conflict",
            )
        return cleaned


class InlineConflictCheckedForm(ConflictCheckedForm):
    """An inline row: checked, and saved, only when this editor changed it.

    Each field also carries the value the editor loaded (a hidden "initial-"
    input), so "changed" means changed by this editor, not "different from the
    database now". A row another editor saved meanwhile is then left alone
    instead of being written back with the values this page was opened with.
    """

    check_unchanged = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "loaded_version":
                field.show_hidden_initial = True

    def _row_as_loaded(self):
        return self.instance  # just read by the formset, links prefetched


class ConflictCheckedInline:
    """Inline rows get the same check: two editors on one page each edit rows."""

    form = InlineConflictCheckedForm

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), "loaded_version"]

    def get_queryset(self, request):
        # Each row's version covers its many-to-many links: one query for them all.
        links = [field.name for field in self.model._meta.many_to_many]
        return super().get_queryset(request).prefetch_related(*links)


class ContentAdmin(SimpleHistoryAdmin):
    form = ConflictCheckedForm

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or "loaded_version" in admin.utils.flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], "loaded_version"]}), *rest]

    def get_urls(self):
        opts = self.model._meta
        name = f"{opts.app_label}_{opts.model_name}"
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{name}_deleted",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        opts = self.model._meta
        extra_context = {
            **(extra_context or {}),
            "deleted_url": reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted"),
        }
        return super().changelist_view(request, extra_context)

    def deleted_view(self, request):
        """List deleted rows (from history) and restore one on POST."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        history = self.model.history
        existing = self.model._default_manager.values("pk")
        deleted = (
            history.filter(history_type="-")
            .exclude(**{f"{self.model._meta.pk.attname}__in": existing})
            .select_related("history_user")
            .order_by("-history_date")
        )
        if request.method == "POST":
            record = get_object_or_404(deleted, history_id=request.POST.get("history_id"))
            restored = restore_deleted(record)
            self.message_user(
                request,
                f"Restored “{restored}” with {len(restored.related_restored)} related row(s).",
                messages.SUCCESS,
            )
            return redirect(
                reverse(
                    f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change",
                    args=[restored.pk],
                )
            )
        return render(
            request,
            "admin/deleted_list.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Deleted {self.model._meta.verbose_name_plural}",
                "opts": self.model._meta,
                "records": deleted[:200],
            },
        )


def _restore_one(record):
    instance = record.instance
    instance.save(force_insert=True)
    # Many-to-many links are removed before the row itself, so the deletion
    # record has none: take them from the last state before it.
    linked = record.prev_record or record
    for field in record._history_m2m_fields:
        target = get_m2m_reverse_field_name(field)
        ids = getattr(linked, field.name).values_list(f"{target}_id", flat=True)
        getattr(instance, field.name).set(ids)
    return instance


def restore_deleted(record):
    """Bring back a deleted row and the rows its deletion cascaded to."""
    with transaction.atomic():
        instance = _restore_one(record)
        instance.related_restored = []
        for relation in type(instance)._meta.related_objects:
            child = relation.related_model
            if not hasattr(child, "history") or relation.on_delete is not models.CASCADE:
                continue
            window = (record.history_date - RESTORE_WINDOW, record.history_date + RESTORE_WINDOW)
            alive = child._default_manager.values("pk")
            for child_record in child.history.filter(
                history_type="-",
                history_date__range=window,
                **{relation.field.attname: instance.pk},
            ).exclude(**{f"{child._meta.pk.attname}__in": alive}):
                instance.related_restored.append(_restore_one(child_record))
    return instance


admin.site.site_header = "Pickframe editors"
admin.site.site_title = "Pickframe admin"
admin.site.index_title = "Content, quiz and facts"

MARKDOWN_WIDGET = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
FACT_FIELDS = ["sources", "verified_on"]


class FactInline(ConflictCheckedInline, admin.TabularInline):
    """An inline of fact rows: each row carries its sources and last check."""

    extra = 0
    autocomplete_fields = ["sources"]


class SupportInline(FactInline):
    model = Support
    fields = ["feature", "level", "via", "via_url", "note", *FACT_FIELDS]
    autocomplete_fields = ["feature", "sources"]


class TraitValueInline(FactInline):
    model = TraitValue
    fields = ["trait", "value", *FACT_FIELDS]
    autocomplete_fields = ["trait", "sources"]


class FitInline(FactInline):
    model = Fit
    fields = ["use_case", "level", "rationale", *FACT_FIELDS]
    autocomplete_fields = ["use_case", "sources"]
    formfield_overrides = {
        # A one-line box keeps the tabular inline readable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


class AdoptionInline(FactInline):
    model = Adoption
    fields = ["company", "how", *FACT_FIELDS]
    autocomplete_fields = ["company", "sources"]


class ProConInline(FactInline):
    model = ProCon
    fields = ["kind", "order", "title", "detail", *FACT_FIELDS]


@admin.register(Framework)
class FrameworkAdmin(ContentAdmin):
    list_display = ["name", "kind", "first_released", "license", "status", "verified_on"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug", "creators", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    formfield_overrides = MARKDOWN_WIDGET
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "kind", "tagline", "summary", "body"]}),
        (
            "Facts",
            {
                "fields": [
                    "first_released",
                    "creators",
                    "license",
                    "current_version",
                    "homepage",
                    "docs_url",
                    "repository_url",
                    *FACT_FIELDS,
                ],
                "description": "Shown in profile and comparison tables. Cite where each "
                "fact can be checked.",
            },
        ),
    ]
    inlines = [SupportInline, TraitValueInline, FitInline, AdoptionInline, ProConInline]

    def get_urls(self):
        return [
            path(
                "facts-to-recheck/",
                self.admin_site.admin_view(lambda request: facts_to_recheck_view(self, request)),
                name="comparisons_facts_to_recheck",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "recheck_url": reverse("admin:comparisons_facts_to_recheck"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "publisher", "url", "updated_at"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class FeatureInline(ConflictCheckedInline, admin.TabularInline):
    model = Feature
    fields = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(FeatureCategory)
class FeatureCategoryAdmin(ContentAdmin):
    list_display = ["name", "order", "feature_count"]
    list_editable = ["order"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [FeatureInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(feature_count=Count("features"))

    @admin.display(ordering="feature_count", description="features")
    def feature_count(self, obj):
        return obj.feature_count


class FeatureSupportInline(FactInline):
    """The same support rows, seen from the feature: one per framework."""

    model = Support
    fields = ["framework", "level", "via", "via_url", "note", *FACT_FIELDS]
    autocomplete_fields = ["framework", "sources"]


@admin.register(Feature)
class FeatureAdmin(ContentAdmin):
    list_display = ["name", "category", "order", "in_summary"]
    list_filter = ["category", "in_summary"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    inlines = [FeatureSupportInline]


@admin.register(Support)
class SupportAdmin(ContentAdmin):
    list_display = ["framework", "feature", "level", "via", "verified_on"]
    list_filter = ["level", "framework", "feature__category"]
    list_select_related = ["framework", "feature"]
    search_fields = ["framework__name", "feature__name", "via", "note"]
    autocomplete_fields = ["framework", "feature", "sources"]
    date_hierarchy = "verified_on"

    def get_urls(self):
        return [
            path(
                "matrix/",
                self.admin_site.admin_view(lambda request: feature_matrix_view(self, request)),
                name="comparisons_feature_matrix",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "matrix_url": reverse("admin:comparisons_feature_matrix"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Trait)
class TraitAdmin(ContentAdmin):
    list_display = ["name", "order", "description"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TraitValue)
class TraitValueAdmin(ContentAdmin):
    list_display = ["framework", "trait", "value", "verified_on"]
    list_filter = ["trait", "framework"]
    list_select_related = ["framework", "trait"]
    search_fields = ["framework__name", "trait__name", "value"]
    autocomplete_fields = ["framework", "trait", "sources"]


class UseCaseFitInline(FactInline):
    model = Fit
    fields = ["framework", "level", "rationale", *FACT_FIELDS]
    autocomplete_fields = ["framework", "sources"]


@admin.register(UseCase)
class UseCaseAdmin(ContentAdmin):
    list_display = ["name", "summary", "order"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = MARKDOWN_WIDGET
    inlines = [UseCaseFitInline]


@admin.register(Fit)
class FitAdmin(ContentAdmin):
    list_display = ["use_case", "framework", "level", "verified_on"]
    list_filter = ["level", "use_case", "framework"]
    list_select_related = ["use_case", "framework"]
    search_fields = ["framework__name", "use_case__name", "rationale"]
    autocomplete_fields = ["framework", "use_case", "sources"]


class CompanyAdoptionInline(FactInline):
    model = Adoption
    fields = ["framework", "how", *FACT_FIELDS]
    autocomplete_fields = ["framework", "sources"]


@admin.register(Company)
class CompanyAdmin(ContentAdmin):
    list_display = ["name", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CompanyAdoptionInline]


@admin.register(Adoption)
class AdoptionAdmin(ContentAdmin):
    list_display = ["company", "framework", "how", "verified_on"]
    list_filter = ["framework"]
    list_select_related = ["company", "framework"]
    search_fields = ["company__name", "framework__name", "how"]
    autocomplete_fields = ["company", "framework", "sources"]


@admin.register(ProCon)
class ProConAdmin(ContentAdmin):
    list_display = ["framework", "kind", "order", "title", "verified_on"]
    list_filter = ["kind", "framework"]
    list_select_related = ["framework"]
    search_fields = ["framework__name", "title", "detail"]
    autocomplete_fields = ["framework", "sources"]


class ArticleFrameworkFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        kept = [
            form
            for form in self.forms
            if form.cleaned_data.get("framework") and not form.cleaned_data.get("DELETE")
        ]
        validate_framework_count(len(kept))


class ArticleFrameworkInline(ConflictCheckedInline, admin.TabularInline):
    model = ArticleFramework
    formset = ArticleFrameworkFormSet
    fields = ["position", "framework"]
    autocomplete_fields = ["framework"]
    extra = 0
    min_num = ArticleFramework.MIN_FRAMEWORKS
    max_num = ArticleFramework.MAX_FRAMEWORKS


class FaqInline(ConflictCheckedInline, admin.StackedInline):
    model = FaqEntry
    fields = ["order", "question", "answer"]
    extra = 0
    formfield_overrides = MARKDOWN_WIDGET


class ArticleForm(ConflictCheckedForm):
    class Meta:
        model = Article
        fields = [
            "title",
            "slug",
            "status",
            "published_at",
            "lede",
            "body",
            "verdict",
            "seo_description",
        ]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Status.PUBLISHED and not cleaned.get("published_at"):
            cleaned["published_at"] = timezone.now()
        return cleaned


@admin.register(Article)
class ArticleAdmin(ContentAdmin):
    form = ArticleForm
    list_display = ["title", "status", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["title", "slug", "lede"]
    prepopulated_fields = {"slug": ["title"]}
    date_hierarchy = "published_at"
    formfield_overrides = MARKDOWN_WIDGET
    fieldsets = [
        (None, {"fields": ["title", "slug", "status", "published_at"]}),
        ("Text", {"fields": ["lede", "body", "verdict"]}),
        ("Search engines", {"fields": ["seo_description"]}),
    ]
    inlines = [ArticleFrameworkInline, FaqInline]


# --- Facts to re-check ------------------------------------------------------------

FACT_MODELS = [Framework, Support, TraitValue, Fit, Adoption, ProCon]


def months_before(day, months):
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    last_day = calendar.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last_day))


def stale_facts(cutoff):
    """Facts last verified before ``cutoff`` or citing no source, by framework."""
    groups = {}
    for model in FACT_MODELS:
        rows = model.objects.annotate(source_count=Count("sources")).filter(
            Q(verified_on__lt=cutoff) | Q(source_count=0)
        )
        if model is not Framework:
            rows = rows.select_related(*model.objects.all().related)
        for row in rows:
            framework = row if model is Framework else row.framework
            reasons = []
            if row.verified_on < cutoff:
                reasons.append(f"last checked {row.verified_on:%d %b %Y}")
            if not row.source_count:
                reasons.append("cites no source")
            groups.setdefault(framework, []).append(
                {
                    "key": f"{model._meta.model_name}:{row.pk}",
                    "kind": model._meta.verbose_name,
                    "fact": "profile facts" if model is Framework else str(row),
                    "reasons": ", ".join(reasons),
                    "url": reverse(
                        f"admin:comparisons_{model._meta.model_name}_change", args=[row.pk]
                    ),
                }
            )
    return sorted(groups.items(), key=lambda item: item[0].name.lower())


def facts_to_recheck_view(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    months = settings.FACTS_MAX_AGE_MONTHS
    today = timezone.localdate()
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        models_by_name = {m._meta.model_name: m for m in FACT_MODELS}
        marked = 0
        for key in request.POST.getlist("fact"):
            name, _, pk = key.partition(":")
            model = models_by_name.get(name)
            row = model.objects.filter(pk=pk).first() if model and pk.isdigit() else None
            if row is not None:
                row.verified_on = today  # save() so history and caches see the change
                row.save(update_fields=["verified_on", "updated_at"])
                marked += 1
        model_admin.message_user(
            request, f"Marked {marked} fact{'s' if marked != 1 else ''} as verified today."
        )
        return redirect(request.path)
    cutoff = months_before(today, months)
    groups = stale_facts(cutoff)
    return render(
        request,
        "admin/comparisons/facts_to_recheck.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Facts to re-check",
            "opts": model_admin.model._meta,
            "groups": groups,
            "total": sum(len(facts) for _, facts in groups),
            "months": months,
            "cutoff": cutoff,
        },
    )


# --- The feature matrix: every framework's support for every feature on one page ---


def _cell_name(framework, feature):
    return f"cell-{framework.pk}-{feature.pk}"


def feature_matrix_view(model_admin, request):
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    frameworks = list(Framework.objects.all())  # by name, ignoring case
    features = list(Feature.objects.select_related("category"))
    supports = {
        (s.framework_id, s.feature_id): s for s in Support.objects.prefetch_related("sources")
    }
    problems, changed = [], 0
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        levels = set(Support.Level.values)
        for framework in frameworks:
            for feature in features:
                name = _cell_name(framework, feature)
                level = request.POST.get(name)
                support = supports.get((framework.pk, feature.pk))
                if level is None or level == (support.level if support else ""):
                    continue
                label = f"{framework} · {feature}"
                if support is not None and _changed_since(
                    support, request.POST.get(f"{name}-v", "")
                ):
                    problems.append(f"{label}: changed by someone else meanwhile, not saved.")
                elif level not in levels:
                    problems.append(f"{label}: choose a support level.")
                elif level in (Support.Level.OFFICIAL, Support.Level.THIRD_PARTY) and not (
                    support and support.via
                ):
                    problems.append(f"{label}: name the extension on its own page first.")
                else:
                    support = support or Support(framework=framework, feature=feature)
                    support.level = level
                    support.save()  # history and the page cache see every change
                    changed += 1
        if changed:
            model_admin.message_user(request, f"Saved {changed} change(s).", messages.SUCCESS)
        for problem in problems:
            model_admin.message_user(request, problem, messages.WARNING)
        return redirect(request.path)
    rows = []
    for feature in features:
        cells = []
        for framework in frameworks:
            support = supports.get((framework.pk, feature.pk))
            cells.append(
                {
                    "name": _cell_name(framework, feature),
                    "support": support,
                    "level": support.level if support else "",
                    "version": _version(support) if support else "",
                    "label": f"{framework} · {feature}",
                }
            )
        rows.append({"feature": feature, "cells": cells})
    return render(
        request,
        "admin/comparisons/feature_matrix.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Feature matrix",
            "opts": model_admin.model._meta,
            "frameworks": frameworks,
            "rows": rows,
            "levels": Support.Level.choices,
        },
    )
