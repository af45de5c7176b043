"""The facts behind every comparison: frameworks, features, traits, use cases,
companies, sources, and the editorial articles written around them.

Each fact lives in exactly one row, and every fact row (``Fact`` subclasses and
``Framework`` itself) says where it comes from (``sources``) and when an editor
last checked it (``verified_on``). Pages and open-data files read these rows;
nothing is typed into prose twice.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from markdownx.models import MarkdownxField
from simple_history.models import HistoricalRecords

VERIFIED_HELP = "The day an editor last checked this fact against its sources."
SOURCES_HELP = "Where this fact can be checked. Readers see these as numbered citations."


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

    objects = SlugQuerySet.as_manager()

    history = HistoricalRecords()

    class Meta:
        ordering = ["title"]

    def __str__(self):
        return f"{self.title} ({self.publisher})" if self.publisher else self.title

    def natural_key(self):
        return (self.slug,)


class FactQuerySet(models.QuerySet):
    """Fact rows for a page: the rows of some frameworks, with what they cite."""

    related = ()

    def for_frameworks(self, frameworks):
        return (
            self.filter(framework__in=frameworks)
            .select_related(*self.related)
            .prefetch_related("sources")
        )


class Fact(models.Model):
    """Fields every fact row shares: its citations and its last check."""

    sources = models.ManyToManyField(
        Source, blank=True, related_name="%(class)s_facts", help_text=SOURCES_HELP
    )
    verified_on = models.DateField(default=timezone.localdate, help_text=VERIFIED_HELP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class FrameworkQuerySet(SlugQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


class Framework(SluggedModel, Fact):
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
        blank=True, help_text="The profile's longer text, in Markdown. Shown on the profile page."
    )
    first_released = models.DateField(
        help_text="Date of the first public release (cite the changelog or release notes)."
    )
    creators = models.CharField(max_length=200, help_text="People who created it, comma-separated.")
    license = models.CharField(max_length=60, help_text="SPDX identifier, e.g. 'BSD-3-Clause'.")
    homepage = models.URLField(max_length=300)
    docs_url = models.URLField("documentation", max_length=300, blank=True)
    repository_url = models.URLField("repository", max_length=300, blank=True)
    current_version = models.CharField(
        max_length=30, blank=True, help_text="Latest stable release when last verified."
    )
    status = models.CharField(
        max_length=10,
        choices=Status,
        default=Status.DRAFT,
        help_text="Only published frameworks appear on the site, in comparisons and in data.",
    )

    objects = FrameworkQuerySet.as_manager()

    history = HistoricalRecords(m2m_fields=["sources"])

    class Meta(SluggedModel.Meta):
        pass

    def get_absolute_url(self):
        return reverse("comparisons:framework", kwargs={"slug": self.slug})


class FeatureCategory(SluggedModel):
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Position of this group in feature grids (lowest first)."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "feature categories"


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

    history = HistoricalRecords()

    class Meta:
        ordering = ["category__order", "order", "name"]

    def get_absolute_url(self):
        return reverse("comparisons:feature", kwargs={"slug": self.slug})


class SupportQuerySet(FactQuerySet):
    related = ("framework", "feature__category")

    def get_by_natural_key(self, framework, feature):
        return self.get(framework__slug=framework, feature__slug=feature)


class Support(Fact):
    """How one framework provides one feature."""

    class Level(models.TextChoices):
        BUILT_IN = "built-in", "Built in"
        OFFICIAL = "official-extension", "Official extension"
        THIRD_PARTY = "third-party", "Third-party package"
        NONE = "none", "Not available"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="supports")
    feature = models.ForeignKey(Feature, on_delete=models.CASCADE, related_name="supports")
    level = models.CharField(
        max_length=20,
        choices=Level,
        help_text=(
            "Built in: ships with the framework. Official extension: maintained by the "
            "framework's own project or its ecosystem organisation. Third-party: a separate "
            "community package. Not available: you write it yourself."
        ),
    )
    via = models.CharField(
        max_length=100,
        blank=True,
        help_text="The package or module that provides it, e.g. 'Flask-SQLAlchemy'. "
        "Required for extensions.",
    )
    via_url = models.URLField(
        "via link", max_length=300, blank=True, help_text="Where the package lives."
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
                condition=Q(level__in=["built-in", "none"]) | ~Q(via=""),
                name="support_extension_is_named",
                violation_error_message="Name the extension that provides this feature.",
            ),
        ]

    def __str__(self):
        return f"{self.framework} · {self.feature}: {self.get_level_display()}"

    def natural_key(self):
        return (self.framework.slug, self.feature.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.feature"]


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
    related = ("framework", "trait")

    def get_by_natural_key(self, framework, trait):
        return self.get(framework__slug=framework, trait__slug=trait)


class TraitValue(Fact):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="traits")
    trait = models.ForeignKey(Trait, on_delete=models.CASCADE, related_name="values")
    value = models.CharField(
        max_length=200, help_text="The table cell, short: 'Gentle', 'Jinja2', 'Decorators'."
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
        return f"{self.framework} · {self.trait}: {self.value}"

    def natural_key(self):
        return (self.framework.slug, self.trait.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.trait"]


class UseCase(SluggedModel):
    summary = models.CharField(
        max_length=200, help_text="One line on what is being built. Shown in lists and search."
    )
    description = MarkdownField(
        blank=True, help_text="Longer text for the use-case page, in Markdown."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Position in lists.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "name"]

    def get_absolute_url(self):
        return reverse("comparisons:use_case", kwargs={"slug": self.slug})


class FitQuerySet(FactQuerySet):
    related = ("framework", "use_case")

    def get_by_natural_key(self, framework, use_case):
        return self.get(framework__slug=framework, use_case__slug=use_case)


class Fit(Fact):
    """How well a framework suits a use case, and why."""

    class Level(models.IntegerChoices):
        STRONG = 3, "Strong fit"
        GOOD = 2, "Good fit"
        WORKABLE = 1, "Workable"
        POOR = 0, "Poor fit"

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="fits")
    use_case = models.ForeignKey(UseCase, on_delete=models.CASCADE, related_name="fits")
    level = models.PositiveSmallIntegerField(
        choices=Level, help_text="Use-case pages list frameworks best fit first."
    )
    rationale = models.TextField(help_text="Why, in one or two sentences a reader will see.")

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

    def natural_key(self):
        return (self.framework.slug, self.use_case.slug)

    natural_key.dependencies = ["comparisons.framework", "comparisons.usecase"]


class Company(SluggedModel):
    website = models.URLField(max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta(SluggedModel.Meta):
        verbose_name_plural = "companies"


class AdoptionQuerySet(FactQuerySet):
    related = ("framework", "company")

    def get_by_natural_key(self, company, framework):
        return self.get(company__slug=company, framework__slug=framework)


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
    related = ("framework",)

    def get_by_natural_key(self, framework, kind, order):
        return self.get(framework__slug=framework, kind=kind, order=order)


class ProCon(Fact):
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


class ArticleQuerySet(SlugQuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

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


class Article(models.Model):
    """An editorial comparison: prose around the tables that are built from data."""

    title = models.CharField(max_length=160, help_text="The headline: 'Django vs Flask'.")
    slug = models.SlugField(max_length=160, unique=True)
    lede = models.TextField(
        help_text="The opening paragraph, plain text. Also the default share text."
    )
    body = MarkdownField(
        help_text="The editorial text in Markdown. Tables, feature grids, use cases, "
        "companies and pros/cons are added from data; do not type them here."
    )
    verdict = MarkdownField(
        help_text="The closing recommendation in Markdown, shown in a box after the tables."
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

    def natural_key(self):
        return (self.article.slug, self.framework.slug)

    natural_key.dependencies = ["comparisons.article", "comparisons.framework"]


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


class FaqEntry(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="faq")
    order = models.PositiveSmallIntegerField(default=0)
    question = models.CharField(max_length=200)
    answer = MarkdownField(help_text="Markdown. Also published as FAQ structured data.")

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
