from django.conf import settings
from django.db import DatabaseError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from pagecache.caching import reader_cache, without_query

from . import scoring
from .models import Quiz, Result, StepCount

MAX_BODY_BYTES = 10_000  # seven short answers need a few hundred bytes


def _quiz_page(request, quiz, answers, problems=(), status=200, notice=""):
    return render(
        request,
        "recommender/quiz.html",
        {
            "questions": quiz.questions,
            "answers": answers,
            "problems": problems,
            "notice": notice,
            "title": "Which Python web framework should you use?",
            "description": "Answer a few questions and get a verdict that shows its reasons.",
            "breadcrumbs": [
                ("Home", reverse("comparisons:home")),
                ("Quiz", reverse("recommender:quiz")),
            ],
        },
        status=status,
    )


def sent_from_another_site(request):
    """Whether a browser sent this form from another site's page.

    The quiz is anonymous, so it protects its form without a CSRF cookie (a cookie
    would make the quiz page, and every page read after it, impossible to share
    from a cache). Browsers say where a form came from: ``Sec-Fetch-Site`` in all
    current ones, ``Origin`` in older ones. A request with neither was not sent by
    a browser page, so no other site can have made a visitor send it.
    """
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    own = f"{request.scheme}://{request.get_host()}"
    return origin != own and origin not in settings.CSRF_TRUSTED_ORIGINS


@csrf_exempt  # checked by sent_from_another_site, without a cookie
@reader_cache(params=lambda: Quiz.load().by_slug, store=without_query)
def quiz(request):
    """GET shows the quiz (pre-filled from the query string); POST scores and stores it."""
    if request.method not in ("GET", "HEAD", "POST"):
        response = render(
            request,
            "recommender/quiz_error.html",
            {
                "problem": f"The quiz does not accept {request.method} requests.",
                "title": "Not allowed",
            },
            status=405,
        )
        response["Allow"] = "GET, HEAD, POST"
        return response
    quiz = Quiz.load()
    if request.method == "POST":
        if sent_from_another_site(request):
            return render(request, "403_csrf.html", {"cross_site": True}, status=403)
        return _take(request, quiz)
    answers, problems = quiz.check(request.GET, require=False)
    notice = "Some answers in the link were not recognised and were left blank." if problems else ""
    return _quiz_page(request, quiz, answers, notice=notice if request.GET else "")


def _body_too_large(request, limit=MAX_BODY_BYTES):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:  # a malformed Content-Length is treated as too large
        return True


def _take(request, quiz):
    if _body_too_large(request):
        return _quiz_page(request, quiz, {}, ["That submission is too large to be a quiz."], 400)
    answers, problems = quiz.check(request.POST)
    if problems:
        return _quiz_page(request, quiz, answers, problems, status=400)
    verdict = quiz.verdict(answers)
    result = Result.objects.create(
        answers=answers, winner=verdict["ranking"][0]["framework"], snapshot=verdict
    )
    StepCount.record(StepCount.FINISHED)
    return HttpResponseRedirect(result.get_absolute_url(), status=303)


MAX_STEP_BYTES = 64  # "step=question-12" is 16 bytes


def _said(text, status, **headers):
    """A short plain-text answer to a beacon (nobody reads it but a developer)."""
    return HttpResponse(text + "\n", status=status, content_type="text/plain", headers=headers)


@csrf_exempt  # checked by sent_from_another_site, without a cookie
def step(request):
    """quiz.js's beacon: one more visitor reached a step of the quiz (the funnel).

    It counts and nothing more: it reads no cookie or session, nothing that says
    who the visitor is, sets no cookie, and the counter keeps no row per visitor. Anything but
    a same-site POST of exactly ``step=<a step of this quiz>`` is refused and
    counts nothing. "finished" is counted by the quiz itself, never by a beacon.
    """
    if request.method != "POST":
        return _said("Send a quiz step with POST.", 405, Allow="POST")
    if sent_from_another_site(request):
        return _said("Refused: sent from another website.", 403)
    if _body_too_large(request, MAX_STEP_BYTES):
        return _said("Too large to be a quiz step.", 413)
    if request.content_type not in ("", "application/x-www-form-urlencoded"):
        return _said("Send the step as a form field.", 415)
    fields = list(request.POST.lists())
    if len(fields) != 1 or fields[0][0] != "step" or len(fields[0][1]) != 1:
        return _said("Send exactly one field, step.", 400)
    name = fields[0][1][0]
    try:
        steps = StepCount.steps(len(Quiz.load().questions))
    except DatabaseError:
        return _said("Not counted, try later.", 503)
    if name not in steps or name == StepCount.FINISHED:
        return _said("The quiz has no such step.", 400)
    if not StepCount.record(name):
        return _said("Not counted, try later.", 503)
    return HttpResponse(status=204)


