"""The facts behind every comparison: frameworks, features, traits, use cases,
companies, sources, and the editorial articles written around them.

Each fact lives in exactly one row, and every fact row (``Fact`` subclasses and
``Framework`` itself) says where it comes from (``sources``) and when an editor
last checked it (``verified_on``). Pages and open-data files read these rows;
nothing is typed into prose twice.
"""

import datetime
import functools
import itertools

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from editing.registry import content

from .markdown import MAX_CHARS as MAX_MARKDOWN_CHARS

VERIFIED_HELP = (
    "The day this fact was last checked against its sources. Leave empty if nobody "
    "has checked it yet."
)
SOURCES_HELP = "Where this fact can be checked. Readers see these as numbered citations."
# Re-checks of facts verified on the same day are spread over the last sixth of
# their interval, in this many groups (by row id), so they never all fall due at once.
REVIEW_GROUPS = 8


@deconstructible
class MarkdownLengthValidator:
    """At most ``limit`` characters of Markdown, counted as stored (Unix line endings).

    Every MarkdownField has one, so the admin, its inline rows and any other model
    form refuse an over-long text with this message and save nothing. The limits are
    far above any real text, and keep every render of it short (comparisons/markdown.py).
    """

    def __init__(self, limit):
        self.limit = limit

    def __call__(self, value):
        length = len(str(value).replace("\r\n", "\n"))
        if length > self.limit:
            raise ValidationError(
                "This text has %(length)s characters; it can have at most %(limit)s. "
                "Shorten it by %(excess)s characters.",
                code="max_length",
                params={
                    "length": f"{length:,}",
                    "limit": f"{self.limit:,}",
                    "excess": f"{length - self.limit:,}",
                },
            )

    def __eq__(self, other):
        return isinstance(other, MarkdownLengthValidator) and self.limit == other.limit

    def __hash__(self):
        return hash(self.limit)


class MarkdownField(MarkdownxField):
    """Markdown text, stored with Unix line endings.

    Browsers submit textareas with CRLF; storing them as sent would make the
    first admin save of every seeded text look like a change in its history.
    """

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str) and "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            setattr(model_instance, self.attname, value)
        return value


class SlugQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


_SLUG = "--slug--"


@functools.cache
def _url_pattern(name, script_prefix):
    return reverse(name, kwargs={"slug": _SLUG})


def slug_url(name, slug):
    """``reverse(name, kwargs={"slug": slug})``, without resolving the URL again for
    every row: pages link hundreds of rows."""
    return _url_pattern(name, get_script_prefix()).replace(_SLUG, slug)


class SluggedModel(models.Model):
    """A row that fixtures, URLs and open data refer to by its slug."""

    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(
        max_length=100, unique=True, help_text="Used in URLs and data files. Change it rarely."
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = SlugQuerySet.as_manager()

    class Meta:
        abstract = True
        ordering = [Lower("name")]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)


class SourceQuerySet(SlugQuerySet):
    def with_problems(self):
        """Sources whose address failed its last check or now answers from elsewhere."""
        checked = self.filter(checked_at__isnull=False)
        broken = Q(check_status__isnull=True) | Q(check_status__lt=200) | Q(check_status__gte=400)
        moved = ~Q(final_url="") & ~Q(final_url=F("url"))
        return checked.filter(broken | moved)


