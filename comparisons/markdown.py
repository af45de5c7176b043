"""The one way Markdown becomes HTML on this site.

Pages (through the ``markdown`` template filter) and the admin's live preview
(through ``MARKDOWNX_MARKDOWNIFY_FUNCTION``) both call ``render_markdown``, so an
editor previews exactly what a reader will get. Markdown lets authors write raw
HTML, so its output is run through nh3, an allow-list sanitizer: anything not
listed below (scripts, event handlers, iframes, styles, forms, ``javascript:``
or ``data:`` URLs) is removed before it reaches a browser.
"""

import functools

import markdown as markdown_lib
import nh3
from django.utils.safestring import SafeString, mark_safe

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

EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(text: str) -> SafeString:
    """Return sanitized HTML for Markdown ``text`` (safe to put on any page)."""
    return _render(text or "")


# The output depends on the text alone, so repeated renders of the same article
# body or FAQ answer are served from memory instead of re-parsing.
@functools.lru_cache(maxsize=1024)
def _render(text):
    html = markdown_lib.markdown(text, extensions=EXTENSIONS, output_format="html")
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - sanitized by nh3 just above
