"""Shaping fact rows into what comparison and profile pages show.

Views fetch rows with a fixed number of queries (see the QuerySet methods in
models.py); these helpers arrange them into tables and number the citations in
the order a reader meets them. The second half turns the facts' history into
changes people can read, for the public change log and the editors' timeline.
"""

import datetime
import itertools
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from editing.history import RESTORED

from .models import FACT_MODELS, Company, Feature, Framework, Source, Status, Trait, UseCase


def mid_sentence(name):
    """A name as it reads inside a sentence: "Admin panel" -> "admin panel", while
    "REST APIs", "MVPs" and "CSRF protection" keep their capitals."""
    first, _, rest = name.partition(" ")
    if first[1:] != first[1:].lower():  # an acronym or a name like "MVPs"
        return name
    return " ".join(filter(None, [first.lower(), rest]))


class Citations:
    """Numbers sources in the order they are first cited on a page."""

    def __init__(self):
        self._numbers = {}
        self.sources = []
        self.cells = []  # every cell built with these citations (see usual_check)

    def refs(self, fact, sources=None):
        """The citation numbers for ``fact`` (fetched by ``models.with_sources``), or for
        ``sources`` when given."""
        numbers = set()
        for source in fact.cited if sources is None else sources:
            if source.pk not in self._numbers:
                self.sources.append(source)
                self._numbers[source.pk] = len(self.sources)
            numbers.add(self._numbers[source.pk])
        return sorted(numbers)

    def numbered(self):
        return list(enumerate(self.sources, start=1))

    def usual_check(self):
        """The month most of the page's facts were checked by an editor, said once on the
        page: those cells leave out their date, the others keep theirs. None if no cell
        has a check date."""
        months = Counter(
            cell.verified_on.replace(day=1)
            for cell in self.cells
            if cell.verified_on and not cell.automatic
        )
        if not months:
            return None
        usual = months.most_common(1)[0][0]
        for cell in self.cells:
            cell.usual_check = (
                not cell.automatic
                and cell.verified_on is not None
                and cell.verified_on.replace(day=1) == usual
            )
        return usual


@dataclass
class Cell:
    """One table cell: what it says, its citations and when and how it was last checked.

    An assessment (our judgement, not a source's statement) carries the evidence
    it rests on; pages label it "Our assessment".
    """

    value: object = None
    refs: list = field(default_factory=list)
    verified_on: object = None
    automatic: bool = False  # checked by a machine (sync_pypi), not an editor
    assessment: bool = False
    evidence: str = ""
    usual_check: bool = False  # checked in the month the page names once (usual_check)

    @classmethod
    def of(cls, fact, citations, value=None):
        if fact is None:
            return cls()
        cell = cls(
            value=fact if value is None else value,
            refs=citations.refs(fact),
            verified_on=fact.verified_on,
            assessment=getattr(fact, "is_assessment", False),
            evidence=getattr(fact, "evidence", ""),
        )
        citations.cells.append(cell)
        return cell

    @classmethod
    def from_pypi(cls, framework, citations, value):
        """A profile fact that sync_pypi keeps: it cites the PyPI page and its check."""
        if framework.pypi_checked_at is None or framework.pypi_source is None:
            return cls.of(framework, citations, value)
        cell = cls(
            value=value,
            refs=citations.refs(framework, [framework.pypi_source]),
            verified_on=framework.pypi_checked_at.date(),
            automatic=True,
        )
        citations.cells.append(cell)
        return cell


@dataclass
class Row:
    label: str
    cells: list
    link: str = ""
    kind: str = "text"  # "text" cells hold strings; "support" cells hold Support rows


@dataclass
class Group:
    name: str
    rows: list


def _index(rows, key):
    return {key(row): row for row in rows}


