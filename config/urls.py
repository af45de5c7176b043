from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from comparisons.sitemaps import SITEMAPS
from pagecache.caching import reader_cache

urlpatterns = [
    path("admin/", admin.site.urls),
    path(
        "sitemap.xml", reader_cache(sitemap, params=("p",)), {"sitemaps": SITEMAPS}, name="sitemap"
    ),
    path("", include("health.urls")),
    path("quiz/", include("recommender.urls")),
    path("", include("comparisons.urls")),
]
