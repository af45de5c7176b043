"""Reader pages are cached whole and invalidated by one content version.

Every anonymous GET of a public page is stored in the cache (``CACHE_URL``)
under a key that includes the current *content version*. Saving or deleting any
content row bumps the version, so the next request renders afresh; stale entries
simply age out. The version lives in the cache itself, so every app server
behind a load balancer sees the same one (with a shared cache such as Redis).
Signed-in users always get a fresh, uncached page.
"""

import gzip
import hashlib
from functools import wraps

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

VERSION_KEY = "pickframe:content-version"
# Content changes invalidate at once; the timeout only bounds how late an article
# scheduled for a future publish time appears.
PAGE_TIMEOUT = 60 * 60


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


def _cache_entry(response):
    """What we keep of a page: plain values pickle far faster than a response.

    The body is also stored gzipped (once, here) for the browsers that accept it,
    which all do; public pages carry no secrets, so compressing them is safe.
    """
    patch_cache_control(response, public=True, no_cache=True)
    patch_vary_headers(response, ["Cookie", "Accept-Encoding"])
    set_response_etag(response)
    body = response.content
    zipped = gzip.compress(body, compresslevel=6) if len(body) > 1024 else None
    return response.status_code, list(response.items()), body, zipped


def _response_from(entry, request):
    status, headers, body, zipped = entry
    use_gzip = zipped is not None and "gzip" in request.headers.get("Accept-Encoding", "")
    response = HttpResponse(zipped if use_gzip else body, status=status)
    for name, value in headers:
        response[name] = value
    if use_gzip:
        response["Content-Encoding"] = "gzip"
        response["ETag"] = response["ETag"][:-1] + '-gzip"'  # a distinct variant
    return response


def reader_cache(view):
    """Cache a public view's anonymous GET responses until content changes.

    Browsers are told to revalidate every time (``no-cache``); with the stored
    ETag, ConditionalGetMiddleware answers a repeat visit with a 304.
    """

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_cache=True)
            return response
        key = _page_key(request)
        entry = cache.get(key)
        if entry is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):  # a TemplateResponse (the sitemap view)
                response.render()
            if response.status_code not in (200, 301) or response.cookies:
                return response
            entry = _cache_entry(response)
            cache.set(key, entry, PAGE_TIMEOUT)
        return _response_from(entry, request)

    return wrapped