@content
class Source(models.Model):
    """A public document that settles one or more facts."""

    slug = models.SlugField(
        max_length=100, unique=True, help_text="A short handle, e.g. 'flask-changelog'."
    )
    title = models.CharField(max_length=200, help_text="The document's own title.")
    publisher = models.CharField(
        max_length=120, blank=True, help_text="Who published it, e.g. 'Pallets' or 'Django'."
    )
    url = models.URLField(
        max_length=500,
        blank=True,
        help_text="Link readers follow. Leave blank only for sources with no public address.",
    )
    note = models.TextField(
        blank=True, help_text="What the source establishes, for editors. Not shown to readers."
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Written by `manage.py check_sources`, never by editors.
    checked_at = models.DateTimeField("address checked", null=True, blank=True, editable=False)
    check_status = models.PositiveSmallIntegerField(
        "answer", null=True, blank=True, editable=False,
        help_text="The HTTP status of the last answer (0: no answer).",
    )  # fmt: skip
    final_url = models.URLField("answered from", max_length=500, blank=True, editable=False)
    redirects = models.JSONField(default=list, blank=True, editable=False)
    check_error = models.CharField(max_length=200, blank=True, editable=False)

    objects = SourceQuerySet.as_manager()

    history = HistoricalRecords(excluded_fields=[
        "checked_at", "check_status", "final_url", "redirects", "check_error"
    ])  # fmt: skip

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    def natural_key(self):
        return (self.slug,)

    @property
    def is_broken(self):
        return self.checked_at is not None and not 200 <= (self.check_status or 0) < 400

    @property
    def has_moved(self):
        return not self.is_broken and bool(self.final_url) and self.final_url != self.url


def _prefixes(path):
    """ "a__b__c" -> "a", "a__b", "a__b__c"."""
    parts = path.split("__")
    return ["__".join(parts[: n + 1]) for n in range(len(parts))]


class FactQuerySet(models.QuerySet):
    """Fact rows for a page: the rows of some frameworks, with what they cite."""

    related = ()

    def for_frameworks(self, frameworks, unchecked=False):
        """The checked rows of ``frameworks`` (``unchecked=True``: staff previews, all rows).

        Neither their frameworks nor their sources are fetched: the caller has the
        frameworks (``with_frameworks``) and ``with_sources`` fetches the sources.
        """
        rows = self.filter(framework__in=frameworks)
        if not unchecked:
            rows = rows.checked()
        # Pages never show when a row was saved: leaving those timestamps out of the
        # rows and their related rows saves converting a thousand of them per page.
        related = {part for path in self.related for part in _prefixes(path)}
        unused = ["updated_at", *(f"{path}__updated_at" for path in sorted(related))]
        return rows.select_related(*self.related).defer(*unused)

    def checked(self):
        """Rows somebody has filled in (never the "not checked yet" placeholders)."""
        placeholder = self.model.PLACEHOLDER
        return self.exclude(**placeholder) if placeholder else self

    def unchecked(self):
        placeholder = self.model.PLACEHOLDER
        return self.filter(**placeholder) if placeholder else self.none()


class Fact(models.Model):
    """Fields every fact row shares: its citations and its last check."""

    # Versions and "current" wording change often: they fall due sooner.
    fast_changing = False
    # The values of a placeholder row: a fact nobody has filled in yet, shown to
    # staff as "not checked yet" and never to readers (see add_placeholders).
    PLACEHOLDER = {}

    sources = models.ManyToManyField(
        Source, blank=True, related_name="%(class)s_facts", help_text=SOURCES_HELP
    )
    verified_on = models.DateField(
        null=True, blank=True, default=timezone.localdate, help_text=VERIFIED_HELP
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    @classmethod
    def review_months(cls):
        if cls.fast_changing:
            return settings.FAST_FACTS_MAX_AGE_MONTHS
        return settings.FACTS_MAX_AGE_MONTHS

    @classmethod
    def review_days(cls):
        """Days after its check that a row falls due, by review group (row id mod 8)."""
        interval = cls.review_months() * 365 // 12
        step = interval // 6 // REVIEW_GROUPS
        return [interval - group * step for group in range(REVIEW_GROUPS)]

    @property
    def is_unchecked(self):
        return bool(self.PLACEHOLDER) and all(
            getattr(self, name) == value for name, value in self.PLACEHOLDER.items()
        )

    @classmethod
    def due_date(cls, verified_on, pk):
        """When a fact checked on ``verified_on`` should be checked again (None: never was)."""
        if verified_on is None:
            return None
        return verified_on + datetime.timedelta(cls.review_days()[(pk or 0) % REVIEW_GROUPS])

    @property
    def due_on(self):
        return self.due_date(self.verified_on, self.pk)


class Basis(models.TextChoices):
    SOURCED = "sourced", "Sourced: it says what its sources say"
    ASSESSMENT = "assessment", "Our assessment: a judgement, with the evidence it rests on"


class Assessable(models.Model):
    """A fact that is either sourced or our own judgement, and says which."""

    basis = models.CharField(
        max_length=10,
        choices=Basis,
        default=Basis.SOURCED,
        help_text="Sourced: a source says exactly this. Our assessment: a rating or judgement "
        "of ours; readers see it labelled as such.",
    )
    evidence = models.CharField(
        max_length=300,
        blank=True,
        help_text="For an assessment: what it rests on, with when you looked, e.g. "
        "'JetBrains State of Python 2025: 38% of respondents use it (Nov 2026)'. "
        "Shown to readers.",
    )

    class Meta:
        abstract = True

    @property
    def is_assessment(self):
        return self.basis == Basis.ASSESSMENT


class PublishableQuerySet(SlugQuerySet):
    def published(self):
        """Rows readers see: published, with a publish time that has come."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def scheduled(self, now):
        """Publish times still to come (pagecache changes its version at each one)."""
        return self.filter(status=Status.PUBLISHED, published_at__gt=now).values_list(
            "published_at", flat=True
        )


def with_sources(*row_sets):
    """Fact rows as lists, each row with its sources as ``row.cited`` (by title).

    ``row_sets`` are querysets or lists of fact rows. Costs one query per queryset,
    one for the rows' links to sources and one for the sources. That is much
    cheaper than ``prefetch_related("sources")``, which builds a filtered queryset
    for every row and queries each kind of row's links separately.
    """
    lists = [list(rows) for rows in row_sets]
    by_model = {}
    for row in itertools.chain.from_iterable(lists):
        by_model.setdefault(type(row), {})[row.pk] = row
        row.cited = []
    links = _source_links(by_model)
    sources = Source.objects.only("title", "url", "publisher").in_bulk(
        {source for _, source in links}
    )
    for row, source in links:
        row.cited.append(sources[source])
    for rows in by_model.values():
        for row in rows.values():
            row.cited.sort(key=lambda source: (source.title, source.pk))
    return lists


def _source_links(by_model):
    """[(row, source id)] for the rows of ``by_model`` ({model: {pk: row}}), read from
    every model's sources table in one query (a UNION ALL of plain SELECTs)."""
    selects, params, kinds = [], [], list(by_model.items())
    quote = connection.ops.quote_name
    for index, (model, rows) in enumerate(kinds):
        through = model.sources.through._meta
        fact = quote(through.get_field(model._meta.model_name).column)
        source = quote(through.get_field("source").column)
        marks = ", ".join(["%s"] * len(rows))
        selects.append(
            f"SELECT {index}, {fact}, {source} FROM {quote(through.db_table)} "  # noqa: S608
            f"WHERE {fact} IN ({marks})"
        )
        params += list(rows)
    if not selects:
        return []
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(selects), params)
        return [(kinds[index][1][pk], source) for index, pk, source in cursor.fetchall()]


def with_frameworks(frameworks, *row_lists):
    """Set each fact row's framework to the matching one of ``frameworks``, which the
    caller already has, instead of fetching it again for every row."""
    by_pk = {framework.pk: framework for framework in frameworks}
    for row in itertools.chain.from_iterable(row_lists):
        row.framework = by_pk[row.framework_id]


def fill_publish_time(row):
    """A row published without a time goes live now. Returns whether it filled one."""
    if row.status == Status.PUBLISHED and row.published_at is None:
        row.published_at = timezone.now()
        return True
    return False


def _save_with_publish_time(row, save, kwargs):
    if fill_publish_time(row) and kwargs.get("update_fields") is not None:
        kwargs["update_fields"] = {*kwargs["update_fields"], "published_at"}
    save(**kwargs)


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrameworkQuerySet(PublishableQuerySet, FactQuerySet):
    pass


@content
class Framework(SluggedModel, Fact):
    fast_changing = True  # the profile holds the current version

    class Kind(models.TextChoices):
        FULL_STACK = "full-stack", "Full-stack framework"
        MICRO = "micro", "Microframework"
        ASYNC_MICRO = "async-micro", "Async microframework"
        API = "api", "API framework"
        ASYNC_TOOLKIT = "async-toolkit", "Async web toolkit"

    kind = models.CharField(
        max_length=20, choices=Kind, help_text="Shown as 'Type' in side-by-side tables."
    )
    tagline = models.CharField(
        max_length=160, blank=True, help_text="One line under the name on the profile page."
    )
    summary = models.TextField(
        help_text="Two or three plain sentences for lists, cards and search results."
    )
    body = MarkdownField(
        blank=True,
        help_text="The profile's longer text, in Markdown. Shown on the profile page.",
        validators=[MarkdownLengthValidator(20_000)],  # the longest shipped: 1,325
    )
    first_released = models.DateField(
        help_text="Date of the first public release (cite the changelog or release notes)."
    )
    creators = models.CharField(max_length=200, help_text="People who created it, comma-separated.")
    license = models.CharField(max_length=60, help_text="SPDX identifier, e.g. 'BSD-3-Clause'.")
    homepage = models.URLField(max_length=300)
    docs_url = models.URLField("documentation", max_length=300, blank=True)
    repository_url = models.URLField("repository", max_length=300, blank=True)
    tutorial_url = models.URLField(
        "official tutorial",
        max_length=300,
        blank=True,
        help_text="Where the framework's own documentation teaches a first app, e.g. "
        "Django's “Writing your first Django app”. The quiz's verdict links it as the "
        "first step.",
    )
    current_version = models.CharField(
        max_length=30, blank=True, help_text="Latest stable release when last verified."
    )
    version_released = models.DateField(
        "current version released",
        null=True,
        blank=True,
        help_text="When the current version came out.",
    )
    python_requires = models.CharField(
        "Python versions",
        max_length=60,
        blank=True,
        help_text="The Python versions it supports, as its package states them, e.g. '>=3.10'.",
    )
    pypi_name = models.CharField(
        "PyPI name",
        max_length=100,
        blank=True,
        help_text="Its package's name on PyPI, e.g. 'Flask'. `manage.py sync_pypi` then keeps "
        "the version, its release date, the licence and the Python versions up to date.",
    )
    pypi_source = models.ForeignKey(
        "Source",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        help_text="The PyPI page the machine-checked facts cite.",
    )
    pypi_checked_at = models.DateTimeField(
        "PyPI facts checked", null=True, blank=True, editable=False
    )
    adopters_checked_on = models.DateField(
        "users last looked for",
        null=True,
        blank=True,
        help_text="The day someone last looked for companies that say, in their own "
        "publications, that they use it. Shown when none could be confirmed.",
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published frameworks appear on the site, in comparisons and in data.",
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it goes live. Filled in for you when you publish; set a future "
        "time to schedule it.",
    )

    objects = FrameworkQuerySet.as_manager()

    # The daily machine check's time is not a change of the profile.
    history = HistoricalRecords(m2m_fields=["sources"], excluded_fields=["pypi_checked_at"])

    class Meta(SluggedModel.Meta):
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="framework_published_has_date",
                violation_error_message="A published framework needs a publish time.",
            ),
        ]

    def save(self, **kwargs):
        _save_with_publish_time(self, super().save, kwargs)

    def get_absolute_url(self):
        return slug_url("comparisons:framework", self.slug)

    @property
    def is_live(self):
        return (
            self.status == Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


@content
class FeatureCategory(SluggedModel):
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position of this group in feature grids (lowest first)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "feature categories"


class GridRowQuerySet(SlugQuerySet):
    """Features and use cases: the rows of the grids that fact rows fill in."""

    def public(self):
        """All but those whose only facts are about frameworks readers cannot see (yet):
        a feature added for a draft framework stays out of sight until it is published."""
        model = next(
            m for m in GRID_MODELS if m._meta.get_field(m.row_field).related_model is self.model
        )
        facts = model.objects.checked().filter(**{model.row_field: models.OuterRef("pk")})
        seen = facts.filter(framework__in=Framework.objects.published())
        return self.filter(~models.Exists(facts) | models.Exists(seen))


@content
class Feature(SluggedModel):
    category = models.ForeignKey(
        FeatureCategory,
        on_delete=models.PROTECT,
        related_name="features",
        help_text="The group this feature is listed under in feature grids.",
    )
    description = models.TextField(
        blank=True, help_text="What the feature is, in a sentence. Shown on the feature page."
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position within its category (lowest first)."
    )
    in_summary = models.BooleanField(
        "in summary table",
        default=False,
        help_text="Also show this feature as a row of the side-by-side summary table "
        "at the top of comparison pages (keep it to a handful).",
    )

    objects = GridRowQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["category__order", "order", "name"]

    def get_absolute_url(self):
        return slug_url("comparisons:feature", self.slug)


class SupportQuerySet(FactQuerySet):
    related = ("feature__category",)

    def get_by_natural_key(self, framework, feature):
        return self.get(framework__slug=framework, feature__slug=feature)


@content
class Support(Fact):
    """How one framework provides one feature."""

    class Level(models.TextChoices):
        BUILT_IN = "built-in", "Built in"
        OFFICIAL = "official-extension", "Official extension"
        THIRD_PARTY = "third-party", "Third-party package"
        NONE = "none", "Not available"
        UNCHECKED = "unchecked", "Not checked yet"

    EXTENSION_LEVELS = [Level.OFFICIAL, Level.THIRD_PARTY]
    PLACEHOLDER = {"level": Level.UNCHECKED}
    row_field = "feature"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="supports")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="supports")
    level = models.CharField(
        max_length=20,
        choices=Level,
        help_text=(
            "Built in: ships with the framework. Official extension: maintained by the "
            "framework's own project or its ecosystem organisation. Third-party: a separate "
            "community package. Not available: you write it yourself. Not checked yet: a "
            "placeholder for a new framework, never shown to readers."
        ),
    )
    via = models.CharField(
        "extension",
        max_length=100,
        blank=True,
        help_text="The package that provides it, e.g. 'Flask-SQLAlchemy'. Required for "
        "official and third-party levels; empty for every other level.",
    )
    via_url = models.URLField(
        "extension link",
        max_length=300,
        blank=True,
        help_text="Where the package lives. Empty unless an extension is named.",
    )
    note = models.CharField(
        max_length=300, blank=True, help_text="A caveat shown under the cell in feature grids."
    )

    objects = SupportQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["framework__slug", "feature__category__order", "feature__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "feature"], name="support_one_per_framework_feature"
            ),
            models.CheckConstraint(
                condition=(Q(level__in=["official-extension", "third-party"]) & ~Q(via=""))
                | (~Q(level__in=["official-extension", "third-party"]) & Q(via="", via_url="")),
                name="support_extension_matches_level",
                violation_error_message="Official and third-party levels name their "
                "extension; every other level names none.",
            ),
        ]

    def __str__(self):
        return f"{self.framework} · {self.feature}: {self.get_level_display()}"

    def clean(self):
        super().clean()
        problem = self.extension_problem()
        if problem:
            raise ValidationError({"via": problem})

    def validate_constraints(self, exclude=None):
        # clean() reports the extension rule against its field; don't say it twice.
        super().validate_constraints(exclude={*(exclude or ()), "via"})

    def extension_problem(self):
        """Why the level and the extension contradict each other, or ''."""
        if self.level in self.EXTENSION_LEVELS and not self.via:
            return f"“{self.get_level_display()}” needs the extension's name."
        if self.level not in self.EXTENSION_LEVELS and (self.via or self.via_url):
            return (
                f"“{self.get_level_display()}” names no extension: clear the extension "
                "and its link, or choose an official or third-party level."
            )
        return ""

    def natural_key(self):
        return (self.framework.slug, self.feature.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.feature"]


@content
class Trait(SluggedModel):
    """A qualitative row of a side-by-side table ("Learning curve")."""

    description = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the row compares, for editors; not shown to readers.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position of the row in side-by-side tables (lowest first)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]


