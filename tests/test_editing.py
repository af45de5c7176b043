"""Editors never lose work: history, revert, conflicts between two editors, restore."""

import pytest
from django.test import Client
from django.urls import reverse

from comparisons.models import Article, FaqEntry, Framework, Support
from recommender.models import Choice, Question, Weight

from .htmlforms import form_data

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def two_editors(django_user_model):
    clients = []
    for name in ("ada", "bob"):
        user = django_user_model.objects.create_superuser(name, f"{name}@example.com", "pw")
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def open_form(client, model, obj):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).text, f"{opts.model_name}_form")


@pytest.mark.parametrize(
    ("model", "lookup", "field"),
    [
        (Framework, {"slug": "flask"}, "tagline"),
        (Article, {"slug": "django-vs-flask"}, "lede"),
        (Question, {"slug": "goal"}, "help_text"),
        (Choice, {"question__slug": "goal", "slug": "get-a-job"}, "summary"),  # no timestamp
    ],
)
def test_a_second_editors_save_never_silently_overwrites_the_first(
    two_editors, model, lookup, field
):
    ada, bob = two_editors
    obj = model.objects.get(**lookup)
    url, ada_form = open_form(ada, model, obj)
    _, bob_form = open_form(bob, model, obj)

    response = bob.post(url, {**bob_form, field: "Bob's version"})
    assert response.status_code == 302

    response = ada.post(url, {**ada_form, field: "Ada's version"})
    assert response.status_code == 200
    html = response.text
    assert "Someone else saved this" in html
    assert "bob at" in html and "Bob&#x27;s version" in html  # who changed what
    assert "someone at" not in html and "saved it" not in html  # only Bob's save is listed
    assert "Ada&#x27;s version" in html  # Ada's input is still in the form
    assert getattr(model.objects.get(pk=obj.pk), field) == "Bob's version"

    # Having seen the conflict, Ada saves again on purpose and wins.
    response = ada.post(url, form_data(html, f"{model._meta.model_name}_form"))
    assert response.status_code == 302
    assert getattr(model.objects.get(pk=obj.pk), field) == "Ada's version"


def inline_field(form, prefix, row, field):
    """The form key of ``field`` on the inline row showing ``row``."""
    (key,) = [
        k for k, v in form.items()
        if k.startswith(f"{prefix}-") and k.endswith("-id") and v == str(row.pk)
    ]  # fmt: skip
    return key.removesuffix("-id") + f"-{field}"


INLINE_CASES = [
    # (page model, page lookup, inline prefix, rows of that inline, field)
    (Framework, {"slug": "flask"}, "supports",
     lambda page: Support.objects.filter(framework=page).order_by("pk"), "note"),
    (Article, {"slug": "django-vs-flask"}, "faq",
     lambda page: FaqEntry.objects.filter(article=page).order_by("pk"), "question"),
    (Choice, {"question__slug": "goal", "slug": "get-a-job"}, "weights",
     lambda page: Weight.objects.filter(choice=page).order_by("pk"), "reason"),
]  # fmt: skip


@pytest.mark.parametrize(("model", "lookup", "prefix", "rows", "field"), INLINE_CASES)
def test_a_second_editors_inline_row_is_never_silently_overwritten(
    two_editors, model, lookup, prefix, rows, field
):
    ada, bob = two_editors
    page = model.objects.get(**lookup)
    row = rows(page).first()
    url, ada_form = open_form(ada, model, page)
    _, bob_form = open_form(bob, model, page)
    key = inline_field(ada_form, prefix, row, field)

    assert bob.post(url, {**bob_form, key: "Bob's row"}).status_code == 302
    response = ada.post(url, {**ada_form, key: "Ada's row"})
    assert response.status_code == 200
    assert "Someone else saved this" in response.text
    assert "Bob&#x27;s row" in response.text  # what Bob changed
    assert getattr(type(row).objects.get(pk=row.pk), field) == "Bob's row"

    # Having seen the conflict, Ada saves again on purpose and wins.
    again = form_data(response.text, f"{model._meta.model_name}_form")
    assert ada.post(url, again).status_code == 302
    assert getattr(type(row).objects.get(pk=row.pk), field) == "Ada's row"


@pytest.mark.parametrize(("model", "lookup", "prefix", "rows", "field"), INLINE_CASES)
def test_rows_an_editor_did_not_touch_are_never_written_back(
    two_editors, model, lookup, prefix, rows, field
):
    ada, bob = two_editors
    page = model.objects.get(**lookup)
    first, second = rows(page)[:2]
    url, ada_form = open_form(ada, model, page)
    _, bob_form = open_form(bob, model, page)

    bob_key = inline_field(bob_form, prefix, first, field)
    assert bob.post(url, {**bob_form, bob_key: "Bob's row"}).status_code == 302
    # Ada edits another row. Her page still holds the first row as she loaded it;
    # Bob's save changed nothing in the page's own fields, so there is no conflict.
    ada_key = inline_field(ada_form, prefix, second, field)
    response = ada.post(url, {**ada_form, ada_key: "Ada's row"})
    assert response.status_code == 302
    assert getattr(type(first).objects.get(pk=first.pk), field) == "Bob's row"
    assert getattr(type(second).objects.get(pk=second.pk), field) == "Ada's row"


