"""The one way Markdown becomes HTML on this site.

Pages (through the ``markdown`` template filter) and the admin's live preview
(through ``MARKDOWNX_MARKDOWNIFY_FUNCTION``) both call ``render_markdown``, so an
editor previews exactly what a reader will get. Markdown lets authors write raw
HTML, so its output is run through nh3, an allow-list sanitizer: anything not
listed below (scripts, event handlers, iframes, styles, forms, ``javascript:``
or ``data:`` URLs) is removed before it reaches a browser.

Editor text must never take a page down. The parser is markdown-it-py
(CommonMark, in time linear in the text's length, plus GitHub-style tables);
every Markdown field has a length limit (``MarkdownLengthValidator``), and no text
longer than ``MAX_CHARS`` is parsed at all. A text that is too long anyway (saved
before the limits) or that fails to render is shown as escaped plain text in
paragraphs, and the failure is logged, instead of failing the page.
"""

import functools
import html
import logging
import re

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

log = logging.getLogger(__name__)

# The longest text any Markdown field takes (an article's body; each field has its
# own limit, see comparisons/models.py) and so the longest the preview renders.
MAX_CHARS = 40_000

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th",
    "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"align"},
    "th": {"align", "scope"},
    "*": {"id"},
}
# Relative links (to our own pages and uploads) pass; of absolute ones only these.
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# CommonMark with raw HTML allowed (nh3 cleans it) and GitHub-style tables; no
# typographer (its quote replacement is quadratic) and no linkify.
PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")

_BLANK_LINES = re.compile(r"\n[ \t]*\n\s*")


def render_markdown(text: str) -> SafeString:
    """Return sanitized HTML for Markdown ``text`` (safe to put on any page).

    Never raises: a text longer than ``MAX_CHARS`` or one whose rendering fails is
    returned as plain text (see ``plain_text``), and the problem is logged.
    """
    text = text or ""
    if len(text) > MAX_CHARS:
        log.warning(
            "Markdown text of %d characters (limit %d) shown as plain text.", len(text), MAX_CHARS
        )
        return plain_text(text)
    try:
        return _render(text)
    except Exception:
        log.exception(
            "Markdown text of %d characters failed to render; shown as plain text.", len(text)
        )
        return plain_text(text)


def plain_text(text: str) -> SafeString:
    """``text`` escaped, in a paragraph per blank-line-separated block (line breaks kept)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    paragraphs = (
        html.escape(block.strip()).replace("\n", "<br>\n") for block in _BLANK_LINES.split(text)
    )
    return mark_safe("\n".join(f"<p>{p}</p>" for p in paragraphs if p))  # noqa: S308 - escaped


# The output depends on the text alone, so repeated renders of the same article
# body or FAQ answer are served from memory instead of re-parsing. A render that
# raises is not kept: render_markdown falls back for that call only, and the page
# memos (comparisons/views.py) keep the page built with the fallback no longer than
# any other page.
@functools.lru_cache(maxsize=1024)
def _render(text):
    clean = nh3.clean(
        PARSER.render(text).rstrip("\n"),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above
