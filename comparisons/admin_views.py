"""Editor tools: the fact matrix, the re-check page and a framework's timeline.

Each is a ModelAdmin view (see ``admin.py``, which routes to these functions)
and each renders in a fixed number of queries whatever the catalogue's size;
``tests/test_editor_tools.py`` pins the numbers.
"""

import datetime
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.forms.models import BaseModelFormSet, modelformset_factory
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from editing.forms import InlineConflictCheckedForm, KnownLabelsSelectMultiple, VanishedRows
from editing.signals import content_changed

from . import pages
from .models import (
    FACT_MODELS,
    GRID_MODELS,
    Adoption,
    Basis,
    FeatureCategory,
    Fit,
    Framework,
    ProCon,
    Source,
    Support,
    TraitValue,
    Verification,
    VerifiedFact,
)

# --- The framework page's facts panel ------------------------------------------------


def facts_panel(object_id):
    """Context for a framework's change page: its grid facts and where to edit them."""
    if not str(object_id).isdigit():
        return {}
    kinds = []
    for model in GRID_MODELS:
        counts = model.objects.filter(framework_id=object_id).aggregate(
            total=Count("pk"), unchecked=Count("pk", filter=Q(**model.PLACEHOLDER))
        )
        kinds.append(
            {
                "label": MATRIX_TABS[model].title,
                "total": counts["total"],
                "unchecked": counts["unchecked"],
                "url": matrix_url(model, framework_pks=[object_id]),
            }
        )
    return {"facts_panel": kinds}


# --- The matrix: whole fact cells, one column per framework ---------------------------


@dataclass(frozen=True)
class MatrixTab:
    key: str
    title: str
    fields: tuple
    row_help: str


MATRIX_TABS = {
    Support: MatrixTab(
        "support",
        "Feature support",
        ("level", "via", "via_url", "note", "sources", "verified_on"),
        "Built in or none names no extension; official and third-party levels name one.",
    ),
    TraitValue: MatrixTab(
        "traits", "Traits", ("value", "sources", "verified_on"), "Short table cells."
    ),
    Fit: MatrixTab(
        "fits",
        "Use cases",
        ("level", "rationale", "sources", "verified_on"),
        "A rationale readers will see, for every fit level.",
    ),
}
TAB_MODELS = {tab.key: model for model, tab in MATRIX_TABS.items()}


def matrix_url(model=Support, framework_pks=(), category=None):
    query = [("kind", MATRIX_TABS[model].key)]
    query += [("framework", pk) for pk in framework_pks]
    if category:
        query.append(("category", category))
    return reverse("admin:comparisons_feature_matrix") + "?" + urlencode(query)


def redirect_to_matrix(framework):
    return redirect(matrix_url(Support, [framework.pk]))


MATRIX_CELLS = 30


