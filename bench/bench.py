"""Throughput and latency of our pages against /healthz on the same server.

Starts gunicorn with the production settings over a seeded SQLite file
(tests/liveserver.py), drives each URL with wrk for a bounded time, and prints
requests/second, p50/p99 latency, each page's throughput as a ratio to
/healthz measured in the same run, and the number of non-2xx responses. It
runs twice: with the page cache on (CACHE_URL=locmem://) and off (dummy://).
Ratios, not absolute numbers, are what to compare between machines.

Requests carry "Accept-Encoding: gzip, deflate, br", as every browser's do.

Usage: python -m bench.bench [--seconds 10] [--connections 16] [--workers 2]
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile

from tests.liveserver import running_server

URLS = [
    "/healthz",
    "/",
    "/compare/django-vs-flask/",
    "/frameworks/django/",
    "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/",
]
TARGETS = {"on": 0.8, "off": 0.3}  # comparison pages vs /healthz
UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}

# wrk counts 3xx as success; this Lua script counts anything outside 2xx.
NON_2XX_SCRIPT = """
local bad = 0
response = function(status, headers, body)
  if status < 200 or status > 299 then bad = bad + 1 end
end
done = function(summary, latency, requests) io.write(string.format("non2xx %d\\n", bad)) end
"""


def to_ms(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * UNITS[unit]


def run_wrk(url, seconds, connections, script):
    out = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
         "-H", "Accept-Encoding: gzip, deflate, br", "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(percentiles["50"]),
        "p99": to_ms(percentiles["99"]),
        "non2xx": int(re.search(r"non2xx (\d+)", out).group(1))
        + int((re.search(r"Socket errors:.*?(\d+) timeout", out) or [0, 0])[1]),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def bench(cache_mode, args, script):
    cache_url = "locmem://" if cache_mode == "on" else "dummy://"
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_server(workdir, workers=args.workers, extra_env={"CACHE_URL": cache_url}) as site,
    ):
        results = {}
        for path in URLS:
            run_wrk(site + path, 1, args.connections, script)  # warm up
            results[path] = run_wrk(site + path, args.seconds, args.connections, script)
    return results


def report(cache_mode, results):
    base = results["/healthz"]["rps"]
    print(f"\nCache {cache_mode} (CACHE_URL={'locmem://' if cache_mode == 'on' else 'dummy://'})")
    print(f"{'URL':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
    failures = []
    for path, r in results.items():
        ratio = r["rps"] / base
        print(f"{path:<48} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{ratio:>6.2f} {r['non2xx']:>8}")  # fmt: skip
        if r["non2xx"]:
            failures.append(f"{path}: {r['non2xx']} non-2xx responses")
        is_target = path != "/healthz" and (cache_mode == "on" or path.startswith("/compare/"))
        if is_target and ratio < TARGETS[cache_mode]:
            failures.append(f"{path}: ratio {ratio:.2f} below {TARGETS[cache_mode]}")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="on,off", help="cache modes to run: on, off or both")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(NON_2XX_SCRIPT)
    print(f"wrk: {args.connections} connections, {args.seconds} s per URL; "
          f"gunicorn: {args.workers} sync workers; production settings, SQLite")  # fmt: skip
    failures = []
    for mode in args.modes.split(","):
        failures += report(mode, bench(mode, args, script.name))
    print(
        "\nAll targets met, no errors." if not failures else "\nMissed:\n  " + "\n  ".join(failures)
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
