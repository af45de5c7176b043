"""Open Graph images: a 1200x630 PNG for each comparison, profile and quiz verdict.

Link previews (chat apps, social sites) show them. They are drawn with Pillow's
bundled font, so the site needs no system font, and kept per content version like
the pages they belong to: ``reader_cache`` keeps the response, ``drawn_images``
the drawing when there is no cache (``dummy://``).
"""

import io
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_safe
from PIL import Image, ImageDraw, ImageFont

from pagecache.caching import VersionedMemo, reader_cache
from recommender.models import Result
from recommender.scoring import present

from .models import Framework
from .views import _article_for, _canonical_order, _resolve_set

WIDTH, HEIGHT = 1200, 630
MARGIN = 80
BACKGROUND, TEXT, MUTED, ACCENT = "#ffffff", "#1c2230", "#5b6475", "#2454c5"
TITLE_SIZES = range(84, 43, -4)  # the largest size the title fits in wins
TITLE_BOX = 260  # the most height the title may take
LINE_SIZE, LINE_LINES = 32, 2
COLOURS = 16  # a few colours keep the PNG small; the text stays smooth
COMPARISON_LINE = "Features, use cases, users, pros and cons side by side, with sources"


@dataclass(frozen=True)
class Card:
    """A drawn image and its canonical address."""

    url: str
    png: bytes


# Drawn images, per process, until the content changes, within READER_MEMO_BYTES.
drawn_images = VersionedMemo(
    size=100_000, max_bytes=settings.READER_MEMO_BYTES, weigh=lambda card: len(card.png)
)


def _answer(request, card):
    if request.path != card.url:
        return redirect(card.url, permanent=True)
    return HttpResponse(card.png, content_type="image/png")


@require_safe
@reader_cache
def comparison_image(request, slugs):
    # Like views.compare: every order of the same frameworks is one image, drawn
    # once, and other orders are redirected to the canonical one.
    requested = tuple(sorted(slug.lower() for slug in slugs.split("-vs-")))
    card = drawn_images.get(("compare", requested), lambda: _comparison_card(requested))
    return _answer(request, card)


def _comparison_card(requested):
    frameworks, problem = _resolve_set(list(requested))
    if problem:
        raise Http404(problem)  # raised, so the memo keeps nothing
    article = _article_for(frameworks)
    frameworks = _canonical_order(frameworks, article)
    slugs = "-vs-".join(f.slug for f in frameworks)
    title = article.title if article else " vs ".join(f.name for f in frameworks)
    return Card(
        url=reverse("comparisons:og_compare", kwargs={"slugs": slugs}),
        png=draw("Comparison", title, COMPARISON_LINE),
    )


@require_safe
@reader_cache
def framework_image(request, slug):
    card = drawn_images.get(("framework", slug), lambda: _framework_card(slug))
    return _answer(request, card)


def _framework_card(slug):
    framework = get_object_or_404(Framework.objects.published(), slug=slug)
    return Card(
        url=reverse("comparisons:og_framework", kwargs={"slug": framework.slug}),
        png=draw(
            framework.get_kind_display(), framework.name, framework.tagline or framework.summary
        ),
    )


@require_safe
@reader_cache(store=False)  # one image per visitor: a shared cache may keep it
def verdict_image(request, token):
    card = drawn_images.get(("verdict", token), lambda: _verdict_card(token))
    response = _answer(request, card)
    response["X-Robots-Tag"] = "noindex"  # like the result page it belongs to
    return response


def _verdict_card(token):
    """The verdict as its result page shows it: from the stored snapshot, which
    keeps saying the same thing after the quiz changes."""
    result = get_object_or_404(Result, token=token)
    if not result.snapshot.get("ranking"):
        raise Http404("This verdict cannot be shown.")
    reading = present(result.snapshot)  # the page's title and description say the same
    return Card(
        url=reverse("comparisons:og_verdict", kwargs={"token": result.token}),
        png=draw("Quiz verdict", reading["card_title"], reading["description"]),
    )


# --- Drawing ---------------------------------------------------------------------


@lru_cache
def _font(size):
    """Pillow's bundled font (Aileron), scalable since Pillow 10.1."""
    return ImageFont.load_default(size=size)


@lru_cache(maxsize=1024)
def _has_glyph(char):
    font = _font(LINE_SIZE)
    return bytes(font.getmask(char)) != bytes(font.getmask("\ue000"))  # not the "no glyph" box


# The bundled font covers ASCII and a little punctuation; the rest is spelled with it.
_SPELLING = str.maketrans({"–": "-", "—": "-", "‐": "-", "−": "-", "\u00a0": " "})