class TraitValueQuerySet(FactQuerySet):
    related = ("trait",)

    def get_by_natural_key(self, framework, trait):
        return self.get(framework__slug=framework, trait__slug=trait)


@content
class TraitValue(Assessable, Fact):
    PLACEHOLDER = {"value": ""}
    row_field = "trait"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="traits")
    trait = models.ForeignKey(Trait, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(
        max_length=200,
        blank=True,
        help_text="The table cell, short: 'Gentle', 'Jinja2', 'Decorators'. Empty: not "
        "checked yet (never shown to readers).",
    )

    objects = TraitValueQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["trait__order", "framework__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "trait"], name="trait_value_one_per_framework_trait"
            ),
        ]

    def __str__(self):
        return f"{self.framework} · {self.trait}: {self.value or 'not checked yet'}"

    def natural_key(self):
        return (self.framework.slug, self.trait.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.trait"]


@content
class UseCase(SluggedModel):
    summary = models.CharField(
        max_length=200, help_text="One line on what is being built. Shown in lists and search."
    )
    description = MarkdownField(
        blank=True,
        help_text="Longer text for the use-case page, in Markdown.",
        validators=[MarkdownLengthValidator(20_000)],  # none shipped
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")

    objects = GridRowQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def get_absolute_url(self):
        return slug_url("comparisons:use_case", self.slug)


class FitQuerySet(FactQuerySet):
    related = ("use_case",)

    def get_by_natural_key(self, framework, use_case):
        return self.get(framework__slug=framework, use_case__slug=use_case)


@content
class Fit(Assessable, Fact):
    """How well a framework suits a use case, and why."""

    class Level(models.IntegerChoices):
        STRONG = 3, "Strong fit"
        GOOD = 2, "Good fit"
        WORKABLE = 1, "Workable"
        POOR = 0, "Poor fit"
        __empty__ = "Not checked yet"

    PLACEHOLDER = {"level": None}
    row_field = "use_case"

    basis = models.CharField(  # a fit is a judgement, unless a source says it outright
        max_length=10,
        choices=Basis,
        default=Basis.ASSESSMENT,
        help_text=Assessable._meta.get_field("basis").help_text,
    )

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="fits")
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="fits")
    level = models.PositiveSmallIntegerField(
        choices=Level,
        null=True,
        blank=True,
        help_text="Use-case pages list frameworks best fit first. Empty: not checked yet "
        "(never shown to readers).",
    )
    rationale = models.TextField(
        blank=True, help_text="Why, in one or two sentences a reader will see."
    )

    objects = FitQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["use_case__order", "-level", "framework__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "use_case"], name="fit_one_per_framework_use_case"
            ),
            models.CheckConstraint(condition=Q(level__lte=3), name="fit_level_in_range"),
        ]

    def __str__(self):
        return f"{self.framework} for {self.use_case}: {self.get_level_display()}"

    def clean(self):
        super().clean()
        if self.level is not None and not self.rationale.strip():
            raise ValidationError({"rationale": "Say why, in a sentence readers will see."})

    def natural_key(self):
        return (self.framework.slug, self.use_case.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.usecase"]


@content
class Company(SluggedModel):
    website = models.URLField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "companies"


class AdoptionQuerySet(FactQuerySet):
    related = ("company",)

    def get_by_natural_key(self, company, framework):
        return self.get(company__slug=company, framework__slug=framework)


@content
class Adoption(Fact):
    """A company's documented use of a framework."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="adoptions")
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="adoptions")
    how = models.CharField(
        max_length=250,
        help_text="What the company uses it for, as the source shows it: "
        "'The Firefox add-ons site (addons.mozilla.org)'.",
    )

    objects = AdoptionQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["company__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "framework"], name="adoption_one_per_company_framework"
            ),
        ]

    def __str__(self):
        return f"{self.company} uses {self.framework}"

    def natural_key(self):
        return (self.company.slug, self.framework.slug)

    natural_key.dependencies = ["comparisons.company", "comparisons.framework"]


class ProConQuerySet(FactQuerySet):
    related = ()

    def get_by_natural_key(self, framework, kind, order):
        return self.get(framework__slug=framework, kind=kind, order=order)


@content
class ProCon(Assessable, Fact):
    class Kind(models.TextChoices):
        PRO = "pro", "Pro"
        CON = "con", "Con"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="pros_cons")
    kind = models.CharField(max_length=3, choices=Kind)
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in its list.")
    title = models.CharField(max_length=120, help_text="A short headline: 'Admin out of the box'.")
    detail = models.CharField(max_length=400, help_text="One or two sentences explaining it.")

    objects = ProConQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta:
        ordering = ["framework__name", "kind", "order"]
        verbose_name = "pro or con"
        verbose_name_plural = "pros and cons"
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "kind", "order"], name="procon_unique_position"
            ),
        ]

    def __str__(self):
        return f"{self.framework} {self.kind}: {self.title}"

    def natural_key(self):
        return (self.framework.slug, self.kind, self.order)

    natural_key.dependencies = ["comparisons.framework"]


class ArticleQuerySet(PublishableQuerySet):
    def published(self):
        """Articles readers see: published, their time come, and comparing two to four
        frameworks that readers see too. An article whose framework went back to draft,
        or goes live later than the article, stays hidden until that framework is live.
        """
        entries = ArticleFramework.objects.filter(article=models.OuterRef("pk")).order_by()
        hidden = entries.exclude(framework__in=Framework.objects.published())
        compared = entries.values("article").annotate(n=models.Count("pk")).values("n")
        return (
            super()
            .published()
            .filter(~models.Exists(hidden))
            .alias(frameworks_compared=models.Subquery(compared))
            .filter(frameworks_compared__gte=ArticleFramework.MIN_FRAMEWORKS)
        )

    def covering(self, frameworks):
        """Articles that compare exactly this set of frameworks."""
        ids = [framework.pk for framework in frameworks]
        return (
            self.annotate(
                compared=models.Count("entries", distinct=True),
                matching=models.Count(
                    "entries", filter=Q(entries__framework__in=ids), distinct=True
                ),
            )
            .filter(compared=len(ids), matching=len(ids))
            .prefetch_related("faq", "entries")
        )

    def for_listing(self):
        return self.prefetch_related("entries__framework")


@content
class Article(models.Model):
    """An editorial comparison: prose around the tables that are built from data."""

    title = models.CharField(max_length=160, help_text="The headline: 'Django vs Flask'.")
    slug = models.SlugField(max_length=160, unique=True)
    lede = models.TextField(
        help_text="The opening paragraph, plain text. Also the default share text."
    )
    body = MarkdownField(
        help_text="The editorial text in Markdown. Tables, feature grids, use cases, "
        "companies and pros/cons are added from data; do not type them here.",
        validators=[MarkdownLengthValidator(MAX_MARKDOWN_CHARS)],  # the longest shipped: 3,993
    )
    verdict = MarkdownField(
        help_text="The closing recommendation in Markdown, shown in a box after the tables.",
        validators=[MarkdownLengthValidator(5_000)],  # the longest shipped: 301
    )
    seo_description = models.CharField(
        "SEO description",
        max_length=160,
        help_text="Up to 160 characters for search results and link previews.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the article went live. Filled in for you when you publish.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ArticleQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_at__isnull=False),
                name="article_published_has_date",
                violation_error_message="A published article needs a publish date.",
            ),
        ]

    def __str__(self):
        return self.title

    def save(self, **kwargs):
        _save_with_publish_time(self, super().save, kwargs)

    def get_absolute_url(self):
        entries = sorted(self.entries.all(), key=lambda entry: entry.position)
        slugs = [entry.framework.slug for entry in entries]
        return reverse("comparisons:compare", kwargs={"slugs": "-vs-".join(slugs)})

    def natural_key(self):
        return (self.slug,)

    @property
    def is_live(self):
        return self.status == Status.PUBLISHED and self.published_at <= timezone.now()

    @property
    def frameworks(self):
        """The compared frameworks in page order (uses prefetched entries)."""
        return [e.framework for e in sorted(self.entries.all(), key=lambda e: e.position)]


class ArticleFrameworkQuerySet(models.QuerySet):
    def get_by_natural_key(self, article, framework):
        return self.get(article__slug=article, framework__slug=framework)


@content
class ArticleFramework(models.Model):
    """One framework in an article, at its position (the page's column order)."""

    MIN_FRAMEWORKS = 2
    MAX_FRAMEWORKS = 4

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="entries")
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="article_entries"
    )
    position = models.PositiveSmallIntegerField(
        help_text="Column order on the page, 1 to 4. Also the order in the URL."
    )

    objects = ArticleFrameworkQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "position"]
        verbose_name = "compared framework"
        constraints = [
            models.UniqueConstraint(fields=["article", "framework"], name="article_framework_once"),
            models.UniqueConstraint(
                fields=["article", "position"], name="article_framework_position_once"
            ),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=4),
                name="article_framework_at_most_four",
                violation_error_message="An article compares at most four frameworks.",
            ),
        ]

    def __str__(self):
        return f"{self.article}: {self.position}. {self.framework}"

    def clean(self):
        super().clean()
        try:  # the admin validates rows of an article it has not saved yet
            article, framework = self.article, self.framework
        except (Article.DoesNotExist, Framework.DoesNotExist):
            return  # reported as a missing field
        problems = publishing_problems(article, [framework])
        if problems:
            raise ValidationError({"framework": problems})

    def natural_key(self):
        return (self.article.slug, self.framework.slug)

    natural_key.dependencies = ["comparisons.article", "comparisons.framework"]


