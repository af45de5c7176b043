from django.urls import path

from . import views

app_name = "comparisons"
urlpatterns = [
    path("markdownx/markdownify/", views.markdown_preview, name="markdown_preview"),
    path("markdownx/upload/", views.markdown_upload, name="markdown_upload"),
]
