"""Throughput and latency of our pages against /healthz on the same server.

Starts gunicorn with the production settings over a seeded SQLite file
(tests/liveserver.py), drives each URL with wrk for a bounded time, and prints
requests/second, p50/p99 latency, each page's throughput as a ratio to
/healthz measured just before it on the same server (the /healthz row is the
mean of those runs), and the number of non-2xx responses. It
runs twice: with the page cache on (CACHE_URL=locmem://) and off (dummy://).
With the cache off it also times a signed-in editor's comparison page, which is
always rendered afresh: the cost of a reader's first request after a change.
Ratios, not absolute numbers, are what to compare between machines.

Requests carry "Accept-Encoding: gzip, deflate, br", as every browser's do.

Usage: python -m bench.bench [--seconds 10] [--connections 16] [--workers 2] [--modes ...]

The editors' table (also python -m bench.bench --modes editors) signs in as an
editor and times the admin's heaviest pages one request at a time, interleaved
with the admin's index in rounds: the framework change page (GET, and a save
that changes one pro/con row), the fact matrix and the re-check page with every
fact due. Each is reported as the median time of the page over the median time
of /admin/ in the same rounds. Target: at most 5x.

The fresh-render table (--modes fresh) times readers' pages as the first request
after a content change gets them: no page cache (CACHE_URL=dummy://) and no memo
of rendered pages (READER_MEMO_BYTES=0), so every request renders afresh. One
connection, one request at a time, interleaved with /healthz in rounds as for the
editors: with sync workers the server does nothing else meanwhile, so wall time
per request stands for the CPU it costs. It prints each page's median time, its
ratio to /healthz (the median of per-round ratios), its size as sent and the fact
cells it shows (see cells()). Target: at most 40x /healthz.

The scale table (--modes scale) does the same for a 4-way comparison and a
profile over a synthetic catalogue (tests/factories.py build_catalogue), once at
about the initial content's size per page and once with 20 times the rows per
page. Target: the ratio to /healthz grows no faster than the number of cells.

Soak mode (python -m bench.bench --soak): 64 connections for 60 seconds over the
public pages and quiz submissions together (with no CSRF cookie: the quiz checks
the Sec-Fetch-Site and Origin headers, which wrk does not send), against the same
server with the cache on; it reports every response that was an error (4xx, 5xx
or a socket error; must be 0) and p99 latency.
"""

import argparse
import http.client
import http.cookiejar
import itertools
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.htmlforms import form_data
from tests.liveserver import ADMIN_PASSWORD, ADMIN_USER, ROOT, running_server, server_env

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


def run_wrk(url, seconds, connections, script, headers=()):
    extra = [arg for header in headers for arg in ("-H", header)]
    out = subprocess.run(
        ["wrk", "--latency", "-t", "2", "-c", str(connections), "-d", f"{seconds}s",
         "-H", "Accept-Encoding: gzip, deflate, br", *extra, "-s", script, url],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    # From one second up wrk pads the value with a space ("99%    1.64s ").
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.M))
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

        def measure(path, headers=()):
            # The machine's speed drifts (other tenants), so each page is compared
            # with a /healthz run made just before it, not with one at the start.
            run_wrk(site + path, 1, args.connections, script, headers)  # warm up
            base = run_wrk(site + "/healthz", args.seconds, args.connections, script)
            result = run_wrk(site + path, args.seconds, args.connections, script, headers)
            return {**result, "base": base["rps"], "healthz": base}

        results = {path: measure(path) for path in URLS[1:]}
        if cache_mode == "off":
            # Not a target: a signed-in editor always gets a page rendered afresh,
            # which is what any reader's first request after a content change costs.
            results[EDITOR_ROW] = measure(EDITOR_PAGE, ["Cookie: " + editor_session(site)])
        runs = [r["healthz"] for r in results.values()]
        healthz = {key: sum(run[key] for run in runs) / len(runs) for key in runs[0]}
        healthz["non2xx"] = sum(run["non2xx"] for run in runs)
    return {"/healthz": {**healthz, "base": healthz["rps"]}, **results}


EDITOR_PAGE = "/compare/django-vs-flask/"
EDITOR_ROW = f"{EDITOR_PAGE} (editor)"


