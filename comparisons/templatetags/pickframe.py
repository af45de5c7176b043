import json

from django import template
from django.core.exceptions import DisallowedHost
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from comparisons.markdown import render_markdown
from comparisons.pages import mid_sentence

register = template.Library()
register.filter("mid_sentence", mid_sentence)

# Escapes that keep JSON inside a <script> element from closing it (as json_script).
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

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
    return format_html(
        '<span class="level level-{}">'
        '<span class="level-icon" aria-hidden="true">{}</span> {}</span>',
        support.level,
        LEVEL_ICONS[support.level],
        support.get_level_display(),
    )


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


def _refs(cell):
    if not cell.refs:
        return ""
    links = format_html_join(
        mark_safe('<span aria-hidden="true">,</span>'),
        '<a href="#source-{0}" aria-label="source {0}">{0}</a>',
        ((n,) for n in cell.refs),
    )
    return format_html('<sup class="refs">{}</sup>', links)


def _checked(cell):
    if not cell.verified_on or cell.usual_check:
        return ""
    # "checked" is added by CSS (.checked::before) to keep big tables small.
    return format_html(
        '<time class="checked{}" datetime="{}">{}</time>',
        " automatic" if cell.automatic else "",
        cell.verified_on.isoformat(),
        f"{cell.verified_on:%b %Y}",
    )


def _assessment(cell):
    """Our judgement, labelled as such, with what it rests on."""
    if not cell.assessment:
        return ""
    return format_html(
        '<details class="assessment"><summary>Our assessment</summary>{}</details>',
        cell.evidence or "A judgement of ours from the facts on this page, not a source's words.",
    )


def _support(cell):
    support = cell.value
    via = ""
    if support.via:
        via = (
            format_html('<a href="{}" rel="noopener">{}</a>', support.via_url, support.via)
            if support.via_url
            else support.via
        )
        via = format_html('<span class="via">{}</span>', via)
    note = format_html('<span class="cell-note">{}</span>', support.note) if support.note else ""
    return format_html("{}{}{}{}{}", level_badge(support), _refs(cell), via, note, _checked(cell))


def _fit(cell):
    fit = cell.value
    meter = mark_safe(
        "".join('<i class="on"></i>' if i < fit.level else "<i></i>" for i in range(3))
    )
    return format_html(
        '<span class="fit fit-{}"><span class="fit-meter" aria-hidden="true">{}</span> {}</span>'
        '{}<span class="cell-note">{}</span>{}{}',
        fit.level, meter, fit.get_level_display(), _refs(cell), fit.rationale,
        _assessment(cell), _checked(cell),
    )  # fmt: skip


def _text(cell):
    return format_html("{}{} {}{}", cell.value, _refs(cell), _assessment(cell), _checked(cell))


CELL_RENDERERS = {"support": _support, "fit": _fit, "text": _text}


@register.simple_tag
def cell(cell, kind="text"):
    """One fact cell: the value, its citation numbers and its last-checked date."""
    if cell.value is None:
        return mark_safe('<span class="unknown">Not recorded</span>')
    if getattr(cell.value, "is_unchecked", False):  # staff previews only
        return mark_safe('<span class="unchecked">Not checked yet</span>')
    return CELL_RENDERERS[kind](cell)


@register.simple_tag
def compare_row(row, frameworks):
    """One row of a table with a column per framework. Each cell also names its framework
    (shown on phones, where the header row may be out of sight)."""
    label = format_html('<a href="{}">{}</a>', row.link, row.label) if row.link else row.label
    cells = format_html_join(
        "",
        '<td data-framework="{}">{}</td>',
        (
            (framework.name, cell(c, row.kind))
            for framework, c in zip(frameworks, row.cells, strict=True)
        ),
    )
    return format_html('<tr><th scope="row">{}</th>{}</tr>', label, cells)


@register.simple_tag
def matrix_row(row, frameworks):
    """A row of the feature grid: each framework's level, linking to the feature's page
    at that framework's row (where the details and sources are)."""
    cells = format_html_join(
        "",
        '<td data-framework="{}">{}</td>',
        (
            (
                framework.name,
                format_html('<a href="{}#{}">{}</a>', row.link, framework.slug, level_badge(s))
                if s
                else mark_safe('<span class="unknown">Not recorded</span>'),
            )
            for framework, s in zip(frameworks, row.cells, strict=True)
        ),
    )
    return format_html(
        '<tr><th scope="row"><a href="{}">{}</a></th>{}</tr>', row.link, row.label, cells
    )


@register.simple_tag
def cell_refs(cell):
    return _refs(cell)


@register.simple_tag
def cell_checked(cell):
    return _checked(cell)


@register.simple_tag
def cell_assessment(cell):
    return _assessment(cell)


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
