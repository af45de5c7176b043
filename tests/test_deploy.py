"""deploy/nginx: the template's numbers agree with the app's, and it renders whole.

The configuration itself runs in CI (.ci/proxy-test); these tests keep it in step
with config/settings.py and gunicorn.conf.py when either changes.
"""

import os
import re
import runpy
import shutil
import subprocess

import pytest
from django.conf import settings

from .liveserver import ROOT

TEMPLATE = ROOT / "deploy" / "nginx" / "pickframe.conf"
RENDER = ROOT / "deploy" / "nginx" / "render"
UNITS = {"": 1, "k": 1024, "m": 1024 * 1024}
needs_envsubst = pytest.mark.skipif(not shutil.which("envsubst"), reason="needs envsubst")


def block(text, opening, start=0):
    """The text of the block that starts at ``opening`` (from ``start``), braces balanced."""
    start = text.index(opening, start)
    depth = 0
    for position in range(text.index("{", start), len(text)):
        depth += {"{": 1, "}": -1}.get(text[position], 0)
        if depth == 0:
            return text[start : position + 1]
    raise AssertionError(f"unbalanced block at {opening!r}")


def site_server():
    text = TEMPLATE.read_text()
    servers = [
        block(text, "server {", match.start()) for match in re.finditer(r"\nserver \{", text)
    ]
    return next(server for server in servers if "ssl_certificate " in server)


def size(directive, text):
    """The value of the first ``directive`` in ``text``, in bytes or seconds."""
    number, unit = re.search(rf"^\s*{directive} (\d+)([kms]?);", text, re.M).groups()
    return int(number) * UNITS.get(unit, 1)


def test_nginx_lets_through_every_form_django_accepts():
    # Up to a little more, so that Django answers an oversized form with its own 400.
    limit = size("client_max_body_size", site_server())
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE < limit <= 2 * settings.DATA_UPLOAD_MAX_MEMORY_SIZE


def test_nginx_lets_through_every_image_the_editor_accepts():
    upload = block(site_server(), "location = /markdownx/upload/")
    limit = size("client_max_body_size", upload)
    assert settings.MARKDOWNX_UPLOAD_MAX_SIZE < limit <= 2 * settings.MARKDOWNX_UPLOAD_MAX_SIZE
    # The JSON answer nginx gives above that names the app's limit.
    too_large = block(site_server(), "location @pickframe_upload_too_large")
    assert f"larger than {settings.MARKDOWNX_UPLOAD_MAX_SIZE // 1024 // 1024} MB" in too_large


def test_nginx_waits_for_gunicorn_longer_than_gunicorn_lets_a_request_run():
    gunicorn = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert size("proxy_read_timeout", site_server()) > gunicorn["timeout"]


def test_the_cache_skips_signed_in_users_and_anything_but_reads():
    site = block(site_server(), "location / {")
    bypass = re.search(r"proxy_cache_bypass (.*);", site).group(1).split()
    no_cache = re.search(r"proxy_no_cache (.*);", site).group(1).split()
    assert f"$cookie_{settings.SESSION_COOKIE_NAME}" in bypass
    assert "$pickframe_not_a_read" in bypass
    assert bypass == no_cache


@needs_envsubst
def test_render_fills_every_placeholder_and_nothing_else():
    rendered = subprocess.run(
        [str(RENDER)], env={**os.environ, "PICKFRAME_SERVER_NAMES": "pickframe.example"},
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "${" not in rendered
    assert "server_name pickframe.example;" in rendered
    assert "ssl_certificate /etc/letsencrypt/live/pickframe.example/fullchain.pem;" in rendered
    assert "server unix:/run/pickframe/gunicorn.sock fail_timeout=0;" in rendered
    # nginx's own variables are left for nginx.
    assert "proxy_cache_key $scheme://$host$request_uri;" in rendered


@needs_envsubst
def test_render_refuses_to_guess_the_host_names():
    environment = {k: v for k, v in os.environ.items() if k != "PICKFRAME_SERVER_NAMES"}
    result = subprocess.run([str(RENDER)], env=environment, capture_output=True, text=True)
    assert result.returncode != 0
    assert "PICKFRAME_SERVER_NAMES" in result.stderr
    assert result.stdout == ""
