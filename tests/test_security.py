"""Production settings, headers, CSP, uploads and sign-in lockout."""

import io
import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from .factories import build_site
from .liveserver import ROOT

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")

PRODUCTION_ENV = {
    "DJANGO_SECRET_KEY": "kq7Zp2xV9mR4tW8yB3nF6hJ1cL5gD0sA-prod-like-" + "x" * 20,
    "DJANGO_ALLOWED_HOSTS": "pickframe.example",
    "DJANGO_SECURE": "1",
}


def test_check_deploy_is_clean_with_the_production_environment():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env={**env, **PRODUCTION_ENV}, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_development_defaults_are_not_production_ready():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )  # fmt: skip
    assert result.returncode != 0  # insecure key, no HTTPS settings


def assert_common_headers(response):
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def assert_strict_csp(policy):
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in policy
    assert directives["object-src"] == ["'none'"]


def test_a_public_page_sends_the_security_headers(client):
    article = build_site().article
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    assert_common_headers(response)
    assert_strict_csp(response["Content-Security-Policy"])


def test_an_admin_page_and_the_markdown_editor_send_the_security_headers(staff_client):
    article = build_site().article  # with its frameworks and FAQ inlines
    response = staff_client.get(reverse("admin:comparisons_article_change", args=[article.pk]))
    assert "markdownx" in response.text
    assert_common_headers(response)
    assert_strict_csp(response["Content-Security-Policy"])
    assert "<script>" not in response.text  # the admin and markdownx use script files only


def test_an_uploaded_image_is_served_sandboxed_and_never_sniffed(client, staff_client):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("x.png", buffer.getvalue(), content_type="image/png")
    response = staff_client.post(
        "/markdownx/upload/", {"image": upload}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    code = response.json()["image_code"]
    url = code[code.index("(") + 1 : -1]
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]


def test_media_paths_cannot_escape_the_media_folder(client):
    for url in ["/media/../config/settings.py", "/media/%2e%2e/manage.py", "/media/nope.png"]:
        response = client.get(url)
        assert response.status_code in (400, 404), url
        assert b"SECRET_KEY" not in response.content and b"execute_from" not in response.content


def test_cookies_are_http_only_and_secure_behind_the_https_switch(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_DEBUG"}
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings'; django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**env, **PRODUCTION_ENV},
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    assert out.split() == ["True", "True", "31536000", "True", "True"]


LOGIN = "/admin/login/"


def _fail(client, times):
    for _ in range(times):
        response = client.post(LOGIN, {"username": "boss", "password": "wrong"})
    return response


def test_five_failed_sign_ins_lock_the_client_out(client, django_user_model):
    django_user_model.objects.create_superuser("boss", "b@example.com", "right-password")
    assert _fail(client, 4).status_code == 200  # the normal form with an error
    response = _fail(client, 1)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.text
    assert "paused for 15 minutes" in response.text
    assert "Pickframe editors" in response.text
    # Even the right password is refused while locked out.
    response = client.post(LOGIN, {"username": "boss", "password": "right-password"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_ends_by_itself_after_the_cool_off(client, django_user_model):
    from axes.models import AccessAttempt

    django_user_model.objects.create_superuser("boss", "b@example.com", "right-password")
    _fail(client, 5)
    assert client.post(LOGIN, {"username": "boss", "password": "right-password"}).status_code == 429
    # Let the cool-off time pass.
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time
                                 - timedelta(minutes=16))  # fmt: skip
    response = client.post(LOGIN, {"username": "boss", "password": "right-password"})
    assert response.status_code == 302
    assert client.session["_auth_user_id"]


def test_a_different_client_signing_in_to_another_account_is_not_locked_out(
    client, django_user_model
):
    from django.test import Client

    django_user_model.objects.create_superuser("boss", "b@example.com", "right-password")
    django_user_model.objects.create_superuser("ada", "a@example.com", "her-password")
    _fail(client, 5)  # locks this client, and the username "boss" (tests/test_signin.py)
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert other.post(LOGIN, {"username": "ada", "password": "her-password"}).status_code == 302
