"""A Redis cache the site can live without (``CACHE_URL=redis://...``).

Everything we keep in the cache can be rebuilt: rendered pages, and a copy of the
content version whose home is the database. So when Redis is unreachable, slow
or full, a cache call answers as if the key were missing (reads) or as if it had
been stored (writes), and the page is rendered without the cache. Nothing a
visitor does fails because of it.

- Every socket operation has a short timeout (``CACHE_SOCKET_TIMEOUT``), and
  after a failure this process leaves Redis alone for ``CACHE_RETRY_AFTER``
  seconds, so a paused Redis costs one timeout per interval, not one per call.
- A failure is logged once per interval, not once per request.
- A full Redis (``maxmemory`` with ``noeviction``) refuses writes with an error:
  that is a failure like any other.
"""

import logging
import threading
import time

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class ResilientRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        timeout = getattr(settings, "CACHE_SOCKET_TIMEOUT", 0.25)
        self._options.setdefault("socket_timeout", timeout)
        self._options.setdefault("socket_connect_timeout", timeout)
        self.retry_after = getattr(settings, "CACHE_RETRY_AFTER", 5.0)
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._logged_at = None

    def ping(self):
        """Ask Redis directly, raising on failure (the readiness check, health.views)."""
        self._cache.get_client(write=True).ping()
        self._down_until = 0.0  # it answers: stop leaving it alone

    @property
    def available(self):
        """False while this process is leaving Redis alone after a failure."""
        return time.monotonic() >= self._down_until

    def _call(self, name, fallback, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            self._failed(name, error)
            return fallback

    def _failed(self, name, error):
        now = time.monotonic()
        with self._lock:
            self._down_until = now + self.retry_after
            quiet = self._logged_at is not None and now - self._logged_at < self.retry_after
            if not quiet:
                self._logged_at = now
        if not quiet:
            log.warning(
                "Cache unavailable (%s failed: %s); serving without it for %.0f s.",
                name,
                error,
                self.retry_after,
            )

    def get(self, key, default=None, version=None):
        return self._call("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, key, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", False, key, value, timeout, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", None, key, value, timeout, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", list(data), data, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", False, key, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", None, keys, version)

    def clear(self):
        return self._call("clear", False)