def editor_session(site):
    """Sign in to the admin as tests/liveserver.py's superuser; the cookies to send."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    html = opener.open(site + "/admin/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    form = {"csrfmiddlewaretoken": token, "username": ADMIN_USER, "password": ADMIN_PASSWORD,
            "next": "/admin/"}  # fmt: skip
    opener.open(site + "/admin/login/", urllib.parse.urlencode(form).encode())
    cookies = {c.name: c.value for c in jar}
    if "sessionid" not in cookies:
        raise RuntimeError("could not sign in to the admin")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


EDITOR_TARGET = 5.0  # times /admin/
EDITOR_ROUNDS = 7
EDITOR_REQUESTS = 5  # per page per round


class Session:
    """One visitor on one keep-alive connection; times single requests.

    Gunicorn's sync workers close the connection after each response, and
    http.client opens a new one for the next request: every request, the
    baseline's too, pays for one loopback connect.
    """

    def __init__(self, site, cookie=""):
        self.connection = http.client.HTTPConnection(urllib.parse.urlsplit(site).netloc)
        self.cookie = cookie

    def request(self, method, path, body=None):
        headers = {"Accept-Encoding": "gzip, deflate, br"}
        if self.cookie:
            headers["Cookie"] = self.cookie
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            body = urllib.parse.urlencode(body, doseq=True)
        start = time.perf_counter()
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        content = response.read()
        elapsed = time.perf_counter() - start
        if response.status not in (200, 302):
            raise RuntimeError(f"{method} {path}: {response.status}")
        return elapsed, content

    def timer(self, path):
        """A callable that GETs ``path`` and returns the seconds it took."""
        return lambda: self.request("GET", path)[0]


def interleaved(base, pages, rounds, requests):
    """Median seconds of ``base`` and of each of ``pages`` (callables returning the
    seconds one request took), and each page's ratio to ``base``.

    The machine's speed drifts, so each round times ``requests`` of base and then
    of every page, and a page's ratio is the median of its per-round ratios.
    """
    base_times = []
    times = {name: [] for name in pages}
    ratios = {name: [] for name in pages}
    for _ in range(rounds):
        base_runs = [base() for _ in range(requests)]
        base_times += base_runs
        for name, timed in pages.items():
            runs = [timed() for _ in range(requests)]
            times[name] += runs
            ratios[name].append(statistics.median(runs) / statistics.median(base_runs))
    return (
        statistics.median(base_times),
        {name: statistics.median(runs) for name, runs in times.items()},
        {name: statistics.median(runs) for name, runs in ratios.items()},
    )


def framework_pk(workdir, slug):
    code = (
        f"from comparisons.models import Framework; print(Framework.objects.get(slug={slug!r}).pk)"
    )
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        capture_output=True, text=True, env=server_env(Path(workdir)), check=True,
    ).stdout  # fmt: skip
    return int(out.split()[-1])


def editors(args):
    """Median time of each editor page over /admin/'s, in interleaved rounds."""
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_server(workdir, workers=args.workers, extra_env={"CACHE_URL": "locmem://"}) as site,
    ):
        session = Session(site, editor_session(site))
        change = f"/admin/comparisons/framework/{framework_pk(workdir, 'django')}/change/"
        pages = {
            "framework change page (GET)": change,
            "framework change page (save one row)": change,
            "fact matrix": "/admin/comparisons/support/matrix/",
            "re-check, every fact due": "/admin/comparisons/framework/facts-to-recheck/"
            "?due=2099-12-31",
        }
        titles = ["Fast to start", "Quick to start"]
        saves = itertools.count()

        def save():
            _, html = session.request("GET", change)  # untimed: the editor opens the page
            data = form_data(html.decode(), "framework_form")
            data["pros_cons-0-title"] = titles[next(saves) % 2]  # a real change every time
            elapsed, _ = session.request("POST", change, data)
            return elapsed

        for path in ["/admin/", *pages.values()]:  # warm up
            session.request("GET", path)
        timed = {name: session.timer(path) for name, path in pages.items()}
        timed["framework change page (save one row)"] = save
        base, times, ratios = interleaved(
            session.timer("/admin/"), timed, EDITOR_ROUNDS, EDITOR_REQUESTS
        )
        # the size of each page as sent
        sizes = {name: len(session.request("GET", path)[1]) for name, path in pages.items()}
    print(f"\nEditors ({EDITOR_ROUNDS} rounds of {EDITOR_REQUESTS} requests per page, "
          "one connection, interleaved with /admin/)")  # fmt: skip
    print(f"{'page':<48} {'median ms':>10} {'x /admin/':>10} {'KB':>6}")
    print(f"{'/admin/':<48} {base * 1000:>10.1f} {1:>10.2f}")
    failures = []
    for name in pages:
        ratio = ratios[name]
        print(f"{name:<48} {times[name] * 1000:>10.1f} {ratio:>10.2f} "
              f"{sizes[name] // 1024:>6}")  # fmt: skip
        if ratio > EDITOR_TARGET:
            failures.append(f"{name}: {ratio:.2f}x /admin/, above {EDITOR_TARGET}x")
    return failures


