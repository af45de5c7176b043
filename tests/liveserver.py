"""A real Pickframe server for browser tests and benchmarks.

Runs gunicorn with the production settings (DEBUG off, whitenoise serving the
collected, hashed static files) over a freshly migrated and seeded SQLite file,
on a free loopback port. Nothing is shared with the pytest test database.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(workdir, extra=None):
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'live.sqlite3'}",
        "DJANGO_STATIC_ROOT": str(workdir / "static"),
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECRET_KEY": "live-server-" + "x" * 50,
    }
    env.pop("DJANGO_DEBUG", None)
    env.update(extra or {})
    return env


ADMIN_USER, ADMIN_PASSWORD = "browser-admin", "browser-admin-password-1"


def prepare(workdir, env):
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (
        ["migrate", "--no-input"],
        ["seed", "--if-empty"],
        ["collectstatic", "--no-input"],
    ):
        subprocess.run([*manage, *command, "-v", "0"], cwd=ROOT, env=env, check=True)
    subprocess.run(
        [*manage, "createsuperuser", "--no-input", "--username", ADMIN_USER, "--email", ""],
        cwd=ROOT, env={**env, "DJANGO_SUPERUSER_PASSWORD": ADMIN_PASSWORD},
        capture_output=True,  # fails harmlessly when the user already exists
    )  # fmt: skip


@contextmanager
def running_server(workdir, workers=2, extra_env=None):
    workdir = Path(workdir)
    env = server_env(workdir, extra_env)
    prepare(workdir, env)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(url + "/healthz", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("the live server did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)