def side_by_side(frameworks, supports, trait_values, citations):
    """Rows of the summary table: framework facts, headline features, traits."""
    rows = [
        Row("Type", [Cell.of(f, citations, f.get_kind_display()) for f in frameworks]),
        Row(
            "First released",
            [Cell.of(f, citations, f"{f.first_released:%-d %B %Y}") for f in frameworks],
        ),
        Row("Created by", [Cell.of(f, citations, f.creators) for f in frameworks]),
        Row("Licence", [Cell.from_pypi(f, citations, f.license) for f in frameworks]),
    ]
    if any(f.current_version for f in frameworks):
        rows.append(Row("Latest version", [Cell.from_pypi(f, citations, _version(f))
                                           for f in frameworks]))  # fmt: skip
    if any(f.python_requires for f in frameworks):
        rows.append(Row("Python", [Cell.from_pypi(f, citations, f.python_requires or None)
                                   for f in frameworks]))  # fmt: skip
    by_cell = _index(supports, lambda s: (s.feature_id, s.framework_id))
    summary_features = {s.feature_id: s.feature for s in supports if s.feature.in_summary}
    for feature in sorted(summary_features.values(), key=_feature_order):
        rows.append(
            Row(
                feature.name,
                [Cell.of(by_cell.get((feature.pk, f.pk)), citations) for f in frameworks],
                link=feature.get_absolute_url(),
                kind="support",
            )
        )
    by_trait = {}
    for value in trait_values:
        by_trait.setdefault(value.trait, {})[value.framework_id] = value
    for trait in sorted(by_trait, key=lambda t: (t.order, t.name)):
        values = by_trait[trait]
        rows.append(
            Row(
                trait.name,
                [
                    Cell.of(values.get(f.pk), citations, _value(values.get(f.pk)))
                    for f in frameworks
                ],
            )
        )
    return rows


def _version(framework):
    if not framework.current_version:
        return None
    if framework.version_released:
        return f"{framework.current_version} ({framework.version_released:%-d %b %Y})"
    return framework.current_version


def _value(trait_value):
    if trait_value is None:
        return None
    return trait_value.value or "Not checked yet"  # a placeholder, in staff previews


def _feature_order(feature):
    return (feature.category.order, feature.order, feature.name)


def feature_grid(frameworks, supports, citations):
    """The feature grid grouped by category, one cell per framework."""
    by_cell = _index(supports, lambda s: (s.feature_id, s.framework_id))
    features = sorted({s.feature for s in supports}, key=_feature_order)
    groups = []
    for feature in features:
        if not groups or groups[-1].name != feature.category.name:
            groups.append(Group(feature.category.name, []))
        groups[-1].rows.append(
            Row(
                feature.name,
                [Cell.of(by_cell.get((feature.pk, f.pk)), citations) for f in frameworks],
                link=feature.get_absolute_url(),
                kind="support",
            )
        )
    return groups


def feature_matrix(features, frameworks, supports):
    """Every feature against every framework, grouped by category: rows of Support rows
    (None where nothing is recorded), for the caniuse-style grid at /features/."""
    by_cell = _index(supports, lambda s: (s.feature_id, s.framework_id))
    groups = []
    for feature in sorted(features, key=_feature_order):
        if not groups or groups[-1].name != feature.category.name:
            groups.append(Group(feature.category.name, []))
        cells = [by_cell.get((feature.pk, framework.pk)) for framework in frameworks]
        groups[-1].rows.append(Row(feature.name, cells, link=feature.get_absolute_url()))
    return groups


def fit_table(frameworks, fits, citations):
    """Use cases as rows, each framework's fit as a cell."""
    by_cell = _index(fits, lambda fit: (fit.use_case_id, fit.framework_id))
    use_cases = sorted({fit.use_case for fit in fits}, key=lambda u: (u.order, u.name))
    return [
        Row(
            use_case.name,
            [Cell.of(by_cell.get((use_case.pk, f.pk)), citations) for f in frameworks],
            link=use_case.get_absolute_url(),
            kind="fit",
        )
        for use_case in use_cases
    ]


def per_framework(frameworks, rows, citations):
    """Rows (adoptions, pros and cons) split into one list per framework."""
    lists = {f.pk: [] for f in frameworks}
    for row in rows:
        lists[row.framework_id].append(Cell.of(row, citations))
    return [(f, lists[f.pk]) for f in frameworks]


@dataclass
class Change:
    """One save of one fact row, as people read it: who, when, which fact, what changed."""

    date: object
    framework: object
    subject: str
    kind: str  # added, changed, removed, restored, verified
    lines: list
    user: object = None
    record: object = None  # the history record (None for a verification)
    before: object = None  # the record it changed, for a revert
    links: list = field(default_factory=list)


