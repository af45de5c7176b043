"""Reader pages are cached whole and invalidated by one content version.

Every anonymous GET of a public page is stored in the cache (``CACHE_URL``)
under a key that includes the current *content version*. Saving or deleting any
content row bumps the version, so the next request renders afresh; stale entries
simply age out. The version lives in the cache itself, so every app server
behind a load balancer sees the same one (with a shared cache such as Redis).
Signed-in users always get a fresh, uncached page.
"""

import hashlib
from functools import wraps

from django.core.cache import cache
from django.utils.cache import patch_cache_control, patch_vary_headers

VERSION_KEY = "pickframe:content-version"
PAGE_TIMEOUT = 60 * 60 * 24


def content_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        version = cache.get(VERSION_KEY, 1)
    return version


def bump_content_version(**kwargs):
    """Signal receiver: any content change makes every cached page stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # not set yet (or evicted): start a new series
        cache.set(VERSION_KEY, 2, timeout=None)


def _page_key(request):
    path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return f"pickframe:page:{content_version()}:{request.method == 'HEAD'}:{path}"


def reader_cache(view):
    """Cache a public view's anonymous GET responses until content changes.

    Browsers are told to revalidate every time (``no-cache``); with the ETag
    that ConditionalGetMiddleware adds, a repeat visit costs a 304.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = _page_key(request)
        response = cache.get(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):  # a TemplateResponse (the sitemap view)
                response.render()
            if response.status_code in (200, 301) and not response.cookies:
                patch_cache_control(response, public=True, no_cache=True)
                patch_vary_headers(response, ["Cookie"])
                cache.set(key, response, PAGE_TIMEOUT)
        return response

    return wrapped
