import datetime

import factory

from comparisons import models


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    slug = factory.Sequence(lambda n: f"source-{n}")
    title = factory.Sequence(lambda n: f"Source {n}")
    url = factory.Sequence(lambda n: f"https://example.org/source/{n}")


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Framework

    name = factory.Sequence(lambda n: f"Framework {n}")
    slug = factory.Sequence(lambda n: f"framework-{n}")
    kind = models.Framework.Kind.MICRO
    summary = "A framework used in tests."
    first_released = datetime.date(2015, 1, 1)
    creators = "Test Author"
    license = "MIT"
    homepage = "https://example.org/"
    status = models.Status.PUBLISHED
    published_at = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)


class FeatureCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FeatureCategory

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class FeatureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Feature

    name = factory.Sequence(lambda n: f"Feature {n}")
    slug = factory.Sequence(lambda n: f"feature-{n}")
    category = factory.SubFactory(FeatureCategoryFactory)


class SupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Support

    framework = factory.SubFactory(FrameworkFactory)
    feature = factory.SubFactory(FeatureFactory)
    level = models.Support.Level.BUILT_IN


class TraitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Trait

    name = factory.Sequence(lambda n: f"Trait {n}")
    slug = factory.Sequence(lambda n: f"trait-{n}")


class TraitValueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.TraitValue

    framework = factory.SubFactory(FrameworkFactory)
    trait = factory.SubFactory(TraitFactory)
    value = "Gentle"


class UseCaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.UseCase

    name = factory.Sequence(lambda n: f"Use case {n}")
    slug = factory.Sequence(lambda n: f"use-case-{n}")
    summary = "Something people build."


class FitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Fit

    framework = factory.SubFactory(FrameworkFactory)
    use_case = factory.SubFactory(UseCaseFactory)
    level = models.Fit.Level.GOOD
    rationale = "Because it does."


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Company

    name = factory.Sequence(lambda n: f"Company {n}")
    slug = factory.Sequence(lambda n: f"company-{n}")


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Adoption

    framework = factory.SubFactory(FrameworkFactory)
    company = factory.SubFactory(CompanyFactory)
    how = "Runs its website on it."


class ProConFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ProCon

    framework = factory.SubFactory(FrameworkFactory)
    kind = models.ProCon.Kind.PRO
    order = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Point {n}")
    detail = "A sentence about it."


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lede = "A lede."
    body = "Some **body**."
    verdict = "A verdict."
    seo_description = "A description."


def build_catalogue(frameworks=12, categories=6, features_per_category=10, traits=15,
                    use_cases=25, companies=40, pros_cons=6):  # fmt: skip
    """A catalogue several times the size of the initial content, every fact sourced.

    Rows are bulk-created so query-budget tests stay quick. Returns the frameworks.
    """
    sources = models.Source.objects.bulk_create(
        models.Source(slug=f"big-source-{i}", title=f"Big source {i}", url=f"https://e.org/{i}")
        for i in range(30)
    )
    fws = models.Framework.objects.bulk_create(
        FrameworkFactory.build(name=f"Bigframe {i:02}", slug=f"bigframe-{i:02}")
        for i in range(frameworks)
    )
    cats = models.FeatureCategory.objects.bulk_create(
        models.FeatureCategory(name=f"Big category {i}", slug=f"big-category-{i}", order=10 + i)
        for i in range(categories)
    )
    features = models.Feature.objects.bulk_create(
        models.Feature(
            name=f"Big feature {c}-{i}",
            slug=f"big-feature-{c}-{i}",
            category=cat,
            order=i,
            in_summary=i == 0,
        )  # fmt: skip
        for c, cat in enumerate(cats)
        for i in range(features_per_category)
    )
    trait_rows = models.Trait.objects.bulk_create(
        models.Trait(name=f"Big trait {i}", slug=f"big-trait-{i}", order=50 + i)
        for i in range(traits)
    )
    case_rows = models.UseCase.objects.bulk_create(
        models.UseCase(name=f"Big use {i}", slug=f"big-use-{i}", summary="A use.", order=50 + i)
        for i in range(use_cases)
    )
    company_rows = models.Company.objects.bulk_create(
        models.Company(name=f"Bigco {i}", slug=f"bigco-{i}") for i in range(companies)
    )
    facts = [
        models.Support.objects.bulk_create(
            models.Support(framework=f, feature=feat, level="third-party", via="pkg")
            for f in fws
            for feat in features
        ),
        models.TraitValue.objects.bulk_create(
            models.TraitValue(framework=f, trait=t, value="Some value")
            for f in fws
            for t in trait_rows
        ),
        models.Fit.objects.bulk_create(
            models.Fit(framework=f, use_case=u, level=(i + j) % 4, rationale="Because.")
            for i, f in enumerate(fws)
            for j, u in enumerate(case_rows)
        ),
        models.Adoption.objects.bulk_create(
            models.Adoption(company=c, framework=fws[i % len(fws)], how="Uses it.")
            for i, c in enumerate(company_rows)
        ),
        models.ProCon.objects.bulk_create(
            models.ProCon(framework=f, kind=kind, order=i, title="Point", detail="Detail.")
            for f in fws
            for kind in ("pro", "con")
            for i in range(pros_cons)
        ),
    ]
    facts.append(fws)  # profiles cite sources too
    for rows in facts:
        through = rows[0].sources.through
        owner = rows[0]._meta.model_name
        through.objects.bulk_create(
            through(**{f"{owner}_id": row.pk, "source_id": sources[(row.pk + k) % 30].pk})
            for row in rows
            for k in range(2)
        )
    return fws


class FaqEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.FaqEntry

    article = factory.SubFactory(ArticleFactory)
    order = factory.Sequence(lambda n: n + 1)
    question = factory.Sequence(lambda n: f"Question {n}?")
    answer = "An answer."


def framework_with_facts(sources=2, **kwargs):
    """A published framework with two pros, a con, a user, a support row, a trait and a fit,
    each citing ``sources`` sources."""
    framework = FrameworkFactory(**kwargs)
    cited = SourceFactory.create_batch(sources)
    framework.sources.set(cited)
    rows = [
        ProConFactory(framework=framework, kind="pro", order=1),
        ProConFactory(framework=framework, kind="pro", order=2),
        ProConFactory(framework=framework, kind="con", order=1),
        AdoptionFactory(framework=framework),
        SupportFactory(framework=framework),
        TraitValueFactory(framework=framework),
        FitFactory(framework=framework),
    ]
    for row in rows:
        row.sources.set(cited)
    return framework