def fact_histories(frameworks):
    """{fact model: history records of ``frameworks``}, by row and date (a query each)."""
    ids = [framework.pk for framework in frameworks]
    histories = {}
    for model in FACT_MODELS:
        key = "id" if model is Framework else "framework_id"
        histories[model] = (
            model.history.filter(**{f"{key}__in": ids})
            .select_related("history_user")
            .order_by("id", "history_date", "history_id")
            .prefetch_related(sources_accessor(model.history.model))
        )
    return histories


def row_names():
    """{(model name, id): name} of the rows facts point at, for describing them."""
    names = {}
    for model in (Feature, Trait, UseCase, Company):
        label = model._meta.model_name
        names.update({(label, pk): name for pk, name in model.objects.values_list("pk", "name")})
    names.update({("source", pk): title for pk, title in Source.objects.values_list("pk", "title")})
    return names


def fact_changes(frameworks, histories, names, public=False):
    """What changed in these frameworks' facts, from their history, oldest first.

    ``histories`` is ``fact_histories()``; ``names`` is ``row_names()``. Rows
    loaded by ``seed`` (no editor) are the baseline, not changes; a save that
    changed nothing is left out; a deletion or a restore is one change per row.

    ``public``: only what readers could see (``public_saves``): a framework's
    public history starts when it was first published.
    """
    by_id = {f.pk: f for f in frameworks}
    periods = live_periods(histories[Framework]) if public else {}
    changes = []
    for model, records in histories.items():
        is_profile = model is Framework
        for _, row in itertools.groupby(records, key=lambda record: record.id):
            row = list(row)
            if public:
                owner = row[-1].id if is_profile else row[-1].framework_id
                saves = public_saves(row, periods.get(owner, ALWAYS_LIVE))
            else:
                saves = [
                    (r.history_date, r, before)
                    for r, before in zip(row, [None, *row[:-1]], strict=True)
                ]
            for date, record, before in saves:
                change = _change(model, record, before, names)
                if change is not None:
                    change.date = date
                    change.framework = by_id.get(record.id if is_profile else record.framework_id)
                    changes.append(change)
    changes.sort(key=lambda change: change.date)
    return changes


def _change(model, record, before, names):
    """``record`` (a save of one row) as a Change from ``before``, or None if it is none."""
    subject = _subject(model, record, names)
    if record.history_type == "-":
        kind, lines = "removed", [f"removed {subject}"]
    elif record.history_change_reason == RESTORED or (
        before is not None and before.history_type == "-"
    ):
        kind, lines = "restored", [f"restored {subject}"]
    elif before is None:
        if record.history_user_id is None:
            return None  # the initial content
        kind, lines = "added", [f"added {subject}"]
    else:
        delta = record.diff_against(before, excluded_fields=["updated_at", "sources"])
        kind = "changed"
        lines = [
            f"{subject}: {model._meta.get_field(c.field).verbose_name} "
            f"changed from “{_shown(c.old, model, c.field)}” to "
            f"“{_shown(c.new, model, c.field)}”"
            for c in delta.changes
        ]
        lines += _source_changes(subject, before, record, names)
        if not lines:
            return None
    return Change(
        date=record.history_date, framework=None, subject=subject, kind=kind, lines=lines,
        user=record.history_user, record=record, before=before,
    )  # fmt: skip


# A framework with no history of its own (rows bulk-created without it) has been
# live for as long as anyone can tell.
ALWAYS_LIVE = [(datetime.datetime.min.replace(tzinfo=datetime.UTC), None)]


def live_periods(framework_records):
    """{framework id: [(start, end), ...]}: when readers could see each framework, from
    its history records (ordered by id, then date): published with its publish time
    come, and not deleted. ``end`` is None while it still is."""
    periods = {}
    for pk, records in itertools.groupby(framework_records, key=lambda record: record.id):
        records = list(records)
        spans = periods[pk] = []
        for record, following in zip(records, [*records[1:], None], strict=True):
            end = following.history_date if following is not None else None
            if (
                record.history_type == "-"
                or record.status != Status.PUBLISHED
                or record.published_at is None
            ):
                continue
            start = max(record.history_date, record.published_at)
            if end is not None and start >= end:
                continue  # scheduled, and unpublished before its time came
            if spans and spans[-1][1] == start:
                spans[-1] = (spans[-1][0], end)  # still live across this save
            else:
                spans.append((start, end))
    return periods


