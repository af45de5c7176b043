from django.conf import settings
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from pagecache.caching import reader_cache

from .models import Quiz, Result

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
@reader_cache
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


def _body_too_large(request):
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
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
    return HttpResponseRedirect(result.get_absolute_url(), status=303)


@require_safe
@reader_cache
def result(request, token):
    result = get_object_or_404(Result, token=token)
    snapshot = result.snapshot
    ranking = snapshot["ranking"]
    winner, runner_up = ranking[0], ranking[1] if len(ranking) > 1 else None
    # In quiz order from the snapshot (JSON objects do not keep key order on PostgreSQL).
    change_link = (
        reverse("recommender:quiz")
        + "?"
        + urlencode([(a["question"], a["choice"]) for a in snapshot["answers"]])
    )
    return render(
        request,
        "recommender/result.html",
        {
            "result": result,
            "snapshot": snapshot,
            "winner": winner,
            "runner_up": runner_up,
            "lead": winner["score"] - runner_up["score"] if runner_up else 0,
            "top_reasons": sorted(
                (c for c in winner["contributions"] if c["points"] > 0),
                key=lambda c: -c["points"],
            )[:2],
            "chart": _chart(ranking),
            "change_link": change_link,
            "compare_link": runner_up
            and reverse("comparisons:compare_index")
            + "?"
            + urlencode([("f", winner["framework"]), ("f", runner_up["framework"])]),
            "title": f"Your verdict: {winner['name']}",
            "description": _share_text(winner, runner_up),
            "og_type": "article",
            "og_image": reverse("comparisons:og_verdict", kwargs={"token": result.token}),
        },
    )


def _share_text(winner, runner_up):
    text = f"Pickframe's quiz recommends {winner['name']} with {winner['score']} points"
    if runner_up:
        text += f", ahead of {runner_up['name']} ({runner_up['score']})"
    return text + ". See which answers decided it."


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
