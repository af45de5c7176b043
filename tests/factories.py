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


# --- A small published site, for code tests that need one --------------------------------


def build_site():
    """A small site built from factories: what code tests use instead of the initial content.

    Five published frameworks (alpha ... epsilon), two feature categories, two traits,
    two use cases, users, pros and cons, every fact sourced, and a published article
    "Alpha vs Beta" with a body, a verdict and an FAQ. Returns a namespace of the rows.
    """
    from types import SimpleNamespace

    site = SimpleNamespace()
    site.docs = SourceFactory(title="Alpha docs: databases", publisher="Alpha",
                              url="https://alpha.example/docs/databases/")  # fmt: skip
    site.changelog = SourceFactory(title="Beta changelog", publisher="Beta",
                                   url="https://beta.example/changes/")  # fmt: skip
    names = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    site.frameworks = [
        FrameworkFactory(
            name=name, slug=name.lower(), first_released=datetime.date(2005 + n, 4, 16),
            creators=f"{name} team", license="MIT", current_version=f"{n + 1}.0",
            kind=models.Framework.Kind.FULL_STACK if n == 0 else models.Framework.Kind.MICRO,
            summary=f"{name} is a framework used in tests; it mentions Alpha.",
        )
        for n, name in enumerate(names)
    ]  # fmt: skip
    site.alpha, site.beta, site.gamma, site.delta, site.epsilon = site.frameworks
    for framework in site.frameworks:
        framework.sources.add(site.docs)
    data = FeatureCategoryFactory(name="Data", slug="data", order=1)
    security = FeatureCategoryFactory(name="Security", slug="security", order=2)
    site.orm = FeatureFactory(name="ORM", slug="orm", category=data, in_summary=True,
                              description="Maps classes to tables.")  # fmt: skip
    site.admin = FeatureFactory(name="Admin panel", slug="admin-panel", category=data, order=1)
    site.csrf = FeatureFactory(name="CSRF protection", slug="csrf-protection", category=security)
    levels = {  # framework: (orm, admin, csrf)
        "alpha": ("built-in", "built-in", "built-in"),
        "beta": ("official-extension", "official-extension", "third-party"),
        "gamma": ("third-party", "third-party", "none"),
        "delta": ("none", "none", "none"),
        "epsilon": ("third-party", "none", "built-in"),
    }
    for framework in site.frameworks:
        for feature, level in zip((site.orm, site.admin, site.csrf), levels[framework.slug],
                                  strict=True):  # fmt: skip
            named = level in ("official-extension", "third-party")
            support = SupportFactory(
                framework=framework, feature=feature, level=level,
                via=f"{framework.name}-{feature.name.split()[0]}" if named else "",
                via_url=f"https://pkg.example/{framework.slug}-{feature.slug}" if named else "",
                verified_on=datetime.date(2026, 3, 1),
            )  # fmt: skip
            support.sources.add(site.docs)
    site.template_engine = TraitFactory(name="Template engine", slug="template-engine", order=0)
    site.learning = TraitFactory(name="Learning curve", slug="learning-curve", order=1)
    for framework in site.frameworks:
        TraitValueFactory(
            framework=framework, trait=site.template_engine, value=f"{framework.name} templates"
        ).sources.add(site.docs)
        TraitValueFactory(framework=framework, trait=site.learning, value="Gentle",
                          basis="assessment", evidence="Its tutorial is short.")  # fmt: skip
    site.cms = UseCaseFactory(name="Content management", slug="cms", order=0)
    site.realtime = UseCaseFactory(name="Real-time apps", slug="realtime", order=1)
    for n, framework in enumerate(site.frameworks):
        FitFactory(
            framework=framework,
            use_case=site.cms,
            level=3 - min(n, 3),
            rationale=f"{framework.name} for content.",
        ).sources.add(site.docs)
        FitFactory(framework=framework, use_case=site.realtime, level=min(n, 3),
                   rationale=f"{framework.name} for live updates.")  # fmt: skip
    site.bigco = CompanyFactory(name="Bigco", slug="bigco", website="https://bigco.example/")
    AdoptionFactory(company=site.bigco, framework=site.alpha,
                    how="Runs its shop on it.").sources.add(site.changelog)  # fmt: skip
    AdoptionFactory(company=CompanyFactory(name="Smallco", slug="smallco"), framework=site.beta,
                    how="Runs its API on it.").sources.add(site.changelog)  # fmt: skip
    for framework in (site.alpha, site.beta):
        for kind, order, title in [("pro", 1, "Batteries included"), ("pro", 2, "Good docs"),
                                   ("con", 1, "Heavy")]:  # fmt: skip
            ProConFactory(
                framework=framework,
                kind=kind,
                order=order,
                title=title,
                detail=f"{framework.name}: {title.lower()}.",
            ).sources.add(site.docs)
    site.article = ArticleFactory(
        title="Alpha vs Beta", slug="alpha-vs-beta", lede="Alpha is big; Beta is small.",
        body="## Learning curve\n\nAlpha asks for more **up front**.", verdict="Pick Alpha.",
        seo_description="Alpha or Beta?", status=models.Status.PUBLISHED,
        published_at=datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC),
    )  # fmt: skip
    for position, framework in enumerate((site.alpha, site.beta), 1):
        models.ArticleFramework.objects.create(
            article=site.article, framework=framework, position=position
        )
    FaqEntryFactory(article=site.article, order=1, question="Can one project use both?",
                    answer="Yes, **behind one proxy**.")  # fmt: skip
    FaqEntryFactory(article=site.article, order=2, question="Which is faster?",
                    answer="It depends.")  # fmt: skip
    return site


