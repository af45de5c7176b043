"""URLs for testing the 500 page: the site's URLs plus one view that fails."""

from django.urls import path

from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("a bug with SECRET_KEY in its message")


urlpatterns = [path("broken/", broken), *site_urlpatterns]
