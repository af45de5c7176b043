"""Health checks: /healthz for load balancers, /readyz for operators."""

import json
import os
import subprocess
import sys

import pytest

from .liveserver import ROOT, free_port


@pytest.mark.django_db
def test_healthz_is_tiny_and_touches_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"


def test_healthz_answers_plain_http_from_the_proxy_with_django_secure():
    """Run with the real settings module as DJANGO_SECURE=1 makes it (HTTPS redirects on)."""
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.test import Client; c = Client(raise_request_exception=False);"
        "print(c.get('/healthz').status_code, c.get('/readyz').status_code,"
        " c.get('/robots.txt').status_code,"
        " c.get('/robots.txt', headers={'X-Forwarded-Proto': 'https'}).status_code)"
    )
    env = {**os.environ, "DJANGO_SECURE": "1", "DJANGO_SECRET_KEY": "s" * 60}
    env["DJANGO_ALLOWED_HOSTS"] = "testserver"
    env["DATABASE_URL"] = "sqlite:///:memory:"
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.split()
    healthz, readyz, robots_http, robots_https = out
    assert healthz == "200"
    assert readyz == "200"  # an empty in-memory database still answers SELECT 1
    assert robots_http == "301"  # everything else still goes to HTTPS...
    assert robots_https == "200"  # ...and is answered there


@pytest.mark.django_db
def test_readyz_reports_the_database_and_the_cache(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


@pytest.mark.django_db
def test_readyz_stays_200_with_the_cache_down(client, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "pagecache.backends.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",  # nothing listens there
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200  # servers stay in rotation: pages work without it
    checks = json.loads(response.content)
    assert checks["database"] == "ok"
    assert checks["cache"].startswith("unavailable")


@pytest.mark.django_db
def test_readyz_is_503_without_a_database(client, monkeypatch):
    from django.db import OperationalError

    from health import views

    def broken():
        raise OperationalError("connection refused")

    monkeypatch.setattr(views.connection, "cursor", broken)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "unavailable: connection refused"