# --- The quiz ----------------------------------------------------------------------------


def build_quiz(frameworks):
    """A three-question quiz over ``frameworks`` (at least three), with known weights.

    experience (required): new | seasoned; project: api | site; style: freedom | rules.
    Scores: new + site -> frameworks[0]; seasoned + api -> frameworks[1]; style freedom
    adds 2 to frameworks[2]. Advice attaches to "new". Returns the questions by slug.
    """
    from recommender.models import Advice, Choice, Question, Weight

    first, second, third = frameworks[:3]
    questions = {}
    spec = [
        ("experience", "How much Python do you know?", True,
         [("new", "I'm new", "You are new"),
          ("seasoned", "I've shipped apps", "You have shipped")]),
        ("project", "What are you building?", False,
         [("api", "An API", "You are building an API"),
          ("site", "A site", "You want a site")]),
        ("style", "How do you like to work?", False,
         [("freedom", "My own way", "You like freedom"),
          ("rules", "Conventions", "You like rules")]),
    ]  # fmt: skip
    for order, (slug, prompt, required, choices) in enumerate(spec, 1):
        question = Question.objects.create(slug=slug, prompt=prompt, required=required,
                                           order=order)  # fmt: skip
        for n, (choice, label, summary) in enumerate(choices, 1):
            Choice.objects.create(question=question, slug=choice, label=label, summary=summary,
                                  order=n)  # fmt: skip
        questions[slug] = question

    def weigh(question, choice, framework, points, reason):
        Weight.objects.create(choice=questions[question].choices.get(slug=choice),
                              framework=framework, points=points, reason=reason)  # fmt: skip

    weigh("experience", "new", first, 3, f"{first.name} is gentle")
    weigh("experience", "seasoned", second, 3, f"{second.name} rewards experience")
    weigh("project", "site", first, 2, f"{first.name} builds sites")
    weigh("project", "api", second, 2, f"{second.name} builds APIs")
    weigh("style", "freedom", third, 2, f"{third.name} leaves choices to you")
    weigh("style", "rules", first, 1, f"{first.name} has conventions")
    Advice.objects.create(choice=questions["experience"].choices.get(slug="new"), order=1,
                          note="Learn Python basics first.")  # fmt: skip
    return questions
