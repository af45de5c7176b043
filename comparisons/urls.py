from django.urls import path

from . import og, views
from .feeds import ArticleFeed

app_name = "comparisons"
urlpatterns = [
    path("", views.home, name="home"),
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<slug:slug>/", views.framework_detail, name="framework"),
    path("compare/", views.compare_index, name="compare_index"),
    path("compare/<str:slugs>/", views.compare, name="compare"),
    path("compare/<str:slugs>/changes/", views.compare_changes, name="compare_changes"),
    path("og/compare/<str:slugs>.png", og.comparison_image, name="og_compare"),
    path("og/frameworks/<slug:slug>.png", og.framework_image, name="og_framework"),
    path("og/quiz/<str:token>.png", og.verdict_image, name="og_verdict"),
    path("features/", views.feature_list, name="features"),
    path("features/<slug:slug>/", views.feature_detail, name="feature"),
    path("use-cases/", views.use_case_list, name="use_cases"),
    path("use-cases/<slug:slug>/", views.use_case_detail, name="use_case"),
    path("search/", views.search, name="search"),
    path("feed/", ArticleFeed(), name="feed"),
    path("data/", views.data_index, name="data"),
    path("data/frameworks.json", views.data_frameworks, name="data_frameworks"),
    path("data/support.csv", views.data_support, name="data_support"),
    path("data/adoptions.csv", views.data_adoptions, name="data_adoptions"),
    path("data/traits.csv", views.data_traits, name="data_traits"),
    path("about/", views.about, name="about"),
    path("sources/", views.sources_policy, name="sources_policy"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("favicon.ico", views.favicon, name="favicon"),
    # django-markdownx's editor posts here (MARKDOWNX_URLS_PATH / _UPLOAD_URLS_PATH).
    path("markdownx/markdownify/", views.markdown_preview, name="markdown_preview"),
    path("markdownx/upload/", views.markdown_upload, name="markdown_upload"),
    path("media/<path:path>", views.media, name="media"),
]
