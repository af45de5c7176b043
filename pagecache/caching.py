"""Reader pages are cached whole and invalidated by one content version.

Every anonymous GET of a public page may be stored in the cache (``CACHE_URL``)
under a key made of the current *content version*, the canonical host and the
path, plus only the query parameters the view reads (``reader_cache``). Saving
or deleting any content row changes the version, so the next request renders
afresh; stale entries simply age out. The version also moves when a scheduled
publish time passes, so scheduled content goes live on time everywhere. Signed-in
users always get a fresh, uncached page.

The version's home is the database (``ContentVersion``), so every app server sees
a change on its next request however the cache is set up:

- With a shared cache (Redis) the cache keeps a copy for a few seconds, so that a
  cached page costs no query. The save writes the new copy after its commit, and
  a reader that read the old version from the database puts its copy back only
  with ``add``, which never replaces the newer one.
- With a cache per process (``locmem://``, ``dummy://``) no other process could
  be told about a change, so the version is read from the database: one small
  query per request (``content_version`` remembers it until the request ends).
- When Redis fails (``pagecache.backends``) every call answers "not cached" and
  the version comes from the database, as without a cache.

``VersionedMemo`` keeps derived values (rendered comparisons, the loaded quiz) in the
process for as long as the content version stands. It is what keeps pages fast
when there is no cache at all (``dummy://``).
"""

import bisect
import gzip
import hashlib
import json
import secrets
import threading
import time
import weakref
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.dummy import DummyCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import request_finished, request_started
from django.db import connection
from django.http import HttpResponse, QueryDict
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers, set_response_etag

from .models import ContentVersion

VERSION_KEY = "pickframe:content-version"
VERSION_TIMEOUT = 5
# Content changes and scheduled publish times change the version at once; the
# timeout only bounds how long an unused page is kept.
PAGE_TIMEOUT = 60 * 60
_VERSION_SQL = f"SELECT token, schedule FROM {ContentVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def stored_version():
    """The content version as the database has it: (token, schedule), one query.

    Plain SQL: this runs on every page that is not served from the cache, and
    building the equivalent ORM query costs several times what running it does.
    """
    with connection.cursor() as cursor:
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    if not row:
        return "", []
    token, schedule = row
    if isinstance(schedule, str):  # SQLite returns JSON as text, PostgreSQL parsed
        schedule = json.loads(schedule)
    return token, schedule or []


def cache_is_shared():
    """Whether every app server sees the same cache (not one per process)."""
    return type(caches[DEFAULT_CACHE_ALIAS]) not in (LocMemCache, DummyCache)


class _RequestVersion(threading.local):
    """The version one request has seen: read once, the same for the whole request."""

    active = False
    value = None


_request = _RequestVersion()


def _request_started(**kwargs):
    _request.active, _request.value = True, None


def _request_finished(**kwargs):
    _request.active, _request.value = False, None


request_started.connect(_request_started, dispatch_uid="pagecache-version-start")
request_finished.connect(_request_finished, dispatch_uid="pagecache-version-end")


def content_version():
    """What everything derived from content is keyed by.

    The stored token, plus how many of the scheduled publish times have passed:
    an article set to go live at 10:00 changes the version at 10:00 without
    anyone saving anything.
    """
    stored = _request.value if _request.active else None
    if stored is None:
        stored = _read_version()
        if _request.active:
            _request.value = stored
    token, schedule = stored
    passed = bisect.bisect_right(schedule, time.time())
    return f"{token}.{passed}" if passed else token


def _read_version():
    if not cache_is_shared():
        return stored_version()
    stored = cache.get(VERSION_KEY)
    if stored is None:
        stored = stored_version()
        # add, not set: a request that read the version just before a change
        # committed must not overwrite the newer copy bump_content_version set.
        cache.add(VERSION_KEY, stored, VERSION_TIMEOUT)
    return stored


def bump_content_version(schedule=()):
    """Content changed: every derived page is stale. Call after the change commits.

    ``schedule`` is the sorted POSIX times at which content is due to go live.
    """
    values = {
        "token": secrets.token_hex(16),
        "changed_at": timezone.now(),
        "schedule": list(schedule),
    }
    if not ContentVersion.objects.filter(pk=1).update(**values):
        ContentVersion.objects.update_or_create(pk=1, defaults=values)
    _announce((values["token"], values["schedule"]))


def _announce(stored):
    """After the database has the new version: replace the cached copy (set, not add)."""
    if _request.active:
        _request.value = stored
    if cache_is_shared():
        cache.set(VERSION_KEY, stored, VERSION_TIMEOUT)


