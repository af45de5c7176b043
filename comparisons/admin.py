"""The content admin, declared. Editor tools (the matrix, the re-check page, a
framework's timeline) are ModelAdmin views in ``admin_views.py``; the safeguards
every content admin shares (history, lossless saves, restore) are ``editing``'s.
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.urls import path, reverse
from django.utils import timezone
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

from editing.forms import ConflictCheckedForm, InlineConflictCheckedForm
from editing.options import ConflictCheckedInlineFormSet, ContentAdmin, ContentInline

from . import admin_views
from .models import (
    GRID_MODELS,
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
    add_placeholders,
    fill_publish_time,
    publishing_problems,
    validate_framework_count,
)

admin.site.site_header = "Pickframe editors"
admin.site.site_title = "Pickframe admin"
admin.site.index_title = "Content, quiz and facts"


class MarkdownEditor(AdminMarkdownxWidget):
    """django-markdownx's editor with an "Insert image" button (asks for alt text)
    and live previews for rows added on the page (static/js/markdown-editor.js)."""

    class Media:
        js = ["js/markdown-editor.js"]


MARKDOWN_WIDGET = {MarkdownxField: {"widget": MarkdownEditor}}
FACT_FIELDS = ["sources", "verified_on"]


class PublishingForm(ConflictCheckedForm):
    """Choosing "Published" without a time publishes now."""

    def clean(self):
        if self.cleaned_data.get("status") == Status.PUBLISHED and not self.cleaned_data.get(
            "published_at"
        ):
            self.cleaned_data["published_at"] = timezone.now()
        return super().clean()


class FactInline(ContentInline, admin.TabularInline):
    """An inline of fact rows: each row carries its sources and last check."""

    autocomplete_fields = ["sources"]


class AdoptionInline(FactInline):
    model = Adoption
    fields = ["company", "how", *FACT_FIELDS]
    autocomplete_fields = ["company", "sources"]


class ProConInline(FactInline):
    model = ProCon
    fields = ["kind", "order", "title", "detail", *FACT_FIELDS]


@admin.register(Framework)
class FrameworkAdmin(ContentAdmin):
    """A framework's profile, its users and its pros and cons.

    Its feature support, traits and use-case fits (one row per feature, trait and
    use case) are edited in the matrix, one column per framework.
    """

    list_display = ["name", "kind", "first_released", "license", "status", "verified_on"]
    list_filter = ["status", "kind"]
    search_fields = ["name", "slug", "creators", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["sources"]
    formfield_overrides = MARKDOWN_WIDGET
    form = PublishingForm
    change_form_template = "admin/comparisons/framework/change_form.html"
    actions = ["publish"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "slug", "status", "published_at", "kind", "tagline", "summary"]},
        ),
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
                    "tutorial_url",
                    "repository_url",
                    *FACT_FIELDS,
                ],
                "description": "Shown in profile and comparison tables. Cite where each "
                "fact can be checked.",
            },
        ),
        ("Profile text", {"fields": ["body"], "classes": ["collapse"]}),
    ]
    inlines = [ProConInline, AdoptionInline]

    def get_urls(self):
        return [
            path(
                "facts-to-recheck/",
                self.admin_site.admin_view(self.recheck_view),
                name="comparisons_facts_to_recheck",
            ),
            *super().get_urls(),
        ]

    def recheck_view(self, request):
        return admin_views.recheck(self, request)

    def history_view(self, request, object_id, extra_context=None):
        return admin_views.timeline(self, request, object_id)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "recheck_url": reverse("admin:comparisons_facts_to_recheck"),
            "matrix_url": reverse("admin:comparisons_feature_matrix"),
        }
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), **admin_views.facts_panel(object_id)}
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        if "_publish" in request.POST and obj.status != Status.PUBLISHED:
            obj.status = Status.PUBLISHED
            fill_publish_time(obj)
            if form.changes is not None:
                form.changes += ["status", "published_at"]
        super().save_model(request, obj, form, change)
        if not change:  # every fact starts as "not checked yet", to fill in the matrix
            for model in GRID_MODELS:
                rows = model._meta.get_field(model.row_field).related_model.objects.all()
                add_placeholders(model, [obj], rows)
        elif not obj.is_live:
            hidden = Article.objects.filter(status=Status.PUBLISHED, entries__framework=obj)
            titles = ", ".join(f"“{title}”" for title in hidden.values_list("title", flat=True))
            if titles:
                self.message_user(
                    request,
                    f"Readers no longer see the published articles about “{obj}”: {titles}. "
                    "They come back when it is live again.",
                    messages.WARNING,
                )

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            f"Added “{obj}” as a draft with every fact marked “not checked yet”. Fill in its "
            "features below; its traits and use cases are in the other tabs.",
            messages.SUCCESS,
        )
        return admin_views.redirect_to_matrix(framework=obj)

    @admin.action(description="Publish the selected frameworks now", permissions=["change"])
    def publish(self, request, queryset):
        published = 0
        for framework in queryset.exclude(status=Status.PUBLISHED):
            framework.status = Status.PUBLISHED
            framework.published_at = None
            framework._history_user = request.user
            framework.save()
            published += 1
        self.message_user(request, f"Published {published} framework(s).", messages.SUCCESS)


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["title", "publisher", "url", "citing_facts", "updated_at"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url", "slug"]
    prepopulated_fields = {"slug": ["title"]}

    @admin.display(description="facts citing it")
    def citing_facts(self, obj):
        return admin_views.source_link(obj)


class FeatureInline(ContentInline, admin.TabularInline):
    model = Feature
    fields = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


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


class NewRowsForEveryFramework:
    """A new feature, trait or use case gets a "not checked yet" row per framework."""

    fact_model = None

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            add_placeholders(self.fact_model, Framework.objects.all(), [obj])


@admin.register(Feature)
class FeatureAdmin(NewRowsForEveryFramework, ContentAdmin):
    list_display = ["name", "category", "order", "in_summary"]
    list_filter = ["category", "in_summary"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    inlines = [FeatureSupportInline]
    fact_model = Support


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
                self.admin_site.admin_view(self.matrix_view),
                name="comparisons_feature_matrix",
            ),
            *super().get_urls(),
        ]

    def matrix_view(self, request):
        return admin_views.matrix(self, request)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "matrix_url": reverse("admin:comparisons_feature_matrix"),
        }
        return super().changelist_view(request, extra_context)


@admin.register(Trait)
class TraitAdmin(NewRowsForEveryFramework, ContentAdmin):
    list_display = ["name", "order", "description"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    fact_model = TraitValue


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
    formfield_overrides = {
        # A one-line box keeps the tabular inline readable.
        models.TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 40})},
    }


@admin.register(UseCase)
class UseCaseAdmin(NewRowsForEveryFramework, ContentAdmin):
    list_display = ["name", "summary", "order"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = MARKDOWN_WIDGET
    inlines = [UseCaseFitInline]
    fact_model = Fit


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


class ArticleFrameworkFormSet(ConflictCheckedInlineFormSet):
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
        # Rows left untouched are not validated one by one: check the article's
        # frameworks here, against the status and publish time being saved.
        problems = publishing_problems(self.instance, [f.cleaned_data["framework"] for f in kept])
        if problems:
            raise forms.ValidationError(problems)


class ArticleFrameworkInline(ContentInline, admin.TabularInline):
    model = ArticleFramework
    fields = ["position", "framework"]
    autocomplete_fields = ["framework"]
    formset = ArticleFrameworkFormSet
    min_num = ArticleFramework.MIN_FRAMEWORKS
    max_num = ArticleFramework.MAX_FRAMEWORKS


class FaqForm(InlineConflictCheckedForm):
    order = forms.IntegerField(
        required=False,
        min_value=0,
        help_text="Position in the FAQ. Leave empty to add the entry at the end.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial["order"] = None


class FaqFormSet(ConflictCheckedInlineFormSet):
    """New FAQ entries left without a position take the next free ones."""

    def clean(self):
        super().clean()
        taken = {
            form.cleaned_data.get("order")
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        free = max((order for order in taken if order is not None), default=0) + 1
        for form in self.extra_forms:
            if form.has_changed() and form.cleaned_data.get("order") is None:
                form.cleaned_data["order"] = form.instance.order = free
                free += 1


class FaqInline(ContentInline, admin.StackedInline):
    model = FaqEntry
    form = FaqForm
    formset = FaqFormSet
    fields = ["order", "question", "answer"]
    formfield_overrides = MARKDOWN_WIDGET


class ArticleForm(PublishingForm):
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
