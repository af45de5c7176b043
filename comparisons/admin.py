from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils import timezone
from markdownx.models import MarkdownxField
from markdownx.widgets import AdminMarkdownxWidget

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

MARKDOWN_WIDGET = {MarkdownxField: {"widget": AdminMarkdownxWidget}}
FACT_FIELDS = ["sources", "verified_on"]


class FactInline(admin.TabularInline):
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
class FrameworkAdmin(admin.ModelAdmin):
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


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "publisher", "url", "updated_at"]
    list_filter = ["publisher"]
    search_fields = ["title", "publisher", "url", "slug"]
    prepopulated_fields = {"slug": ["title"]}


class FeatureInline(admin.TabularInline):
    model = Feature
    fields = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}
    extra = 0


@admin.register(FeatureCategory)
class FeatureCategoryAdmin(admin.ModelAdmin):
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
class FeatureAdmin(admin.ModelAdmin):
    list_display = ["name", "category", "order", "in_summary"]
    list_filter = ["category", "in_summary"]
    list_select_related = ["category"]
    search_fields = ["name", "slug", "description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["category"]
    inlines = [FeatureSupportInline]


@admin.register(Support)
class SupportAdmin(admin.ModelAdmin):
    list_display = ["framework", "feature", "level", "via", "verified_on"]
    list_filter = ["level", "framework", "feature__category"]
    list_select_related = ["framework", "feature"]
    search_fields = ["framework__name", "feature__name", "via", "note"]
    autocomplete_fields = ["framework", "feature", "sources"]
    date_hierarchy = "verified_on"


@admin.register(Trait)
class TraitAdmin(admin.ModelAdmin):
    list_display = ["name", "order", "description"]
    list_editable = ["order"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(TraitValue)
class TraitValueAdmin(admin.ModelAdmin):
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
class UseCaseAdmin(admin.ModelAdmin):
    list_display = ["name", "summary", "order"]
    search_fields = ["name", "slug", "summary"]
    prepopulated_fields = {"slug": ["name"]}
    formfield_overrides = MARKDOWN_WIDGET
    inlines = [UseCaseFitInline]


@admin.register(Fit)
class FitAdmin(admin.ModelAdmin):
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
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "website"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CompanyAdoptionInline]


@admin.register(Adoption)
class AdoptionAdmin(admin.ModelAdmin):
    list_display = ["company", "framework", "how", "verified_on"]
    list_filter = ["framework"]
    list_select_related = ["company", "framework"]
    search_fields = ["company__name", "framework__name", "how"]
    autocomplete_fields = ["company", "framework", "sources"]


@admin.register(ProCon)
class ProConAdmin(admin.ModelAdmin):
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


class ArticleFrameworkInline(admin.TabularInline):
    model = ArticleFramework
    formset = ArticleFrameworkFormSet
    fields = ["position", "framework"]
    autocomplete_fields = ["framework"]
    extra = 0
    min_num = ArticleFramework.MIN_FRAMEWORKS
    max_num = ArticleFramework.MAX_FRAMEWORKS


class FaqInline(admin.StackedInline):
    model = FaqEntry
    fields = ["order", "question", "answer"]
    extra = 0
    formfield_overrides = MARKDOWN_WIDGET


class ArticleForm(forms.ModelForm):
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
class ArticleAdmin(admin.ModelAdmin):
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
