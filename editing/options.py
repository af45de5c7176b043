"""Admin classes for content: history, lossless conflict checks, restoring deletions.

Named after ``django.contrib.admin.options``, where ``ModelAdmin`` lives: content
apps build their admin classes on ``ContentAdmin`` and ``ContentInline``.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from simple_history.admin import SimpleHistoryAdmin

from .forms import (
    LOADED,
    ConflictCheckedForm,
    InlineConflictCheckedForm,
    KnownLabelsSelect,
    KnownLabelsSelectMultiple,
    VanishedRows,
)
from .history import RestoreError, deleted_roots, label, restore


class ConflictCheckedInlineFormSet(VanishedRows, admin.options.BaseInlineFormSet):
    pass


class DateInput(forms.DateInput):
    """The browser's own date picker: lighter than the admin's calendar, and keyboard-friendly."""

    def __init__(self, attrs=None):
        super().__init__(attrs={"type": "date", **(attrs or {})}, format="%Y-%m-%d")


def plain_widgets(db_field, kwargs):
    """Plain inputs for dates and links, which render several times faster than the
    admin's own (a calendar script; a "Currently:" link above every address)."""
    if "widget" in kwargs:
        return
    if isinstance(db_field, models.DateField) and not isinstance(db_field, models.DateTimeField):
        kwargs["widget"] = DateInput
    elif isinstance(db_field, models.URLField):
        kwargs["widget"] = forms.URLInput(attrs={"class": "vURLField"})


class ContentInline:
    """Mixin for inlines of content rows: each row conflict-checked on its own.

    Rows are read with their relations, so neither the row captions nor the
    autocomplete widgets query the database once per row.
    """

    form = InlineConflictCheckedForm
    formset = ConflictCheckedInlineFormSet
    extra = 0
    template = "admin/editing/tabular.html"  # for tabular inlines; stacked ones set their own

    def get_fields(self, request, obj=None):
        return [*super().get_fields(request, obj), LOADED]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        plain_widgets(db_field, kwargs)
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field and field.widget, RelatedFieldWidgetWrapper):
            # No add/change buttons on every row: the page's own form and the
            # related model's pages have them.
            field.widget = field.widget.widget
        return field

    def get_queryset(self, request):
        opts = self.model._meta
        relations = [f.name for f in opts.concrete_fields if f.is_relation]
        return (
            super()
            .get_queryset(request)
            .select_related(*relations)
            .prefetch_related(*[f.name for f in opts.many_to_many])
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = KnownLabelsSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ContentAdmin(SimpleHistoryAdmin):
    """Every content model's admin: history with revert, lossless saves, restore."""

    form = ConflictCheckedForm

    class Media:
        css = {"all": ["css/admin-editing.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        plain_widgets(db_field, kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or LOADED in flatten_fieldsets(fieldsets):
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], LOADED]}), *rest]

    def save_model(self, request, obj, form, change):
        """Write only what this editor changed; a save that changes nothing writes nothing."""
        obj._history_user = request.user
        if change and form.changes is not None:
            form.save_changes()
        else:
            obj.save()

    def save_formset(self, request, form, formset, change):
        formset.save()
        self._tell_vanished(request, [formset])

    def render_change_form(self, request, context, *args, **kwargs):
        if request.method == "POST":  # a save that failed: say what vanished meanwhile
            self._tell_vanished(
                request, [inline.formset for inline in context.get("inline_admin_formsets", ())]
            )
        return super().render_change_form(request, context, *args, **kwargs)

    def _tell_vanished(self, request, formsets):
        for formset in formsets:
            for sentence in getattr(formset, "vanished", list)():
                self.message_user(request, sentence, messages.WARNING)

    def delete_queryset(self, request, queryset):
        # One delete per row, so each can be restored with exactly what it took along.
        for obj in queryset:
            obj.delete()

    # --- Deleted rows --------------------------------------------------------------

    def get_urls(self):
        opts = self.model._meta
        return [
            path(
                "deleted/",
                self.admin_site.admin_view(self.deleted_view),
                name=f"{opts.app_label}_{opts.model_name}_deleted",
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
        """Rows of this model that were deleted, and a restore button for each."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        opts = self.model._meta
        roots = deleted_roots(self.model)
        if request.method == "POST":
            row = request.POST.get("row", "")
            root = get_object_or_404(roots, pk=row if row.isdigit() else None)
            try:
                restored = restore(root.deletion, request.user)
            except RestoreError as error:
                self.message_user(request, str(error), messages.ERROR)
                return redirect(request.path)
            self.message_user(
                request,
                f"Restored “{label(restored)}” with {restored.related_restored} "
                f"related row{'s' if restored.related_restored != 1 else ''}.",
                messages.SUCCESS,
            )
            return redirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[restored.pk])
            )
        entries = list(roots[:200])
        records = {
            record.history_id: record
            for record in self.model.history.filter(
                history_id__in=[entry.history_id for entry in entries]
            )
        }
        return render(
            request,
            "admin/deleted_list.html",
            {
                **self.admin_site.each_context(request),
                "title": f"Deleted {opts.verbose_name_plural}",
                "opts": opts,
                "entries": [
                    (entry, label(records[entry.history_id].instance))
                    for entry in entries
                    if entry.history_id in records
                ],
            },
        )
