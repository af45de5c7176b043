"""gunicorn's settings under load behind the shipped nginx: ours against the old recipe.

Starts the production stack (tests/proxystack.py: nginx with deploy/nginx, gunicorn,
a seeded SQLite file, and a Redis as the shared cache when redis-server is
installed) once per run and drives it with wrk over HTTPS for a fixed time, the
recipes taking turns (old, ours, old, ours, ...) so that the machine's drift
falls on both. Every request carries a session cookie that matches no session, so
nginx passes it to gunicorn (a signed-in reader's path through nginx) and the app
answers from its own cache: what is measured is gunicorn's share, not nginx's
cache.

- ours: gunicorn.conf.py as shipped (Unix socket, 2 x cores + 1 sync workers,
  preloaded, no recycling);
- old: the recipe docs/deploy.md gave before issue 11 (the same preload and
  gc.freeze, ``--workers 5 --max-requests 1000 --max-requests-jitter 100
  --timeout 30``) on a loopback port. Its ``--access-logfile -`` is left out of
  both, so that only the worker settings differ.

Usage: python -m bench.proxy [--seconds 30] [--rounds 1] [--connections 32]
"""

import argparse
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from tests.liveserver import free_port
from tests.proxystack import ensure_packages, running_stack

PATHS = [
    "/",
    "/compare/django-vs-flask/",
    "/frameworks/django/",
    "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/",
    "/healthz",
]
ROTATE = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""
OLD_CONF = """
import gc

preload_app = True


def post_fork(server, worker):
    gc.freeze()
"""
OLD_FLAGS = ["--workers", "5", "--max-requests", "1000", "--max-requests-jitter", "100",
             "--timeout", "30"]  # fmt: skip
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


def run_wrk(url, seconds, connections, script):
    out = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
         "--timeout", "10s", "-H", "Accept-Encoding: gzip, deflate, br",
         "-H", "Cookie: sessionid=bench-matches-no-session", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out
    )
    return {
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(percentiles["50"]),
        "p99": to_ms(percentiles["99"]),
        "errors": (int(errors.group(1)) if errors else 0)
        + (sum(map(int, socket_errors.groups())) if socket_errors else 0),
    }


@contextmanager
def redis():
    """A throwaway Redis on a free port, or nothing (the default local cache)."""
    if not shutil.which("redis-server"):
        yield {}
        return
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"], stdout=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        yield {"CACHE_URL": f"redis://127.0.0.1:{port}/0"}
    finally:
        process.terminate()
        process.wait()


def recipe(name, workdir):
    """running_stack's arguments for one recipe."""
    logging = ["--log-level", "info"]  # to count the workers booted
    if name == "ours":
        return {"gunicorn_args": logging}  # WEB_CONCURRENCY unset: 2 x cores + 1
    conf = Path(workdir) / "old-gunicorn.conf.py"
    conf.write_text(OLD_CONF)
    address = f"127.0.0.1:{free_port()}"
    return {
        "gunicorn_args": ["--bind", address, *OLD_FLAGS, *logging],
        "gunicorn_conf": conf,
        "upstream": address,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    ensure_packages()
    os.environ.pop("WEB_CONCURRENCY", None)

    rows = []
    with tempfile.TemporaryDirectory() as scratch, redis() as cache_env:
        script = Path(scratch) / "rotate.lua"
        script.write_text(ROTATE % ", ".join(f'"{p}"' for p in PATHS))
        for round_number in range(1, args.rounds + 1):
            for name in ("old", "ours"):
                with tempfile.TemporaryDirectory(prefix=f"bench-{name}-") as workdir:
                    settings = recipe(name, workdir)
                    settings["extra_env"] = {**cache_env, **settings.get("extra_env", {})}
                    with running_stack(workdir, **settings) as stack:
                        run_wrk(stack.https + "/", 5, args.connections, str(script))  # warm up
                        result = run_wrk(stack.https + "/", args.seconds, args.connections,
                                         str(script))  # fmt: skip
                        restarts = Path(workdir, "gunicorn.log").read_text().count("Booting worker")
                rows.append((round_number, name, result, restarts))
                print(f"round {round_number} {name:>4}: {result['requests']:>6} requests,"
                      f" {result['rps']:7.1f}/s, p50 {result['p50']:6.1f} ms,"
                      f" p99 {result['p99']:6.1f} ms, errors {result['errors']},"
                      f" workers booted {restarts}", flush=True)  # fmt: skip
    print(f"\n{args.connections} connections, {args.seconds} s a run,"
          f" cache {'Redis' if cache_env else 'local memory'}")  # fmt: skip


if __name__ == "__main__":
    main()
