"""Shared pieces of the browser tests (Debian's Chromium, driven by Playwright).

The fixtures (``site``, ``browser``, ``page``) are in conftest.py; screenshots
land in test-artifacts/ for a person to look at.
"""

import shutil
import subprocess
import sys

from .liveserver import ADMIN_PASSWORD, ADMIN_USER, ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = ROOT / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
EDITOR_PASSWORD = "editor-password-1"


def shot(page, name, full_page=True):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full_page)


def sign_in(page, site, username=ADMIN_USER, password=ADMIN_PASSWORD):
    page.goto(site + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state()
    assert page.url == site + "/admin/", page.inner_text("#content")


def add_editor(env, username):
    """A member of the Editors group on the live server, as a new editor would be."""
    code = (
        "from django.contrib.auth.models import Group, User;"
        f"u, _ = User.objects.get_or_create(username={username!r}, defaults={{'is_staff': True}});"
        f"u.set_password({EDITOR_PASSWORD!r}); u.save();"
        "u.groups.add(Group.objects.get(name='Editors'))"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # fmt: skip
