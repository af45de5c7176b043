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


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Article

    title = factory.Sequence(lambda n: f"Article {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    lede = "A lede."
    body = "Some **body**."
    verdict = "A verdict."
    seo_description = "A description."
