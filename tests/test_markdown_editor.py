"""The admin's Markdown preview and image upload (django-markdownx endpoints)."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

PREVIEW = "/markdownx/markdownify/"
UPLOAD = "/markdownx/upload/"
AJAX = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}

pytestmark = pytest.mark.django_db


def image_bytes(fmt, size=(40, 30)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format=fmt)
    return buffer.getvalue()


def stored_files():
    root = settings.MEDIA_ROOT / "markdownx"
    return sorted(root.iterdir()) if root.exists() else []


def test_the_editor_urls_are_the_ones_markdownx_calls():
    from markdownx.settings import MARKDOWNX_UPLOAD_URLS_PATH, MARKDOWNX_URLS_PATH

    assert (MARKDOWNX_URLS_PATH, MARKDOWNX_UPLOAD_URLS_PATH) == (PREVIEW, UPLOAD)


def test_an_anonymous_preview_is_sent_to_the_login_page(client):
    response = client.post(PREVIEW, {"content": "**hi**"})
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert b"<strong>" not in response.content


def test_an_anonymous_upload_is_sent_to_the_login_page_and_stores_nothing(client):
    upload = SimpleUploadedFile("a.png", image_bytes("PNG"), content_type="image/png")
    response = client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert stored_files() == []


def test_a_non_staff_user_cannot_preview(client, django_user_model):
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert client.post(PREVIEW, {"content": "x"}).status_code == 302


def test_staff_preview_returns_the_same_sanitized_html_as_pages(staff_client):
    from comparisons.markdown import render_markdown

    text = "**bold** <script>alert(1)</script> [x](javascript:alert(1))"
    response = staff_client.post(PREVIEW, {"content": text})
    assert response.status_code == 200
    assert response.content.decode() == render_markdown(text)
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script" not in response.content.decode()
    # CommonMark refuses the javascript: link, leaving its source as inert text.
    assert "<a" not in response.content.decode()
    assert 'href="javascript:' not in response.content.decode()


def test_preview_only_answers_post(staff_client):
    assert staff_client.get(PREVIEW).status_code == 405


@pytest.mark.parametrize(("fmt", "extension"), [("PNG", "png"), ("JPEG", "jpg")])
def test_staff_can_upload_png_and_jpeg_under_a_server_chosen_name(staff_client, fmt, extension):
    upload = SimpleUploadedFile("../../evil name.html", image_bytes(fmt), content_type="text/html")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 200
    [stored] = stored_files()
    assert stored.suffix == f".{extension}"
    assert "evil" not in stored.name
    assert response.json() == {"image_code": f"![](/media/markdownx/{stored.name})"}
    assert Image.open(stored).format == fmt


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        (
            "logo.svg",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/svg+xml",
        ),
        ("anim.gif", image_bytes("GIF"), "image/gif"),
        ("fake.png", b"<svg onload=alert(1)>", "image/png"),
    ],
)
def test_anything_but_png_or_jpeg_is_refused(staff_client, name, content, content_type):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 400
    assert response.json() == {"image": ["Only PNG and JPEG images can be uploaded."]}
    assert stored_files() == []


def test_a_corrupt_image_is_a_400_not_a_500(staff_client):
    truncated = image_bytes("PNG", size=(300, 300))[:120]
    upload = SimpleUploadedFile("broken.png", truncated, content_type="image/png")
    response = staff_client.post(UPLOAD, {"image": upload}, **AJAX)
    assert response.status_code == 400
    assert "damaged" in response.json()["image"][0]
    assert stored_files() == []


def test_an_upload_without_a_file_is_a_400(staff_client):
    response = staff_client.post(UPLOAD, {}, **AJAX)
    assert response.status_code == 400
    assert stored_files() == []


def test_new_faq_entries_left_without_a_position_take_the_next_free_ones(
    empty_content, staff_client
):
    from django.urls import reverse

    from comparisons.models import ArticleFramework, FaqEntry

    from .factories import ArticleFactory, FaqEntryFactory, FrameworkFactory
    from .htmlforms import form_data

    article = ArticleFactory()
    for position, framework in enumerate(FrameworkFactory.create_batch(2), 1):
        ArticleFramework.objects.create(article=article, framework=framework, position=position)
    first = FaqEntryFactory(article=article, order=1)
    fourth = FaqEntryFactory(article=article, order=4)
    url = reverse("admin:comparisons_article_change", args=[article.pk])
    page = staff_client.get(url).text
    assert 'name="faq-__prefix__-order"' in page
    assert 'name="faq-__prefix__-order" value=' not in page  # no 0 to clash with
    data = form_data(page, "article_form")
    data["faq-TOTAL_FORMS"] = "4"
    for n, question in [(2, "New one?"), (3, "New two?")]:
        data.update({f"faq-{n}-order": "", f"faq-{n}-question": question,
                     f"faq-{n}-answer": "An answer."})  # fmt: skip

    assert staff_client.post(url, data).status_code == 302
    assert list(FaqEntry.objects.filter(article=article).values_list("question", "order")) == [
        (first.question, 1),
        (fourth.question, 4),
        ("New one?", 5),
        ("New two?", 6),
    ]