# Every reader request renders afresh: no page cache, and the per-process memo of
# rendered comparisons and profiles keeps nothing.
FRESH_ENV = {"CACHE_URL": "dummy://", "READER_MEMO_BYTES": "0"}
FRESH_PAGES = [
    "/compare/django-vs-flask/",  # with an article
    "/compare/aiohttp-vs-tornado/",  # generated: no article
    "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/",
    "/frameworks/django/",
]
FRESH_TARGET = 40.0  # times /healthz
FRESH_ROUNDS = 9
FRESH_REQUESTS = 10  # per page per round
FRESH_BASE_REQUESTS = 100  # of /healthz per round

# The sections of a comparison or profile whose list items are facts.
FACT_SECTION = re.compile(r"[^>]*(features|fits|use-cases|adopters|pros-?cons)-heading")


def cells(html):
    """The fact cells a page shows: its <td> and <dd> elements, and the <li> items of
    its feature, use-case, user and pro/con lists (the profile lists what a
    comparison puts in tables)."""
    listed = sum(
        section.count("<li")
        for section in html.split("<section")[1:]
        if FACT_SECTION.match(section)
    )
    return html.count("<td") + html.count("<dd") + listed


def worker_pids(site):
    """The gunicorn workers serving ``site``: the processes its master forked."""
    bind = urllib.parse.urlsplit(site).netloc.encode()
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        if b"gunicorn" in cmdline and bind in cmdline:
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return [pid for pid, parent in parents.items() if parent in parents]


def cpu_seconds(pids):
    """CPU time the processes have used, to the nanosecond (/proc/<pid>/schedstat)."""
    return sum(int(Path(f"/proc/{pid}/schedstat").read_text().split()[0]) for pid in pids) / 1e9


def fresh_renders(site, pages):
    """The median CPU ms per request of /healthz, and for each of ``pages`` ({name:
    path}) its median CPU ms, its ratio to /healthz, its size as sent and its cells.

    CPU is the server's: what its workers used while answering a batch of requests
    (FRESH_BASE_REQUESTS of /healthz, FRESH_REQUESTS of a page), divided by the batch.
    """
    session = Session(site)
    for path in ["/healthz", *pages.values()]:  # warm up; fails unless each answers 200
        session.request("GET", path)
    pids = worker_pids(site)

    def cpu_per_request(path, count):
        def timed():
            start = cpu_seconds(pids)
            for _ in range(count):
                session.request("GET", path)
            return (cpu_seconds(pids) - start) / count

        return timed

    timed = {name: cpu_per_request(path, FRESH_REQUESTS) for name, path in pages.items()}
    base, times, ratios = interleaved(
        cpu_per_request("/healthz", FRESH_BASE_REQUESTS), timed, FRESH_ROUNDS, 1
    )
    rows = {}
    for name, path in pages.items():
        plain = urllib.request.urlopen(site + path).read().decode()  # not compressed
        rows[name] = {
            "ms": times[name] * 1000,
            "ratio": ratios[name],
            "kb": len(session.request("GET", path)[1]) / 1024,
            "cells": cells(plain),
        }
    return base * 1000, rows


def fresh(args):
    """Readers' pages rendered afresh, against /healthz: the server's CPU per request,
    read from its workers' /proc/<pid>/schedstat around each batch of requests.
    """
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_server(workdir, workers=args.workers, extra_env=FRESH_ENV) as site,
    ):
        base, rows = fresh_renders(site, {path: path for path in FRESH_PAGES})
    print(f"\nFresh renders (server CPU per request: {FRESH_ROUNDS} rounds of {FRESH_REQUESTS} "
          f"requests per page and {FRESH_BASE_REQUESTS} of /healthz, one connection; "
          "no page cache, no memo)")  # fmt: skip
    print(f"{'page':<48} {'CPU ms':>10} {'x /healthz':>11} {'KB':>6} {'cells':>6}")
    print(f"{'/healthz':<48} {base:>10.2f} {1:>11.1f}")
    failures = []
    for name, row in rows.items():
        print(f"{name:<48} {row['ms']:>10.1f} {row['ratio']:>11.1f} "
              f"{row['kb']:>6.0f} {row['cells']:>6}")  # fmt: skip
        if row["ratio"] > FRESH_TARGET:
            failures.append(
                f"{name} (fresh): {row['ratio']:.1f}x /healthz, above {FRESH_TARGET:.0f}x"
            )
    return failures


