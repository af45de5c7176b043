"""Request every source's address and record what answered.

For each source with an address: a HEAD request (a GET where HEAD is refused),
following redirects and recording each hop, with a timeout, a few requests at
a time and a User-Agent that says who is asking. The answer's status, final
address and time are written to the source (only those columns, so an editor
saving the source at the same moment loses nothing). Broken and moved sources
are listed on the admin's "Facts to re-check" page with the facts citing them.

Run it daily (docs/deploy.md).
"""

import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import timezone

from comparisons.models import Source

MAX_REDIRECTS = 10
# Answers to a HEAD request that mean "ask me with GET instead".
HEAD_REFUSED = {403, 404, 405, 501}


@dataclass
class Answer:
    status: int = 0  # 0: no answer at all
    final_url: str = ""
    redirects: list = field(default_factory=list)
    error: str = ""


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects as urllib does, remembering each hop and keeping HEAD a HEAD."""

    max_redirections = MAX_REDIRECTS

    def __init__(self):
        self.hops = []

    def redirect_request(self, request, fp, code, msg, headers, newurl):
        self.hops.append({"status": code, "to": newurl})
        new = super().redirect_request(request, fp, code, msg, headers, newurl)
        if new is not None and request.get_method() == "HEAD":
            new.method = "HEAD"
        return new


def request(url, method, timeout, user_agent):
    """One request, redirects followed: an Answer."""
    redirects = _Redirects()
    opener = urllib.request.build_opener(redirects)
    asked = urllib.request.Request(url, method=method, headers={"User-Agent": user_agent})
    try:
        with opener.open(asked, timeout=timeout) as response:
            if method == "GET":
                response.read(1024)  # enough to know it answers; no need for the page
            return Answer(response.status, response.url, redirects.hops)
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.url or url, redirects.hops, error.reason or "")
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Answer(0, "", redirects.hops, str(reason)[:200] or type(error).__name__)


def check(url, timeout, user_agent):
    """HEAD, then GET where HEAD is refused or fails."""
    answer = request(url, "HEAD", timeout, user_agent)
    if answer.status in HEAD_REFUSED or answer.status == 0 and "timed out" not in answer.error:
        answer = request(url, "GET", timeout, user_agent)
    return answer


class Command(BaseCommand):
    help = "Request every source's address and record its status and final address."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=settings.SOURCE_CHECK_TIMEOUT)
        parser.add_argument("--workers", type=int, default=settings.SOURCE_CHECK_WORKERS)

    def ask(self, urls, timeout, workers):
        """An Answer for each address, a few requests at a time."""
        agent = settings.SOURCE_CHECK_USER_AGENT
        with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
            return list(pool.map(lambda url: check(url, timeout, agent), urls))

    def handle(self, *args, timeout, workers, **options):
        sources = list(Source.objects.exclude(url="").values_list("pk", "url"))
        answers = self.ask([url for _, url in sources], timeout, workers)
        now = timezone.now()
        counts = {"ok": 0, "moved": 0, "broken": 0}
        for (pk, url), answer in zip(sources, answers, strict=True):
            # Only the check's own columns: an editor's save at the same time stays whole.
            Source.objects.filter(pk=pk).update(
                checked_at=now,
                check_status=answer.status,
                final_url=answer.final_url,
                redirects=answer.redirects,
                check_error=answer.error,
            )
            if not 200 <= answer.status < 400:
                counts["broken"] += 1
                detail = answer.error or f"HTTP {answer.status}"
                self.stdout.write(f"broken  {url}  ({detail})")
            elif answer.final_url and answer.final_url != url:
                counts["moved"] += 1
                self.stdout.write(f"moved   {url}  ->  {answer.final_url}")
            else:
                counts["ok"] += 1
        self.stdout.write(
            f"Checked {len(sources)} source address(es): {counts['ok']} fine, "
            f"{counts['moved']} moved, {counts['broken']} broken."
        )