def public_saves(records, periods):
    """The saves of one row as readers saw them: (date, record, before) for each change.

    ``records`` is the row's history, oldest first; ``periods`` when its framework was
    live (``live_periods``). Readers saw nothing of the row while the framework was not
    live, so: the row as it stood when the framework was first published is the
    baseline, never a change (whatever was written before stays private); saves while
    it is live are changes from what readers saw last; saves while it is not live are
    never shown one by one, but when it is live again, what changed meanwhile is one
    change, dated then. Removing the framework ends its last period and is shown.
    """
    seen = None  # the row as readers last saw it
    current = None  # the row as saved
    position = 0
    for number, (start, end) in enumerate(periods):
        while position < len(records) and records[position].history_date <= start:
            current = records[position]
            position += 1
        if number == 0:
            seen = current  # first published: the baseline
        elif current is not seen and not (_gone(current) and _gone(seen)):
            yield start, current, seen
            seen = current
        while position < len(records) and (end is None or records[position].history_date < end):
            current = records[position]
            yield current.history_date, current, seen
            seen = current
            position += 1
        while (
            position < len(records)
            and records[position].history_date == end
            and records[position].history_type == "-"
        ):
            current = records[position]
            yield end, current, seen  # deleted while readers could see it
            seen = current
            position += 1


def _gone(record):
    return record is None or record.history_type == "-"


def verification_change(checked, framework, changes):
    """A fact's check (a VerifiedFact) as a timeline entry, named like its changes."""
    subject = next(
        (
            change.subject
            for change in changes
            if change.record is not None
            and type(change.record).instance_type._meta.model_name == checked.fact_type.model
            and change.record.id == checked.fact_id
        ),
        f"{checked.fact_type.name} {checked.fact_id}",
    )
    verification = checked.verification
    against = f" against “{verification.source.title}”" if verification.source else ""
    note = f": {verification.note}" if verification.note else ""
    return Change(
        date=verification.checked_at, framework=framework, subject=subject, kind="verified",
        lines=[f"{subject}: checked{against}{note}"],
        user=verification.checked_by or verification.get_method_display(),
    )  # fmt: skip


def change_log(changes):
    """The public change log: one line per change, newest first, no editors' names."""
    return [
        {"date": change.date, "framework": change.framework, "change": line}
        for change in reversed(changes)
        for line in change.lines
    ]


@cache
def sources_accessor(history_model):
    """The name under which a historical record lists the sources it cited."""
    return next(
        rel.get_accessor_name()
        for rel in history_model._meta.related_objects
        if rel.related_model.__name__ == f"{history_model.__name__}_sources"
    )


def _source_ids(record):
    # Prefetched by the caller: one query per fact model, not per record.
    return {row.source_id for row in getattr(record, sources_accessor(type(record))).all()}


def _source_changes(subject, before, record, names):
    old, new = _source_ids(before), _source_ids(record)
    if old == new:
        return []
    parts = [f"cited “{names.get(('source', pk), 'a source')}”" for pk in sorted(new - old)]
    parts += [
        f"stopped citing “{names.get(('source', pk), 'a source')}”" for pk in sorted(old - new)
    ]
    return [f"{subject}: {'; '.join(parts)}"]


def _subject(model, record, names):
    name = model._meta.model_name
    if name == "framework":
        return "profile"
    if name == "support":
        return f"{names.get(('feature', record.feature_id), 'a feature')} support"
    if name == "traitvalue":
        return names.get(("trait", record.trait_id), "a trait")
    if name == "fit":
        return f"fit for {names.get(('usecase', record.use_case_id), 'a use case')}"
    if name == "adoption":
        return f"use at {names.get(('company', record.company_id), 'a company')}"
    return f"{record.kind}: {record.title}"


def _shown(value, model=None, name=None):
    if model is not None and value not in (None, ""):
        field = model._meta.get_field(name)
        if field.choices and not field.is_relation:
            value = dict(field.flatchoices).get(value, value)
    text = str(value) if value not in (None, "") else "empty"
    return text if len(text) <= 80 else text[:79] + "…"
