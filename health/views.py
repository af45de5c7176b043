"""Health checks for load balancers and operators (docs/deploy.md).

- ``/healthz`` (liveness): the process answers. It touches no database, cache,
  session or template, so a load balancer never takes a server out of rotation
  because a service they all share is down, which would only turn a slow page
  into a 503 for everyone.
- ``/readyz`` (readiness, for operators and monitoring): whether this server
  reaches the database and the cache. 200 while the database answers, even with
  the cache down (pages are then rendered without it); 503 without a database.

Both answer over plain HTTP with ``DJANGO_SECURE=1`` (``SECURE_REDIRECT_EXEMPT``):
the health checker talks to the app server directly, not through TLS.
"""

import json

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.views.decorators.cache import never_cache


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def readyz(request):
    checks = {"database": _database(), "cache": _cache()}
    status = 200 if checks["database"] == "ok" else 503
    return HttpResponse(
        json.dumps(checks, indent=2) + "\n", status=status, content_type="application/json"
    )


def _database():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"unavailable: {error}".strip()
    return "ok"


def _cache():
    ping = getattr(cache, "ping", None)
    if ping is None:  # a cache in this process (locmem, dummy) is always there
        return "ok"
    try:
        ping()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return f"unavailable: {error}".strip()
    return "ok"