# A synthetic catalogue (tests/factories.py build_catalogue) about the size of the
# initial content per page at 1x: 20 features, 10 traits, 17 use cases, 4 users
# and 8 pros and cons per framework. SCALED rows grow with the scale; the number
# of frameworks and feature categories does not.
CATALOGUE = {"frameworks": 8, "categories": 5, "features_per_category": 4, "traits": 10,
             "use_cases": 17, "companies": 32, "pros_cons": 4}  # fmt: skip
SCALED = ["features_per_category", "traits", "use_cases", "companies", "pros_cons"]
SCALES = [1, 20]
SCALE_PAGES = {
    "4-way comparison": "/compare/bigframe-00-vs-bigframe-01-vs-bigframe-02-vs-bigframe-03/",
    "profile": "/frameworks/bigframe-00/",
}
BUILD_CATALOGUE = """
from pagecache.caching import bump_content_version
from tests.factories import build_catalogue

build_catalogue(**{shape!r})
bump_content_version()  # bulk_create sends no signals
"""


def build_catalogue_database(workdir, scale):
    """Migrate workdir's database and fill it with the catalogue at ``scale``; the
    server's seed --if-empty then leaves it alone."""
    shape = {key: n * scale if key in SCALED else n for key, n in CATALOGUE.items()}
    env = server_env(Path(workdir), FRESH_ENV)
    for command in (["migrate", "--no-input", "-v", "0"],
                    ["shell", "-v", "0", "-c", BUILD_CATALOGUE.format(shape=shape)]):  # fmt: skip
        subprocess.run([sys.executable, str(ROOT / "manage.py"), *command], cwd=ROOT, env=env,
                       check=True)  # fmt: skip


def canonical(site, path):
    """The address a page answers at (a comparison redirects to its canonical order)."""
    return urllib.parse.urlsplit(urllib.request.urlopen(site + path).geturl()).path


def scale(args):
    """Fresh renders over the synthetic catalogue at 1x and 20x the rows per page:
    a render's cost, as a ratio to /healthz, should grow no faster than its cells."""
    results = []
    for factor in SCALES:
        with tempfile.TemporaryDirectory() as workdir:
            build_catalogue_database(workdir, factor)
            with running_server(workdir, workers=args.workers, extra_env=FRESH_ENV) as site:
                pages = {name: canonical(site, path) for name, path in SCALE_PAGES.items()}
                results.append(fresh_renders(site, pages))
    (low_base, low), (high_base, high) = results
    print(f"\nScale (synthetic catalogue, {CATALOGUE['frameworks']} frameworks, at "
          f"{SCALES[0]}x and {SCALES[1]}x the rows per page; fresh renders as above)")  # fmt: skip
    print(f"{'page':<18} {'ms 1x':>7} {'ms 20x':>7} {'ratio 1x':>9} {'ratio 20x':>10} "
          f"{'cells 1x':>9} {'cells 20x':>10} {'cost growth':>12} {'cell growth':>12}")  # fmt: skip
    print(f"{'/healthz':<18} {low_base:>7.1f} {high_base:>7.1f}")
    failures = []
    for name in SCALE_PAGES:
        cost = high[name]["ratio"] / low[name]["ratio"]
        grown = high[name]["cells"] / low[name]["cells"]
        print(f"{name:<18} {low[name]['ms']:>7.1f} {high[name]['ms']:>7.1f} "
              f"{low[name]['ratio']:>9.1f} {high[name]['ratio']:>10.1f} {low[name]['cells']:>9} "
              f"{high[name]['cells']:>10} {cost:>12.1f} {grown:>12.1f}")  # fmt: skip
        if cost > grown:
            failures.append(f"{name} at {SCALES[1]}x: cost grew {cost:.1f}x, cells {grown:.1f}x")
    return failures


def report(cache_mode, results):
    print(f"\nCache {cache_mode} (CACHE_URL={'locmem://' if cache_mode == 'on' else 'dummy://'})")
    print(f"{'URL':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'ratio':>6} {'non-2xx':>8}")
    failures = []
    for path, r in results.items():
        ratio = r["rps"] / r["base"]
        print(f"{path:<48} {r['rps']:>8.0f} {r['p50']:>8.2f} {r['p99']:>8.2f} "
              f"{ratio:>6.2f} {r['non2xx']:>8}")  # fmt: skip
        if r["non2xx"]:
            failures.append(f"{path}: {r['non2xx']} non-2xx responses")
        is_target = path in URLS[1:] and (cache_mode == "on" or path.startswith("/compare/"))
        if is_target and ratio < TARGETS[cache_mode]:
            failures.append(f"{path}: ratio {ratio:.2f} below {TARGETS[cache_mode]}")
    return failures


