import json
from html import escape as escape_text

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.safestring import mark_safe

from comparisons.markdown import render_markdown
from comparisons.pages import mid_sentence

register = template.Library()
register.filter("mid_sentence", mid_sentence)

# Escapes that keep JSON inside a <script> element from closing it (as json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

# The feature grid's cells, where every framework shares one row (a legend spells
# them out, and each cell's link says the whole level).
LEVEL_SHORT = {
    "built-in": "Built in",
    "official-extension": "Official",
    "third-party": "Package",
    "none": "None",
}
LEVEL_ICONS = {
    "built-in": "✓",
    "official-extension": "+",
    "third-party": "◇",
    "none": "✕",
}


@register.filter
def markdown(text):
    """Render editor Markdown to sanitized HTML (see comparisons/markdown.py)."""
    return render_markdown(text)


@register.simple_tag
def jsonld(data):
    """A JSON-LD block for search engines, safe to embed in HTML."""
    payload = json.dumps(data, ensure_ascii=False, default=str).translate(_JSON_SCRIPT_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{payload}</script>')  # noqa: S308


@register.simple_tag
def level_badge(support):
    """A support level as an icon and a word, so colour is never the only signal."""
    return mark_safe(_badge(support))


@register.simple_tag(takes_context=True)
def absolute(context, path):
    try:
        return context["request"].build_absolute_uri(path)
    except DisallowedHost:  # the 400 page for a forged Host header must still render
        return path


@register.simple_tag(takes_context=True)
def breadcrumb_jsonld(context, breadcrumbs):
    request = context["request"]
    items = [
        {
            "@type": "ListItem",
            "position": position,
            "name": name,
            **({"item": request.build_absolute_uri(url)} if url else {}),
        }
        for position, (name, url) in enumerate(breadcrumbs, start=1)
    ]
    return jsonld(
        {"@context": "https://schema.org", "@type": "BreadcrumbList", "itemListElement": items}
    )


@register.simple_tag
def jsonld_article(article, url):
    return jsonld(
        {
            "@context": "https://schema.org",
            "@type": "Article",
            "headline": article.title,
            "description": article.seo_description,
            "datePublished": article.published_at.isoformat() if article.published_at else None,
            "dateModified": article.updated_at.isoformat(),
            "mainEntityOfPage": url,
            "author": {"@type": "Organization", "name": "Pickframe"},
            "publisher": {"@type": "Organization", "name": "Pickframe"},
        }
    )


@register.simple_tag
def jsonld_faq(article):
    return jsonld(
        {
            "@context": "https://schema.org",
            "@type": "FAQPage",
            "mainEntity": [
                {
                    "@type": "Question",
                    "name": entry.question,
                    "acceptedAnswer": {
                        "@type": "Answer",
                        "text": str(render_markdown(entry.answer)),
                    },
                }
                for entry in article.faq.all()
            ],
        }
    )


# --- Table cells -------------------------------------------------------------------
# Comparison pages hold hundreds of cells; building each in Python is several
# times faster than nested {% include %}s and keeps the markup in one place.


def _e(value):
    """``value`` escaped for HTML, as format_html would, at a fraction of its cost."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return escape_text(str(value))


def _badge(support, short=False):
    label = LEVEL_SHORT[support.level] if short else support.get_level_display()
    return (
        f'<span class="level level-{_e(support.level)}"><span class="level-icon" '
        f'aria-hidden="true">{LEVEL_ICONS[support.level]}</span> {_e(label)}</span>'
    )


def _refs(cell):
    if not cell.refs:
        return ""
    links = '<span aria-hidden="true">,</span>'.join(
        f'<a href="#source-{n}" aria-label="source {n}">{n}</a>' for n in cell.refs
    )
    return f'<sup class="refs">{links}</sup>'


def _checked(cell):
    if not cell.verified_on or cell.usual_check:
        return ""
    # "checked" is added by CSS (.checked::before) to keep big tables small.
    automatic = " automatic" if cell.automatic else ""
    day = cell.verified_on
    return f'<time class="checked{automatic}" datetime="{day.isoformat()}">{day:%b %Y}</time>'


def _assessment(cell):
    """Our judgement, labelled as such, with what it rests on."""
    if not cell.assessment:
        return ""
    evidence = cell.evidence or (
        "A judgement of ours from the facts on this page, not a source's words."
    )
    return f'<details class="assessment"><summary>Our assessment</summary>{_e(evidence)}</details>'


def _support(cell):
    support = cell.value
    via = ""
    if support.via:
        via = _e(support.via)
        if support.via_url:
            via = f'<a href="{_e(support.via_url)}" rel="noopener">{via}</a>'
        via = f'<span class="via">{via}</span>'
    note = f'<span class="cell-note">{_e(support.note)}</span>' if support.note else ""
    return f"{_badge(support)}{_refs(cell)}{via}{note}{_checked(cell)}"


def _fit(cell):
    fit = cell.value
    meter = "".join('<i class="on"></i>' if i < fit.level else "<i></i>" for i in range(3))
    return (
        f'<span class="fit fit-{_e(fit.level)}"><span class="fit-meter" aria-hidden="true">'
        f"{meter}</span> {_e(fit.get_level_display())}</span>{_refs(cell)}"
        f'<span class="cell-note">{_e(fit.rationale)}</span>{_assessment(cell)}{_checked(cell)}'
    )


def _text(cell):
    return f"{_e(cell.value)}{_refs(cell)} {_assessment(cell)}{_checked(cell)}"


CELL_RENDERERS = {"support": _support, "fit": _fit, "text": _text}


def _cell(cell, kind):
    if cell.value is None:
        return '<span class="unknown">Not recorded</span>'
    if getattr(cell.value, "is_unchecked", False):  # staff previews only
        return '<span class="unchecked">Not checked yet</span>'
    return CELL_RENDERERS[kind](cell)


# Pages hold hundreds of cells: the helpers above build plain strings, escaping every
# value themselves, and only these tags mark the result safe.


@register.simple_tag
def cell(cell, kind="text"):
    """One fact cell: the value, its citation numbers and its last-checked date."""
    return mark_safe(_cell(cell, kind))  # noqa: S308 (every value escaped by _e)


@register.simple_tag
def compare_row(row, frameworks):
    """One row of a table with a column per framework. Each cell also names its framework
    (shown on phones, where the header row may be out of sight)."""
    label = _e(row.label)
    if row.link:
        label = f'<a href="{_e(row.link)}">{label}</a>'
    cells = "".join(
        f'<td data-framework="{_e(framework.name)}">{_cell(c, row.kind)}</td>'
        for framework, c in zip(frameworks, row.cells, strict=True)
    )
    return mark_safe(f'<tr><th scope="row">{label}</th>{cells}</tr>')  # noqa: S308


@register.simple_tag
def matrix_row(row, frameworks):
    """A row of the feature grid: each framework's level, linking to the feature's page
    at that framework's row (where the details and sources are)."""
    link = _e(row.link)
    cells = "".join(
        f'<td data-framework="{_e(framework.name)}">'
        + (
            f'<a href="{link}#{_e(framework.slug)}" aria-label="{_e(framework.name)}: '
            f'{_e(support.get_level_display())}">{_badge(support, short=True)}</a>'
            if support
            else '<span class="unknown">Not recorded</span>'
        )
        + "</td>"
        for framework, support in zip(frameworks, row.cells, strict=True)
    )
    return mark_safe(  # noqa: S308
        f'<tr><th scope="row"><a href="{link}">{_e(row.label)}</a></th>{cells}</tr>'
    )


@register.simple_tag
def source_items(citations):
    """The numbered sources of a page, as list items that citations link to."""
    items = []
    for number, source in citations:
        title = _e(source.title)
        if source.url:
            title = f'<a href="{_e(source.url)}" rel="noopener">{title}</a>'
        publisher = (
            f', <span class="publisher">{_e(source.publisher)}</span>' if source.publisher else ""
        )
        missing = "" if source.url else ' <span class="muted">(no public address)</span>'
        items.append(f'<li id="source-{number}">{title}{publisher}{missing}</li>')
    return mark_safe("\n".join(items))  # noqa: S308


@register.simple_tag
def cell_refs(cell):
    return mark_safe(_refs(cell))  # noqa: S308


@register.simple_tag
def cell_checked(cell):
    return mark_safe(_checked(cell))  # noqa: S308


@register.simple_tag
def cell_assessment(cell):
    return mark_safe(_assessment(cell))  # noqa: S308


@register.filter
def lookup(mapping, key):
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping else None


@register.filter
def minutes(delta):
    """A timedelta as 'N minutes' (for the sign-in lockout message)."""
    if not delta:
        return "a while"
    count = max(1, round(delta.total_seconds() / 60))
    return f"{count} minute{'s' if count != 1 else ''}"