def test_a_change_to_a_pages_sources_alone_is_a_conflict(two_editors):
    ada, bob = two_editors
    framework = Framework.objects.get(slug="flask")
    url, ada_form = open_form(ada, Framework, framework)
    _, bob_form = open_form(bob, Framework, framework)
    kept = sorted(bob_form["sources"])[:1]
    assert bob.post(url, {**bob_form, "sources": kept}).status_code == 302

    response = ada.post(url, {**ada_form, "tagline": "Ada's tagline"})
    assert response.status_code == 200
    assert "Someone else saved this framework" in response.text
    assert sorted(str(pk) for pk in framework.sources.values_list("pk", flat=True)) == kept


def test_an_unchanged_object_saves_without_a_conflict(two_editors):
    ada, _ = two_editors
    framework = Framework.objects.get(slug="quart")
    url, form = open_form(ada, Framework, framework)
    assert ada.post(url, {**form, "tagline": "Flask on asyncio"}).status_code == 302


def test_every_save_is_in_the_history_with_who_and_a_field_diff(two_editors):
    ada, _ = two_editors
    framework = Framework.objects.get(slug="flask")
    url, form = open_form(ada, Framework, framework)
    ada.post(url, {**form, "tagline": "Micro, not small"})
    record = framework.history.latest()
    assert record.history_user.username == "ada"
    delta = record.diff_against(record.prev_record, excluded_fields=["updated_at"])
    assert [(c.field, c.new) for c in delta.changes] == [("tagline", "Micro, not small")]
    history_page = ada.get(reverse("admin:comparisons_framework_history", args=[framework.pk])).text
    assert "Micro, not small" in history_page and "ada" in history_page


def test_an_editor_can_revert_to_an_earlier_version(two_editors):
    ada, _ = two_editors
    framework = Framework.objects.get(slug="flask")
    original = framework.tagline
    url, form = open_form(ada, Framework, framework)
    ada.post(url, {**form, "tagline": "A mistake"})
    first = framework.history.earliest()
    revert_url = reverse(
        "admin:comparisons_framework_simple_history", args=[framework.pk, first.history_id]
    )
    revert_form = form_data(ada.get(revert_url).text, "historicalframework_form")
    assert revert_form["tagline"] == original
    assert ada.post(revert_url, revert_form).status_code == 302
    assert Framework.objects.get(pk=framework.pk).tagline == original


def test_history_covers_every_content_and_quiz_model():
    from django.apps import apps

    for label in ("comparisons", "recommender"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical") or model.__name__ == "Result":
                continue
            assert hasattr(model, "history"), model


def test_a_deleted_framework_comes_back_with_its_facts(staff_client):
    sanic = Framework.objects.get(slug="sanic")
    facts = sanic.supports.count()
    sources = sorted(sanic.sources.values_list("slug", flat=True))
    assert facts
    response = staff_client.post(
        reverse("admin:comparisons_framework_delete", args=[sanic.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Framework.objects.filter(slug="sanic").exists()

    deleted_url = reverse("admin:comparisons_framework_deleted")
    listing = staff_client.get(deleted_url).text
    assert "Sanic" in listing
    record = Framework.history.filter(history_type="-", slug="sanic").get()
    response = staff_client.post(deleted_url, {"history_id": record.history_id})
    assert response.status_code == 302

    restored = Framework.objects.get(slug="sanic")
    assert restored.pk == sanic.pk
    assert restored.supports.count() == facts
    assert sorted(restored.sources.values_list("slug", flat=True)) == sources
    assert Support.objects.get(framework=restored, feature__slug="websockets").sources.exists()
    assert not staff_client.get(deleted_url).context["records"]


def test_a_deleted_article_comes_back_with_its_frameworks_and_faq(staff_client):
    article = Article.objects.get(slug="django-vs-flask")
    staff_client.post(reverse("admin:comparisons_article_delete", args=[article.pk]),
                      {"post": "yes"})  # fmt: skip
    assert not Article.objects.filter(pk=article.pk).exists()
    record = Article.history.filter(history_type="-", id=article.pk).get()
    staff_client.post(reverse("admin:comparisons_article_deleted"),
                      {"history_id": record.history_id})  # fmt: skip
    restored = Article.objects.get(pk=article.pk)
    assert [e.framework.slug for e in restored.entries.order_by("position")] == ["django", "flask"]
    assert restored.faq.count() == 11


def test_restoring_needs_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("peek", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:comparisons_framework_deleted")).status_code == 403


def test_markdown_is_stored_with_unix_line_endings_whatever_the_browser_sends(two_editors):
    ada, _ = two_editors
    framework = Framework.objects.get(slug="flask")
    url, form = open_form(ada, Framework, framework)
    browser_body = form["body"].replace("\n", "\r\n")  # textareas are submitted with CRLF
    assert ada.post(url, {**form, "body": browser_body, "tagline": "New"}).status_code == 302
    framework.refresh_from_db()
    assert "\r" not in framework.body
    record = framework.history.latest()
    delta = record.diff_against(record.prev_record, excluded_fields=["updated_at"])
    assert [c.field for c in delta.changes] == ["tagline"]  # the body did not "change"
