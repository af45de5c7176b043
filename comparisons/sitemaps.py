import itertools

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Article, Feature, Framework, UseCase
from .views import compare_url


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "comparisons:home",
            "comparisons:frameworks",
            "comparisons:compare_index",
            "comparisons:features",
            "comparisons:use_cases",
            "comparisons:data",
            "comparisons:about",
            "comparisons:sources_policy",
            "recommender:quiz",
        ]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        if not hasattr(self, "_latest"):
            latest = Framework.objects.published().order_by("-updated_at").first()
            self._latest = latest.updated_at if latest else None
        return self._latest


class FrameworkSitemap(Sitemap):
    def items(self):
        return Framework.objects.published()

    def lastmod(self, item):
        return item.updated_at


class ComparisonSitemap(Sitemap):
    """Every editorial article, plus every pair of published frameworks."""

    def items(self):
        frameworks = list(Framework.objects.published().order_by("slug"))
        articles = list(Article.objects.published().for_listing())
        covered = {frozenset(f.pk for f in a.frameworks) for a in articles}
        items = [(a.get_absolute_url(), a.updated_at) for a in articles]
        for pair in itertools.combinations(frameworks, 2):
            if frozenset(f.pk for f in pair) not in covered:
                items.append((compare_url(pair), max(f.updated_at for f in pair)))
        return items

    def location(self, item):
        return item[0]

    def lastmod(self, item):
        return item[1]


class FeatureSitemap(Sitemap):
    def items(self):
        return Feature.objects.public()

    def lastmod(self, item):
        return item.updated_at


class UseCaseSitemap(Sitemap):
    def items(self):
        return UseCase.objects.public()

    def lastmod(self, item):
        return item.updated_at


SITEMAPS = {
    "pages": StaticSitemap,
    "frameworks": FrameworkSitemap,
    "comparisons": ComparisonSitemap,
    "features": FeatureSitemap,
    "use-cases": UseCaseSitemap,
}