class VersionedMemo:
    """Values derived from content, kept in this process while the content stands.

    ``get(key, build)`` returns the value built for ``key`` under the current
    content version, building it on first use. A version change drops every
    value at once; ``max_age`` bounds how long an unused value is kept; the
    least recently used values go beyond ``size`` values or, when ``weigh``
    gives each value's size in bytes, beyond ``max_bytes`` (0 keeps nothing).
    """

    instances = weakref.WeakSet()  # every memo, for clear_memos()

    def __init__(self, size=256, max_age=PAGE_TIMEOUT, max_bytes=None, weigh=None):
        VersionedMemo.instances.add(self)
        self.size = size
        self.max_age = max_age
        self.max_bytes = max_bytes
        self.weigh = weigh
        self.bytes = 0
        self._lock = threading.Lock()
        self._version = None
        self._values = OrderedDict()  # key: (built at, value, bytes)

    def get(self, key, build):
        version = content_version()
        now = time.monotonic()
        with self._lock:
            if version != self._version:
                self._drop_all()
                self._version = version
            built = self._values.get(key)
            if built is not None and now - built[0] < self.max_age:
                self._values.move_to_end(key)
                return built[1]
        value = build()
        weight = self.weigh(value) if self.weigh else 0
        with self._lock:
            if version == self._version:
                old = self._values.pop(key, None)
                self.bytes -= old[2] if old else 0
                self._values[key] = (now, value, weight)
                self.bytes += weight
                while self._values and (
                    len(self._values) > self.size
                    or (self.max_bytes is not None and self.bytes > self.max_bytes)
                ):
                    self.bytes -= self._values.popitem(last=False)[1][2]
        return value

    def _drop_all(self):
        self._values.clear()
        self.bytes = 0

    def clear(self):
        with self._lock:
            self._drop_all()


def clear_memos():
    """Drop every memoized value in this process (tests change rows behind signals' backs)."""
    for memo in list(VersionedMemo.instances):
        memo.clear()


def _page_key(request):
    """The host as canonicalised by ALLOWED_HOSTS, the scheme, the path and the query
    the view may read (``reader_cache`` has already dropped every other parameter)."""
    address = f"{request.scheme}://{request.get_host().lower()}{request.path}"
    query = request.GET.urlencode()
    digest = hashlib.sha256(f"{address}?{query}".encode()).hexdigest()
    return f"pickframe:page:{content_version()}:{request.method == 'HEAD'}:{digest}"


def _only_params(request, params):
    """Leave the view nothing but the query parameters it reads.

    Anything else in the address (``?utm_source=...``) then cannot change the page,
    so such addresses can share one cache entry: readers cannot inflate the cache.
    """
    names = params() if callable(params) else params
    if any(name not in names for name in request.GET):
        kept = QueryDict(mutable=True)
        for name in names:
            if name in request.GET:
                kept.setlist(name, request.GET.getlist(name))
        kept._mutable = False
        request.GET = kept


def _mark_public(response):
    """Any reader, and any shared cache in front of us, may keep this page a while.

    The body depends on nothing but the address (readers' pages set no cookie and
    read none), so it varies only by encoding. A shared cache may serve it for
    ``READER_SHARED_MAX_AGE`` seconds after content changes; browsers revalidate
    with the ETag after ``READER_MAX_AGE``.
    """
    patch_cache_control(
        response,
        public=True,
        max_age=settings.READER_MAX_AGE,
        s_maxage=settings.READER_SHARED_MAX_AGE,
        stale_while_revalidate=settings.READER_STALE_WHILE_REVALIDATE,
    )
    patch_vary_headers(response, ["Accept-Encoding"])
    set_response_etag(response)


def _signed_in(request):
    """Whether a user is signed in, without touching the session of one who is not.

    Reading the session adds ``Vary: Cookie`` (SessionMiddleware), which no shared
    cache can use; a request without a session cookie is simply anonymous.
    """
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        request.user = AnonymousUser()
        return False
    return request.user.is_authenticated


def _cache_entry(response):
    """What we keep of a page: plain values pickle far faster than a response.

    The body is also stored gzipped (once, here) for the browsers that accept it,
    which all do; public pages carry no secrets, so compressing them is safe.
    """
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


def reader_cache(view=None, *, params=(), store=True):
    """Cache a public view's anonymous GET responses until content changes.

    ``params`` names the query parameters the view reads (or is a function that
    returns them); the view never sees any other. ``store`` says whether pages are
    kept in our cache (``CACHE_URL``): False, or a function of the request that
    says so, for pages there can be unboundedly many of (a search for anything,
    one visitor's quiz result), which are cheap to render anyway.

    Shared caches and browsers may keep every public page (``_mark_public``); with
    the stored ETag, ConditionalGetMiddleware answers a revalidation with a 304.
    Pages for signed-in users, and answers to other methods, are never stored.
    """
    if view is None:
        return lambda view: reader_cache(view, params=params, store=store)

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") or _signed_in(request):
            response = view(request, *args, **kwargs)
            patch_cache_control(response, private=True, no_store=True)
            return response
        _only_params(request, params)
        storing = (
            not isinstance(caches[DEFAULT_CACHE_ALIAS], DummyCache)
            and store
            and (store is True or store(request))
        )
        key = _page_key(request) if storing else None
        entry = cache.get(key) if storing else None
        if entry is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render"):  # a TemplateResponse (the sitemap view)
                response.render()
            if response.status_code not in (200, 301) or response.cookies:
                return response
            _mark_public(response)
            if not storing:
                # Not kept here (no cache, or a page not worth keeping): nowhere to
                # keep a compressed copy either, so send it as rendered.
                return response
            entry = _cache_entry(response)
            cache.set(key, entry, PAGE_TIMEOUT)
        return _response_from(entry, request)

    return wrapped


def without_query(request):
    """``store=without_query``: keep the bare page, not each of its many queries."""
    return not request.GET
