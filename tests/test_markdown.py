from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from comparisons.markdown import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '<img src="x.png" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    '<a href="&#106;avascript:alert(1)">encoded</a>',
    '<iframe src="https://evil.example/"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    "![pic](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '<a href="data:text/html,<script>alert(1)</script>">data</a>',
    '<div style="background:url(javascript:alert(1))">styled</div>',
    '<p onclick="alert(1)">para</p>',
    '<object data="evil.swf"></object><embed src="evil.swf">',
    '<form action="https://evil.example/"><input name="q"></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "<style>body{display:none}</style>",
    "<img src=x onerror=alert(1)//",
    '<details open ontoggle="alert(1)"><summary>x</summary></details>',
]
SAFE_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "details", "div", "em", "h2", "h3",
    "h4", "hr", "i", "img", "li", "ol", "p", "pre", "span", "strong", "summary", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip


class ElementCollector(HTMLParser):
    """Records every element and attribute a browser would build from the HTML."""

    def __init__(self):
        super().__init__()
        self.elements = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


def elements_of(html):
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_dangerous_markup_never_survives_rendering(payload):
    html = render_markdown(payload)
    for tag, attrs in elements_of(html):
        assert tag in SAFE_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name}= survived in {html!r}"
            assert name != "style", html
            if name in ("href", "src"):
                scheme = urlsplit(value.strip()).scheme.lower()
                assert scheme in ("", "http", "https", "mailto"), f"{value!r} in {html!r}"
    assert "<script" not in html.lower()


def test_ordinary_markdown_still_renders():
    html = render_markdown(
        "## Heading\n\nSome **bold** and a [link](https://example.org/).\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |"
    )
    assert "<h2>Heading</h2>" in html
    assert "<strong>bold</strong>" in html
    assert '<a href="https://example.org/" rel="noopener noreferrer">link</a>' in html
    assert "<table>" in html


def test_relative_links_and_uploaded_images_are_kept():
    html = render_markdown("[quiz](/quiz/) ![diagram](/media/markdownx/abc.png)")
    assert 'href="/quiz/"' in html
    assert 'src="/media/markdownx/abc.png"' in html


def test_empty_text_renders_to_nothing():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""
