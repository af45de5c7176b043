"""Editor Markdown cannot take a page down (issue 11, item 4).

Rendering is linear in the text (markdown-it-py), every Markdown field has a length
limit that the admin enforces with a clear message, the preview refuses over-long
text, and a text that cannot be rendered shows as escaped plain text, not a 500.
"""

import logging
import time

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from comparisons import markdown
from comparisons.markdown import MAX_CHARS, render_markdown
from comparisons.models import Article, FaqEntry, Framework, MarkdownField, MarkdownLengthValidator

from .factories import build_site
from .htmlforms import form_data

PREVIEW = "/markdownx/markdownify/"
N = 20_000

# What made Python-Markdown quadratic (20,000 "[" took over 30 s), and other inputs
# that make naive Markdown parsers blow up: 20,000 of each, then 10,000 characters of
# slower (but still linear) patterns.
PATHOLOGICAL = {
    "brackets": "[" * N,
    "blockquotes": ">" * N,
    "stars": "*" * N,
    "backticks": "`" * N,
    "list markers": "- " * N,
    "numbered list markers": "1. " * (N // 2),
    "indented nested lists": "".join(" " * (2 * i) + "- x\n" for i in range(150)),
    "links": "[a](" * (N // 8),
    "images": "![" * (N // 4),
    "emphasis": "*_" * (N // 4),
    "table rows": "| a | b |\n|---|---|\n" + "| x | y |\n" * (N // 20),
    "html comments": "<!--" * (N // 8),
}


@pytest.fixture
def small_site(empty_content):
    return build_site()


def markdown_log(caplog):
    return [r for r in caplog.records if r.name == "comparisons.markdown"]


# --- Linear-time rendering ---------------------------------------------------------------


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_text_renders_quickly_with_the_real_parser(text, caplog):
    # A generous bound, only as a guard against quadratic time (the old renderer
    # took about 10 s for 10,000 "[" and four times that for 20,000). CPU time, so
    # that other work on the machine does not count.
    markdown._render.cache_clear()
    caplog.set_level(logging.WARNING)
    started = time.process_time()
    html = render_markdown(text)
    assert time.process_time() - started < 1
    assert markdown_log(caplog) == []  # parsed, not the plain-text fallback
    assert "<script" not in html


def test_twenty_thousand_brackets_stay_text():
    html = render_markdown("[" * N)
    assert html == "<p>" + "[" * N + "</p>"


# --- The fallback -------------------------------------------------------------------------


def fail(text):
    raise RuntimeError("renderer broke")


def test_a_failed_render_falls_back_to_escaped_paragraphs_and_is_logged(monkeypatch, caplog):
    monkeypatch.setattr(markdown, "_render", fail)
    html = render_markdown("## Title\n\nOne <script>alert(1)</script>\nline two\n\n\n**three**")
    assert html == (
        "<p>## Title</p>\n"
        "<p>One &lt;script&gt;alert(1)&lt;/script&gt;<br>\nline two</p>\n"
        "<p>**three**</p>"
    )
    [record] = markdown_log(caplog)
    assert record.levelno == logging.ERROR
    assert "renderer broke" in record.exc_text


def test_text_over_the_limit_is_not_parsed_but_shown_as_plain_text(monkeypatch, caplog):
    monkeypatch.setattr(markdown, "_render", fail)  # would log an error if called
    html = render_markdown("[<b>" * (MAX_CHARS // 4 + 1))
    assert html == "<p>" + "[&lt;b&gt;" * (MAX_CHARS // 4 + 1) + "</p>"
    [record] = markdown_log(caplog)
    assert record.levelno == logging.WARNING
    assert "plain text" in record.getMessage()


def test_text_at_the_limit_is_rendered():
    assert render_markdown("a" * MAX_CHARS) == "<p>" + "a" * MAX_CHARS + "</p>"


def test_a_comparison_whose_render_fails_still_answers_with_the_text(
    client, small_site, monkeypatch, caplog
):
    monkeypatch.setattr(markdown, "_render", fail)
    response = client.get("/compare/alpha-vs-beta/")
    assert response.status_code == 200
    assert "<p>## Learning curve<br>" not in response.text  # blank line: two paragraphs
    assert "<p>## Learning curve</p>" in response.text
    assert "<p>Alpha asks for more **up front**.</p>" in response.text
    assert "Pick Alpha." in response.text
    assert "Yes, **behind one proxy**." in response.text
    assert markdown_log(caplog)


def test_a_profile_whose_render_fails_still_answers(client, small_site, monkeypatch):
    Framework.objects.filter(pk=small_site.alpha.pk).update(body="Alpha <i>is</i> big.")
    monkeypatch.setattr(markdown, "_render", fail)
    response = client.get("/frameworks/alpha/")
    assert response.status_code == 200
    assert "<p>Alpha &lt;i&gt;is&lt;/i&gt; big.</p>" in response.text


def test_a_body_stored_before_the_limit_is_shown_as_plain_text(client, small_site):
    # Written straight to the database, as a row saved before the limits were.
    Article.objects.filter(pk=small_site.article.pk).update(body="[" * (MAX_CHARS + 1))
    response = client.get("/compare/alpha-vs-beta/")
    assert response.status_code == 200
    assert "<p>" + "[" * (MAX_CHARS + 1) + "</p>" in response.text


# --- Size limits --------------------------------------------------------------------------


def markdown_fields():
    return [
        (model, field)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, MarkdownField) and not model.__name__.startswith("Historical")
    ]


def limit_of(field):
    [validator] = [v for v in field.validators if isinstance(v, MarkdownLengthValidator)]
    return validator.limit


def test_every_markdown_field_has_a_limit_the_renderer_accepts():
    fields = markdown_fields()
    assert {f"{model.__name__}.{field.name}" for model, field in fields} == {
        "Framework.body",
        "UseCase.description",
        "Article.body",
        "Article.verdict",
        "FaqEntry.answer",
    }
    for _model, field in fields:
        assert 1_000 <= limit_of(field) <= MAX_CHARS


@pytest.mark.parametrize(
    ("field", "limit"),
    [("body", MAX_CHARS), ("verdict", 5_000)],
)
def test_model_validation_refuses_an_article_text_over_its_limit(small_site, field, limit):
    article = small_site.article
    setattr(article, field, "x" * limit)
    article.full_clean()
    setattr(article, field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as refused:
        article.full_clean()
    assert refused.value.message_dict == {
        field: [
            f"This text has {limit + 1:,} characters; it can have at most {limit:,}. "
            "Shorten it by 1 characters."
        ]
    }


def test_line_endings_count_as_stored():
    validator = MarkdownLengthValidator(10)
    validator("a\r\n" * 5)  # stored as "a\n" * 5: 10 characters
    with pytest.raises(ValidationError):
        validator("a\r\n" * 5 + "a")


def test_the_admin_refuses_an_over_long_body_with_a_clear_message(staff_client, small_site):
    article = small_site.article
    url = reverse("admin:comparisons_article_change", args=[article.pk])
    data = form_data(staff_client.get(url).text, "article_form")
    data["body"] = "y" * (MAX_CHARS + 5)
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert (
        f"This text has {MAX_CHARS + 5:,} characters; it can have at most {MAX_CHARS:,}. "
        "Shorten it by 5 characters." in response.text
    )
    article.refresh_from_db()
    assert article.body == "## Learning curve\n\nAlpha asks for more **up front**."


def test_an_inline_faq_answer_over_its_limit_is_refused_and_nothing_is_saved(
    staff_client, small_site
):
    article = small_site.article
    url = reverse("admin:comparisons_article_change", args=[article.pk])
    data = form_data(staff_client.get(url).text, "article_form")
    data["faq-TOTAL_FORMS"] = str(int(data["faq-TOTAL_FORMS"]) + 1)
    new = int(data["faq-TOTAL_FORMS"]) - 1
    data.update({f"faq-{new}-order": "3", f"faq-{new}-question": "Long?",
                 f"faq-{new}-answer": "z" * 5_001})  # fmt: skip
    data["lede"] = "A new lede."
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "This text has 5,001 characters; it can have at most 5,000." in response.text
    assert not FaqEntry.objects.filter(question="Long?").exists()
    article.refresh_from_db()
    assert article.lede == "Alpha is big; Beta is small."


def test_the_admin_refuses_an_over_long_profile(staff_client, small_site):
    url = reverse("admin:comparisons_framework_change", args=[small_site.alpha.pk])
    data = form_data(staff_client.get(url).text, "framework_form")
    data["body"] = "p" * 20_001
    response = staff_client.post(url, data)
    assert response.status_code == 200
    assert "it can have at most 20,000." in response.text
    assert Framework.objects.get(pk=small_site.alpha.pk).body == ""


# --- The preview --------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_preview_refuses_text_over_the_limit_without_rendering_it(staff_client, monkeypatch):
    monkeypatch.setattr(markdown, "_render", fail)
    response = staff_client.post(PREVIEW, {"content": "[" * (MAX_CHARS + 1)})
    assert response.status_code == 400
    assert response.content.decode() == (
        f'<p class="errornote">Too long to preview: this text has {MAX_CHARS + 1:,} '
        f"characters, and no Markdown field takes more than {MAX_CHARS:,}.</p>"
    )


@pytest.mark.django_db
def test_the_preview_renders_text_at_the_limit(staff_client):
    response = staff_client.post(PREVIEW, {"content": "[" * MAX_CHARS})
    assert response.status_code == 200
    assert response.content.decode() == "<p>" + "[" * MAX_CHARS + "</p>"