SOAK_PAGES = [
    "/", "/frameworks/", "/frameworks/django/", "/compare/", "/compare/django-vs-flask/",
    "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/", "/compare/fastapi-vs-flask/",
    "/features/orm/", "/use-cases/realtime/", "/search/?q=async", "/data/support.csv",
    "/quiz/", "/healthz",
]  # fmt: skip
SOAK_ANSWERS = [
    "experience=python-basics&goal=get-a-job",
    "experience=comfortable-oop&goal=build-a-product&project=rest-api&concurrency=async-heavy",
    "experience=new-to-python&goal=learn-the-web",
    "experience=built-web-apps&project=microservices&style=freedom",
]

# Every fifth request submits the quiz (a 303 counts as success); the rest read
# pages. The quiz needs no cookie or token: it refuses cross-site posts by their
# Sec-Fetch-Site and Origin headers, and wrk sends neither. Errors are responses
# of 400 and above; wrk adds socket errors.
SOAK_SCRIPT = """
local pages = {%(pages)s}
local answers = {%(answers)s}
local n = 0
local errors = 0
request = function()
  n = n + 1
  if n %% 5 == 0 then
    local body = answers[(n / 5) %% #answers + 1]
    return wrk.format("POST", "/quiz/", {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Accept-Encoding"] = "gzip, deflate, br"}, body)
  end
  return wrk.format("GET", pages[n %% #pages + 1], {["Accept-Encoding"] = "gzip, deflate, br"})
end
response = function(status, headers, body)
  if status >= 400 then errors = errors + 1 end
end
done = function(summary, latency, requests)
  io.write(string.format("non2xx %%d\\n", errors))
end
"""


def soak(args):
    with (
        tempfile.TemporaryDirectory() as workdir,
        running_server(workdir, workers=args.workers, extra_env={"CACHE_URL": "locmem://"}) as site,
    ):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(SOAK_SCRIPT % {
                "pages": ", ".join(f'"{p}"' for p in SOAK_PAGES),
                "answers": ", ".join(f'"{a}"' for a in SOAK_ANSWERS),
            })  # fmt: skip
        r = run_wrk(site + "/", args.seconds, args.connections, script.name)
        results = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c",
             "from recommender.models import Result; print(Result.objects.count())"],
            capture_output=True, text=True, env=server_env(Path(workdir)),
        ).stdout.strip()  # fmt: skip
    print(f"Soak: {args.connections} connections for {args.seconds} s, {args.workers} workers")
    print(f"requests {r['requests']}, {r['rps']:.0f} req/s, p50 {r['p50']:.1f} ms, "
          f"p99 {r['p99']:.1f} ms, errors {r['non2xx']}")  # fmt: skip
    print(f"quiz results stored: {results.splitlines()[-1] if results else '?'}")
    return [f"{r['non2xx']} errors during the soak"] if r["non2xx"] else []


RUNS = {"editors": editors, "fresh": fresh, "scale": scale}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--modes",
        default="on,off,editors,fresh,scale",
        help="what to run: on, off (cache modes), editors, fresh, scale",
    )
    parser.add_argument("--soak", action="store_true", help="64 connections for 60 s, mixed")
    args = parser.parse_args()
    if args.soak:
        args.connections = 64 if args.connections == 16 else args.connections
        args.seconds = 60 if args.seconds == 10 else args.seconds
        args.workers = 4 if args.workers == 2 else args.workers
    modes = args.modes.split(",")
    needs_wrk = args.soak or {"on", "off"} & set(modes)
    if needs_wrk and not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(NON_2XX_SCRIPT)
    if args.soak:
        failures = soak(args)
        print("\nNo errors." if not failures else "\nMissed:\n  " + "\n  ".join(failures))
        sys.exit(1 if failures else 0)
    wrk = f"wrk: {args.connections} connections, {args.seconds} s per URL; " if needs_wrk else ""
    print(f"{wrk}gunicorn: {args.workers} sync workers; production settings, SQLite")
    failures = []
    for mode in modes:
        if mode in RUNS:
            failures += RUNS[mode](args)
        else:
            failures += report(mode, bench(mode, args, script.name))
    print(
        "\nAll targets met, no errors." if not failures else "\nMissed:\n  " + "\n  ".join(failures)
    )
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