@require_safe
@reader_cache(store=False)  # one page per visitor: a shared cache may keep it
def result(request, token):
    result = get_object_or_404(Result, token=token)
    snapshot = result.snapshot
    if not snapshot.get("ranking"):
        raise Http404("This verdict cannot be shown.")
    reading = scoring.present(snapshot)
    winner, runner_up = reading["winner"], reading["runner_up"]
    # In quiz order from the snapshot (JSON objects do not keep key order on PostgreSQL).
    change_link = (
        reverse("recommender:quiz")
        + "?"
        + urlencode([(a["question"], a["choice"]) for a in snapshot["answers"]])
    )
    response = render(
        request,
        "recommender/result.html",
        {
            "result": result,
            "snapshot": snapshot,
            "reading": reading,
            "winner": winner,
            "runner_up": runner_up,
            "others": snapshot["ranking"][2:],
            "top_reasons": sorted(
                (c for c in winner["contributions"] if c["points"] > 0),
                key=lambda c: -c["points"],
            )[:2],
            "what_ifs": _what_ifs(snapshot),
            "tensions": [a for a in snapshot.get("advice", ()) if a.get("tension")],
            "advice": [a for a in snapshot.get("advice", ()) if not a.get("tension")],
            "next_steps": snapshot.get("next_steps") or _old_next_steps(reading),
            "chart": _chart(snapshot["ranking"]),
            "change_link": change_link,
            "title": reading["title"],
            "description": reading["description"],
            "og_type": "article",
            "og_image": reverse("comparisons:og_verdict", kwargs={"token": result.token}),
        },
    )
    # One visitor's answers: shareable by link, never listed by a search engine (the
    # page says so too, for crawlers that read only the page).
    response["X-Robots-Tag"] = "noindex"
    return response


def _what_ifs(snapshot):
    """The verdict's what-ifs; a verdict stored before there were several has one."""
    if "what_ifs" in snapshot:
        return snapshot["what_ifs"]
    return [snapshot["flip"]] if snapshot.get("flip") else []


def _old_next_steps(reading):
    """Next steps of a verdict stored before they were: its comparison, found by the
    picker (which redirects to the canonical address)."""
    compared = [e["framework"] for e in reading["picks"]]
    if len(compared) == 1 and reading["runner_up"]:
        compared.append(reading["runner_up"]["framework"])
    if len(compared) < 2:
        return {}
    names = [e["name"] for e in reading["picks"]]
    if len(names) == 1:
        names.append(reading["runner_up"]["name"])
    return {
        "compare": {
            "title": " vs ".join(names[:4]),
            "url": reverse("comparisons:compare_index")
            + "?"
            + urlencode([("f", slug) for slug in compared[:4]]),
        }
    }


CHART_ROW, CHART_LABEL, CHART_BAR = 34, 110, 300


def _chart(ranking):
    """Bar geometry for the inline SVG score chart (negative scores draw leftwards)."""
    low = min(0, *(r["score"] for r in ranking))
    high = max(1, *(r["score"] for r in ranking))
    scale = CHART_BAR / (high - low)
    zero = CHART_LABEL + (-low) * scale
    bars = []
    for i, row in enumerate(ranking):
        width = abs(row["score"]) * scale
        x = zero if row["score"] >= 0 else zero - width
        bars.append(
            {
                **row,
                "y": i * CHART_ROW + 6,
                "x": round(x, 1),
                "width": round(max(width, 1), 1),
                "text_x": round(max(zero, x + width) + 6, 1),
                "label_y": i * CHART_ROW + 22,
                "winner": i == 0,
            }
        )
    return {
        "bars": bars,
        "zero": round(zero, 1),
        "height": len(ranking) * CHART_ROW + 8,
        "width": CHART_LABEL + CHART_BAR + 50,
    }