class CellForm(InlineConflictCheckedForm):
    """One matrix cell: a whole fact row, conflict-checked on its own."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        model = self._meta.model
        if self.instance.pk:  # a cell never moves to another framework or row
            for name in ("framework", model.row_field):
                self.fields.pop(name, None)

    def has_changed(self):
        # A new cell's framework and row say where it goes, not what it says:
        # it is changed only once the editor fills something in.
        if self.instance.pk is None:
            identity = ("framework", self._meta.model.row_field)
            return any(name not in identity for name in self.changed_data)
        return super().has_changed()

    def fill(self, name, value):
        """Set ``name`` as if the editor had typed ``value`` (for page-wide options)."""
        self.cleaned_data[name] = value
        if not self._meta.model._meta.get_field(name).many_to_many:
            setattr(self.instance, name, value)
        if self.changes is not None and name not in self.changes:
            self.changes.append(name)


class MatrixFormSet(VanishedRows, BaseModelFormSet):
    pass


def _cell_widget(db_field, **kwargs):
    if db_field.name == "sources":
        return db_field.formfield(
            widget=KnownLabelsSelectMultiple(db_field, admin.site), required=False
        )
    if db_field.name == "verified_on":
        return db_field.formfield(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    if db_field.name in ("framework", "feature", "trait", "use_case"):
        return db_field.formfield(widget=forms.HiddenInput)
    field = db_field.formfield(**kwargs)
    if isinstance(field.widget, forms.Textarea):
        field.widget = forms.Textarea(attrs={"rows": 2, "cols": 24})
    elif isinstance(field.widget, forms.TextInput):
        field.widget.attrs["size"] = 14
    return field


class MatrixOptions(forms.Form):
    """Options for every cell a save changes."""

    cite = forms.ModelMultipleChoiceField(
        Source.objects.all(),
        required=False,
        label="Also cite",
        help_text="Added to the sources of every cell you change in this save.",
        widget=KnownLabelsSelectMultiple(Support._meta.get_field("sources"), admin.site),
    )


class MatrixFilter(forms.Form):
    kind = forms.ChoiceField(choices=[(tab.key, tab.title) for tab in MATRIX_TABS.values()],
                             required=False)  # fmt: skip
    framework = forms.ModelMultipleChoiceField(
        Framework.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    category = forms.ModelChoiceField(
        FeatureCategory.objects.all(), to_field_name="slug", required=False,
        empty_label="All categories",
    )  # fmt: skip
    unchecked = forms.BooleanField(required=False, label="Only rows not checked yet")


def matrix(model_admin, request):
    """Every framework's facts of one kind, cell by cell, saved through one formset."""
    filters = MatrixFilter(request.GET)
    if not filters.is_valid():
        return render_bad_filter(model_admin, request, filters, "Fact matrix")
    model = TAB_MODELS.get(filters.cleaned_data["kind"] or "support")
    opts = model._meta
    perm = f"{opts.app_label}.%s_{opts.model_name}"
    if not request.user.has_perm(perm % "view") and not request.user.has_perm(perm % "change"):
        raise PermissionDenied
    tab = MATRIX_TABS[model]
    chosen = list(filters.cleaned_data["framework"])
    frameworks = chosen or list(Framework.objects.all())
    row_model = opts.get_field(model.row_field).related_model
    rows = row_model.objects.all()
    category = filters.cleaned_data["category"] if model is Support else None
    if model is Support:
        rows = rows.select_related("category")
        if category is not None:
            rows = rows.filter(category=category)
    # A page holds about MATRIX_CELLS cells: a single framework's column whole,
    # the full grid a few rows at a time.
    rows_page = Paginator(list(rows), max(1, MATRIX_CELLS // len(frameworks)))
    try:
        rows_page = rows_page.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page of the matrix.") from error
    rows = list(rows_page)
    cells = (
        model.objects.filter(framework__in=frameworks, **{f"{model.row_field}__in": rows})
        .prefetch_related("sources")
        .order_by("pk")
    )
    if filters.cleaned_data["unchecked"]:
        cells = cells.unchecked()
    existing = {(c.framework_id, getattr(c, f"{model.row_field}_id")) for c in cells}
    missing = [
        {"framework": f.pk, model.row_field: row.pk}
        for row in rows
        for f in frameworks
        if (f.pk, row.pk) not in existing and not filters.cleaned_data["unchecked"]
    ]
    FormSet = modelformset_factory(
        model,
        form=CellForm,
        formset=MatrixFormSet,
        fields=["framework", model.row_field, *tab.fields],
        formfield_callback=_cell_widget,
        extra=len(missing),
    )
    bound = request.method == "POST"
    if bound and not request.user.has_perm(perm % "change"):
        raise PermissionDenied
    formset = FormSet(
        request.POST if bound else None, queryset=cells, initial=missing, prefix="cell"
    )
    options = MatrixOptions(request.POST if bound else None)
    if bound and formset.is_valid() and options.is_valid():
        saved, unsourced = _save_cells(formset, options.cleaned_data["cite"])
        for sentence in formset.vanished():
            model_admin.message_user(request, sentence, messages.WARNING)
        model_admin.message_user(
            request, f"Saved {saved} cell{'s' if saved != 1 else ''}.", messages.SUCCESS
        )
        if unsourced:
            model_admin.message_user(
                request,
                f"{unsourced} of them cite no source: add one under “details”, or for many "
                "cells at once with “Also cite”. Facts without a source are listed on the "
                "re-check page.",
                messages.WARNING,
            )
        return redirect(request.get_full_path())
    if bound:
        for sentence in formset.vanished():
            model_admin.message_user(request, sentence, messages.WARNING)
        model_admin.message_user(
            request, "Nothing was saved: please correct the cells marked below.", messages.ERROR
        )
    by_position = {}
    names = {("framework", f.pk): f.name for f in frameworks}
    names.update({("row", row.pk): row.name for row in rows})
    for form in formset.forms:
        framework_id = form.instance.framework_id or _initial_id(form, "framework")
        row_id = getattr(form.instance, f"{model.row_field}_id") or _initial_id(
            form, model.row_field
        )
        by_position[(framework_id, row_id)] = form
        cell = f"{names.get(('framework', framework_id))} · {names.get(('row', row_id))}"
        for field in form.visible_fields():  # every input says which cell it is
            field.field.widget.attrs["aria-label"] = f"{cell}: {field.label}"
    grid = []
    for row in rows:
        cells_of_row = [by_position.get((f.pk, row.pk)) for f in frameworks]
        if any(cells_of_row):
            grid.append((row, cells_of_row))
    return render(
        request,
        "admin/comparisons/matrix.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"Fact matrix: {tab.title.lower()}",
            "opts": opts,
            "tab": tab,
            "tabs": [(t, matrix_url(m, [f.pk for f in chosen])) for m, t in MATRIX_TABS.items()],
            "filters": filters,
            "category": category,
            "rows_page": rows_page,
            "page_query": _without_page(request),
            "categories": _category_tabs(request, category) if model is Support else [],
            "frameworks": frameworks,
            "single": len(frameworks) == 1,
            "grid": grid,
            "formset": formset,
            "options": options,
            "media": model_admin.media + formset.media + options.media,
            "can_change": request.user.has_perm(perm % "change"),
        },
    )


def _without_page(request):
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _category_tabs(request, current):
    """Links to the same matrix, one feature category each, and to all of them."""
    query = request.GET.copy()
    query.pop("page", None)
    tabs = []
    for category in [*FeatureCategory.objects.all(), None]:
        query["category"] = category.slug if category else ""
        tabs.append((category.name if category else "All", query.urlencode(),
                     category == current))  # fmt: skip
    return tabs


def _initial_id(form, name):
    value = form[name].value() if name in form.fields else None
    return int(value) if str(value).isdigit() else None


def _save_cells(formset, cite):
    """Save every changed cell, with the page-wide sources: (how many, how many unsourced)."""
    today = timezone.localdate()
    saved = unsourced = 0
    with transaction.atomic():
        for form in formset.forms:
            if not form.has_changed() or getattr(form, "vanished", None):
                continue
            if cite:
                cited = list(form.cleaned_data.get("sources") or [])
                added = [source for source in cite if source not in cited]
                if added:
                    form.fill("sources", cited + added)
            if form.instance.verified_on is None:  # filling a cell is checking it
                form.fill("verified_on", today)
            form.save()
            saved += 1
            unsourced += not form.cleaned_data.get("sources")
    return saved, unsourced


# --- Facts to re-check ---------------------------------------------------------------

RECHECK_PAGE_SIZE = 100
KINDS = {model._meta.model_name: model for model in FACT_MODELS}
LABELS = {
    Framework: (),
    Support: ("feature__name", "level"),
    TraitValue: ("trait__name", "value"),
    Fit: ("use_case__name", "level"),
    Adoption: ("company__name", "how"),
    ProCon: ("kind", "title"),
}
SOON = datetime.timedelta(days=30)


class RecheckFilter(forms.Form):
    SHOW = [
        ("due", "Due now or citing no source"),
        ("soon", "Due within 30 days"),
        ("unsourced", "Citing no source"),
        ("all", "Every fact"),
    ]

    show = forms.ChoiceField(choices=SHOW, required=False)
    framework = forms.ModelChoiceField(
        Framework.objects.all(), to_field_name="slug", required=False, empty_label="All"
    )
    kind = forms.ChoiceField(
        choices=[("", "All")] + [(name, m._meta.verbose_name) for name, m in KINDS.items()],
        required=False,
        label="Kind of fact",
    )
    source = forms.ModelChoiceField(Source.objects.all(), required=False, empty_label="Any")
    due = forms.DateField(
        required=False,
        label="Due on or before",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def listed(self, model, pk, verified_on, cited, today):
        """Whether a fact with these values is one the editor asked to see."""
        show = self.cleaned_data["show"] or "due"
        if show == "all":
            return True
        if show == "unsourced":
            return not cited
        due = model.due_date(verified_on, pk)
        day = self.cleaned_data["due"] or (today + SOON if show == "soon" else today)
        return due is None or due <= day or (show == "due" and not cited)


class VerifyForm(forms.Form):
    source = forms.ModelChoiceField(
        Source.objects.all(),
        label="Checked against",
        help_text="The document you read to confirm the selected facts.",
        widget=AutocompleteSelect(Verification._meta.get_field("source"), admin.site),
    )
    note = forms.CharField(
        max_length=200,
        required=False,
        help_text="Where exactly, e.g. “Quart docs, extensions page”.",
    )


def _facts(filters):
    """{model: queryset} of the facts the filters can select, with ``cited``.

    Due dates are worked out in Python from ``verified_on`` and the row id
    (see Fact.due_date), which keeps these queries plain.
    """
    data = filters.cleaned_data
    selected = {}
    for name, model in KINDS.items():
        if data["kind"] and data["kind"] != name:
            continue
        rows = model.objects.checked()
        if data["framework"]:
            key = "pk" if model is Framework else "framework_id"
            rows = rows.filter(**{key: data["framework"].pk})
        through = model.sources.through
        owner = next(f.name for f in through._meta.concrete_fields if f.related_model is model)
        links = through.objects.filter(**{owner: OuterRef("pk")})
        if data["source"]:
            rows = rows.filter(Exists(links.filter(source=data["source"])))
        # "Cites no source" is a problem for a sourced fact, not for our own assessment.
        cited = Exists(links)
        if any(f.name == "basis" for f in model._meta.fields):
            cited = ExpressionWrapper(
                Q(cited) | Q(basis=Basis.ASSESSMENT), output_field=BooleanField()
            )
        selected[model] = rows.annotate(cited=cited).order_by()
    return selected


def recheck(model_admin, request):
    """Facts due for a re-check, filtered and paged, with a bulk "verified today"."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    today = timezone.localdate()
    filters = RecheckFilter(request.GET)  # a POST keeps them in its address
    if not filters.is_valid():
        return render_bad_filter(model_admin, request, filters, "Facts to re-check")
    facts = _facts(filters)
    verify = VerifyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        keys = _selected(request.POST, facts, filters, today)
        if verify.is_valid() and keys:
            marked = mark_verified(keys, request.user, **verify.cleaned_data)
            model_admin.message_user(
                request,
                f"Marked {marked} fact{'s' if marked != 1 else ''} as verified today against "
                f"“{verify.cleaned_data['source']}”.",
                messages.SUCCESS,
            )
            return redirect(request.get_full_path())
        if not keys:
            model_admin.message_user(request, "Select the facts you checked.", messages.ERROR)
    rows = []
    for model, queryset in facts.items():
        name = "name" if model is Framework else "framework__name"
        for row in queryset.values("pk", "verified_on", "cited", name, *LABELS[model]):
            if filters.listed(model, row["pk"], row["verified_on"], row["cited"], today):
                due = model.due_date(row["verified_on"], row["pk"])
                rows.append((due or datetime.date.min, row[name], model, row))
    rows.sort(key=lambda r: (r[0], r[1], r[2]._meta.model_name, r[3]["pk"]))
    paginator = Paginator(rows, RECHECK_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page of facts to re-check.") from error
    page.object_list = [_recheck_row(model, row, today) for _, _, model, row in page]
    query = request.GET.copy()
    query.pop("page", None)
    source = filters.cleaned_data["source"]
    citing = sum(
        (Count(f"{model._meta.model_name}_facts", distinct=True) for model in FACT_MODELS),
        Value(0),
    )
    return render(
        request,
        "admin/comparisons/facts_to_recheck.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": "Facts to re-check",
            "opts": model_admin.model._meta,
            "filters": filters,
            "verify": verify,
            "page": page,
            "total": paginator.count,
            "query": query.urlencode(),
            "source": source,
            "source_url": source and reverse("admin:comparisons_source_change", args=[source.pk]),
            "months": (Framework.review_months(), Support.review_months()),
            "problem_sources": list(Source.objects.with_problems().annotate(citing=citing)),
            "media": model_admin.media + verify.media,
        },
    )


@functools.cache
def _changelist(model):
    return reverse(f"admin:comparisons_{model._meta.model_name}_changelist")


def _recheck_row(model, row, today):
    if model is Framework:
        framework, fact = row["name"], "Profile (version, licence, dates, links)"
    else:
        framework = row["framework__name"]
        if model is Support:
            fact = f"{row['feature__name']}: {Support.Level(row['level']).label}"
        elif model is Fit:
            fact = f"{row['use_case__name']}: {Fit.Level(row['level']).label}"
        else:
            fact = ": ".join(str(row[field]) for field in LABELS[model])
    verified = row["verified_on"]
    due = model.due_date(verified, row["pk"])
    if due is None:
        reasons = ["never checked"]
    else:
        reasons = [f"{'due since' if due <= today else 'due'} {due:%d %b %Y}"]
    if not row["cited"]:
        reasons.append("cites no source")
    return {
        "key": f"{model._meta.model_name}:{row['pk']}",
        "kind": model._meta.verbose_name,
        "framework": framework,
        "fact": fact,
        "verified_on": verified,
        "reasons": ", ".join(reasons),
        "url": f"{_changelist(model)}{row['pk']}/change/",
    }


def _selected(post, facts, filters, today):
    """{model: [pk]} the editor ticked, or every listed fact when they asked for all."""
    if post.get("all_matching") == "1":
        return _ids(
            (
                queryset.values_list(Value(model._meta.model_name), "pk", "verified_on", "cited")
                for model, queryset in facts.items()
            ),
            lambda model, pk, verified_on, cited: filters.listed(
                model, pk, verified_on, cited, today
            ),
        )
    keys = {}
    for key in post.getlist("fact"):
        name, _, pk = key.partition(":")
        if name in KINDS and pk.isdigit():
            keys.setdefault(KINDS[name], set()).add(int(pk))
    return _ids(
        model.objects.filter(pk__in=pks).order_by().values_list(
            Value(model._meta.model_name), "pk", "verified_on", Value(True)
        )
        for model, pks in keys.items()
    )  # fmt: skip


def _ids(querysets, keep=None):
    """Run (kind, pk, verified_on, cited) querysets as one UNION query; {model: [pk]}."""
    querysets = list(querysets)
    if not querysets:
        return {}
    first, *rest = querysets
    found = {}
    for name, pk, verified_on, cited in first.union(*rest, all=True) if rest else first:
        model = KINDS[name]
        if keep is None or keep(model, pk, verified_on, cited):
            found.setdefault(model, []).append(pk)
    return found


def mark_verified(facts, user, source, note="", method=Verification.Method.EDITOR):
    """Record that ``facts`` ({model: [pk]}) were checked today against ``source``.

    One UPDATE per kind of fact and a couple of INSERTs, whatever the number of facts.
    """
    types = ContentType.objects.get_for_models(*facts)
    with transaction.atomic():
        verification = Verification.objects.create(
            checked_by=user, method=method, source=source, note=note
        )
        rows = []
        for model, pks in facts.items():
            model.objects.filter(pk__in=pks).update(verified_on=timezone.localdate())
            rows += [
                VerifiedFact(verification=verification, fact_type=types[model], fact_id=pk)
                for pk in pks
            ]
        VerifiedFact.objects.bulk_create(rows)
        content_changed()  # update() sends no signals
    return len(rows)


def source_link(source):
    """A link to the facts that cite ``source`` on the re-check page."""
    url = (
        reverse("admin:comparisons_facts_to_recheck")
        + "?"
        + urlencode({"show": "all", "source": source.pk})
    )
    return format_html('<a href="{}">Facts citing it</a>', url)


def render_bad_filter(model_admin, request, filters, title):
    """A filter form that does not validate (a forged address): a 400 that says why."""
    return render(
        request,
        "admin/comparisons/bad_filter.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": title,
            "opts": model_admin.model._meta,
            "filters": filters,
        },
        status=400,
    )


# --- A framework's timeline ----------------------------------------------------------

TIMELINE_PAGE_SIZE = 50


def timeline(model_admin, request, object_id):
    """Every change to a framework's profile and fact rows, newest first, with reverts."""
    if not str(object_id).isdigit():
        raise Http404("No such framework.")
    framework = get_object_or_404(Framework, pk=object_id)
    if not model_admin.has_view_or_change_permission(request, framework):
        raise PermissionDenied
    histories = pages.fact_histories([framework])
    entries = pages.fact_changes([framework], histories, pages.row_names())
    # Every row the framework has had, from the history just read.
    facts = {model: {record.id for record in records} for model, records in histories.items()}
    checked = VerifiedFact.objects.of_facts(facts).select_related(
        "fact_type", "verification__checked_by", "verification__source"
    )
    entries += [pages.verification_change(fact, framework, entries) for fact in checked]
    entries.sort(key=lambda entry: entry.date, reverse=True)
    paginator = Paginator(entries, TIMELINE_PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404("No such page of the timeline.") from error
    for entry in page:
        entry.links = _timeline_links(entry)
    return render(
        request,
        "admin/comparisons/framework/timeline.html",
        {
            **model_admin.admin_site.each_context(request),
            "title": f"Timeline: {framework}",
            "opts": Framework._meta,
            "object": framework,
            "page": page,
            "total": paginator.count,
        },
    )


def _timeline_links(entry):
    model = type(entry.record).instance_type if entry.record is not None else None
    if model is None:
        return []
    name = model._meta.model_name
    if entry.kind == "removed":
        return [("Restore", reverse(f"admin:comparisons_{name}_deleted"))]
    links = []
    if entry.kind == "changed" and entry.before is not None:
        links.append(
            (
                "Revert this change",
                reverse(
                    f"admin:comparisons_{name}_simple_history",
                    args=[entry.record.id, entry.before.history_id],
                ),
            )
        )
    return links