def publishing_problems(article, frameworks):
    """Why ``article`` cannot be published comparing ``frameworks``: a sentence for each
    framework readers would not see by the time the article goes live ([] if none).

    Readers never see an article about a framework they cannot see; public queries
    leave such an article out anyway (``ArticleQuerySet.published``).
    """
    if article.status != Status.PUBLISHED:
        return []
    goes_live = article.published_at or timezone.now()
    problems = []
    for framework in frameworks:
        if framework.status != Status.PUBLISHED:
            problems.append(
                f"“{framework.name}” is a draft, so readers cannot see an article about it. "
                "Publish the framework first, or keep this article a draft."
            )
        elif framework.published_at and framework.published_at > goes_live:
            when = timezone.localtime(framework.published_at)
            problems.append(
                f"“{framework.name}” goes live on {when:%-d %B %Y at %H:%M}, after this "
                "article would. Publish the article no earlier than that."
            )
    return problems


def validate_framework_count(count):
    """An article compares two to four frameworks; raise otherwise."""
    if not ArticleFramework.MIN_FRAMEWORKS <= count <= ArticleFramework.MAX_FRAMEWORKS:
        raise ValidationError(
            f"An article compares {ArticleFramework.MIN_FRAMEWORKS} to "
            f"{ArticleFramework.MAX_FRAMEWORKS} frameworks; this one has {count}."
        )