def _drawable(text):
    """``text`` in characters the font has: accents dropped, dashes as hyphens."""
    text = unicodedata.normalize("NFKD", text.translate(_SPELLING))
    return "".join(
        char for char in text if not unicodedata.combining(char) and _has_glyph(char)
    ).strip()


def _wrap(text, font, width, stroke=0):
    """``text`` in lines no wider than ``width``; a word too long for a line is cut."""

    def fits(line):
        return font.getlength(line) + 2 * stroke <= width

    lines = []
    for word in text.split():
        candidate = f"{lines[-1]} {word}" if lines else word
        if lines and fits(candidate):
            lines[-1] = candidate
            continue
        lines.append("")
        for char in word:
            if lines[-1] and not fits(lines[-1] + char):
                lines.append("")
            lines[-1] += char
    return lines


def _fit(text, font, width, max_lines, stroke=0):
    """At most ``max_lines`` lines of ``text``; the last ends in "…" if text is left over."""
    lines = _wrap(text, font, width, stroke)
    if len(lines) <= max_lines:
        return lines
    last = lines[max_lines - 1]
    while last and font.getlength(last + "…") + 2 * stroke > width:
        last = last[:-1]
    return [*lines[: max_lines - 1], last.rstrip(" ,.;:") + "…"]


def _title_lines(title, width):
    """The title at the largest size at which it fits its box, else cut at the smallest."""
    for size in TITLE_SIZES:
        font, stroke = _font(size), _title_stroke(size)
        lines = _wrap(title, font, width, stroke)
        if len(lines) * _leading(size) <= TITLE_BOX:
            return font, stroke, lines
    size = TITLE_SIZES[-1]
    font, stroke = _font(size), _title_stroke(size)
    return font, stroke, _fit(title, font, width, TITLE_BOX // _leading(size), stroke)


def _title_stroke(size):
    return 2 if size >= 60 else 1  # the font has no bold: a stroke in the same colour


def _leading(size):
    return round(size * 1.18)


def _wordmark(draw):
    """The site's mark (as in its favicon) and name, top left."""
    x, y, side = MARGIN, 56, 56
    draw.rounded_rectangle((x, y, x + side, y + side), radius=10, fill=ACCENT)
    inner = (x + 12, y + 12, x + side - 12, y + side - 12)
    draw.rounded_rectangle(inner, radius=3, outline=BACKGROUND, width=4)
    draw.rectangle((inner[0], inner[1], (inner[0] + inner[2]) // 2, inner[3]), fill=BACKGROUND)
    draw.text((x + side + 18, y + side // 2), "Pickframe", font=_font(40), fill=TEXT,
              anchor="lm", stroke_width=1, stroke_fill=TEXT)  # fmt: skip


def draw(kicker, title, line):
    """A 1200x630 PNG: the wordmark, ``kicker`` (what the page is), ``title`` large and
    ``line`` under it. Long text is wrapped, shrunk and cut, never drawn off the canvas."""
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    canvas = ImageDraw.Draw(image)
    width = WIDTH - 2 * MARGIN
    canvas.rectangle((0, 0, 15, HEIGHT), fill=ACCENT)
    _wordmark(canvas)
    kicker = _fit(_drawable(kicker).upper(), _font(26), width // 2, 1)
    if kicker:
        canvas.text((WIDTH - MARGIN, 84), kicker[0], font=_font(26), fill=ACCENT, anchor="rm")

    font, stroke, title_lines = _title_lines(_drawable(title), width)
    line_font = _font(LINE_SIZE)
    lines = _fit(_drawable(line), line_font, width, LINE_LINES)
    title_height = len(title_lines) * _leading(font.size)
    gap = 28 if lines else 0
    height = title_height + gap + len(lines) * _leading(LINE_SIZE)
    top, bottom = 150, HEIGHT - 50  # below the wordmark; the block is centred between
    y = top + max(0, (bottom - top - height) // 2)
    for text in title_lines:
        canvas.text((MARGIN, y), text, font=font, fill=TEXT, stroke_width=stroke, stroke_fill=TEXT)
        y += _leading(font.size)
    y += gap
    for text in lines:
        canvas.text((MARGIN, y), text, font=line_font, fill=MUTED)
        y += _leading(LINE_SIZE)

    encoded = io.BytesIO()
    image.quantize(COLOURS, dither=Image.Dither.NONE).save(encoded, "PNG", optimize=True)
    return encoded.getvalue()
