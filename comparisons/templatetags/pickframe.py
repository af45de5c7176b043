import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from comparisons.markdown import render_markdown

register = template.Library()

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
    return context["request"].build_absolute_uri(path)


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