class FaqEntryQuerySet(models.QuerySet):
    def get_by_natural_key(self, article, order):
        return self.get(article__slug=article, order=order)


@content
class FaqEntry(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faq")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(max_length=200)
    answer = MarkdownField(
        help_text="Markdown. Also published as FAQ structured data.",
        validators=[MarkdownLengthValidator(5_000)],  # the longest shipped: 253
    )

    objects = FaqEntryQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["article", "order"]
        verbose_name = "FAQ entry"
        verbose_name_plural = "FAQ entries"
        constraints = [
            models.UniqueConstraint(fields=["article", "order"], name="faq_unique_position"),
        ]

    def __str__(self):
        return self.question

    def natural_key(self):
        return (self.article.slug, self.order)

    natural_key.dependencies = ["comparisons.article"]


FACT_MODELS = [Framework, Support, TraitValue, Fit, Adoption, ProCon]
# Facts with one row per framework and feature, trait or use case (``row_field``).
GRID_MODELS = [Support, TraitValue, Fit]


def add_placeholders(model, frameworks, rows):
    """Give each of ``frameworks`` a "not checked yet" ``model`` row for each of ``rows``.

    A new framework gets one per feature, trait and use case, a new feature one
    per framework, so the matrix shows every cell to fill and nothing is
    shown to readers until an editor fills it.
    """
    bulk_create_with_history(
        [
            model(framework=framework, verified_on=None, **{model.row_field: row},
                  **model.PLACEHOLDER)
            for framework in frameworks
            for row in rows
        ],
        model,
    )  # fmt: skip


class Verification(models.Model):
    """One check of some facts against a source: who, when, against what, and a note.

    A fact's ``verified_on`` is the day of its latest check; these rows are the
    evidence behind it, shown in the framework's timeline. One check covers every
    fact an editor ticked together (or a machine check's run), so recording
    hundreds costs a handful of queries.
    """

    class Method(models.TextChoices):
        EDITOR = "editor", "By an editor"
        MACHINE = "machine", "Automatically"

    checked_at = models.DateTimeField(default=timezone.now)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifications",
    )
    method = models.CharField(max_length=10, choices=Method, default=Method.EDITOR)
    source = models.ForeignKey(
        Source,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="verifications",
        help_text="The document the facts were checked against.",
    )
    note = models.CharField(
        max_length=200, blank=True, help_text="Where exactly, e.g. 'Quart docs, extensions page'."
    )

    class Meta:
        ordering = ["-checked_at"]

    def __str__(self):
        who = self.checked_by or self.get_method_display().lower()
        return f"Checked {self.checked_at:%Y-%m-%d} by {who}"


class VerifiedFactQuerySet(models.QuerySet):
    def of_facts(self, facts_by_model):
        """The checks of the given rows: ``{model: [pk, ...]}`` (one query)."""
        types = ContentType.objects.get_for_models(*facts_by_model)
        condition = Q(pk__in=[])
        for model, pks in facts_by_model.items():
            condition |= Q(fact_type=types[model], fact_id__in=pks)
        return self.filter(condition)


class VerifiedFact(models.Model):
    """A fact one verification covered."""

    verification = models.ForeignKey(Verification, on_delete=models.CASCADE, related_name="facts")
    fact_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    fact_id = models.PositiveBigIntegerField()
    fact = GenericForeignKey("fact_type", "fact_id")

    objects = VerifiedFactQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["fact_type", "fact_id"])]

    def __str__(self):
        return f"{self.fact_type.model} {self.fact_id}: {self.verification}"
