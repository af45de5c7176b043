"""Editors never lose work: lossless saves between two editors, history, restore.

Every test signs in two members of the Editors group, each with their own
session, and builds its own rows.
"""

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from comparisons.models import Article, FaqEntry, Framework, ProCon, Support
from editing.models import Deletion
from recommender.models import Choice, Question

from .factories import (
    ArticleFactory,
    FaqEntryFactory,
    FrameworkFactory,
    ProConFactory,
    SourceFactory,
    framework_with_facts,
)
from .htmlforms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def editors(django_user_model):
    """Ada and Bob, two signed-in editors, each with a browser session of their own."""
    group = Group.objects.get(name="Editors")
    clients = []
    for name in ("ada", "bob"):
        user = django_user_model.objects.create_user(name, password="pw", is_staff=True)
        user.groups.add(group)
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def change_url(obj):
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def open_form(client, obj):
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_data(response.text, f"{obj._meta.model_name}_form")


def inline_key(form, prefix, row, field):
    """The form key of ``field`` on the inline row showing ``row``."""
    (key,) = [
        k for k, v in form.items()
        if k.startswith(f"{prefix}-") and k.endswith("-id") and v == str(row.pk)
    ]  # fmt: skip
    return key.removesuffix("-id") + f"-{field}"


def article(**kwargs):
    """An article comparing two frameworks, as every article must."""
    from comparisons.models import ArticleFramework

    row = ArticleFactory(**kwargs)
    for position, framework in enumerate(FrameworkFactory.create_batch(2), 1):
        ArticleFramework.objects.create(article=row, framework=framework, position=position)
    return row


def question():
    return Question.objects.create(slug="pace", prompt="How fast?", help_text="Pick one.")


def choice():
    return Choice.objects.create(question=question(), slug="fast", label="Fast", summary="Quick")


PAGES = [
    # (a row with a change page, a field, another field)
    (lambda: FrameworkFactory(tagline="Old line", summary="Old summary"), "tagline", "summary"),
    (lambda: article(lede="Old lede", seo_description="Old"), "lede", "seo_description"),
    (question, "prompt", "help_text"),
    (choice, "label", "summary"),  # a row without a timestamp
]


@pytest.mark.parametrize(("make", "field", "other"), PAGES)
def test_two_editors_changing_different_fields_both_keep_their_change(editors, make, field, other):
    ada, bob = editors
    row = make()
    ada_form, bob_form = open_form(ada, row), open_form(bob, row)

    assert bob.post(change_url(row), {**bob_form, field: "Bob's value"}).status_code == 302
    response = ada.post(change_url(row), {**ada_form, other: "Ada's value"})

    assert response.status_code == 302  # no conflict screen
    row.refresh_from_db()
    assert getattr(row, field) == "Bob's value"
    assert getattr(row, other) == "Ada's value"
    record = row.history.latest()
    delta = record.diff_against(record.prev_record, excluded_fields=["updated_at"])
    assert [change.field for change in delta.changes] == [other]  # Ada wrote only hers


@pytest.mark.parametrize(("make", "field", "other"), PAGES)
def test_a_field_both_editors_changed_shows_both_values_and_stores_the_chosen_one(
    editors, make, field, other
):
    ada, bob = editors
    row = make()
    ada_form, bob_form = open_form(ada, row), open_form(bob, row)
    assert bob.post(change_url(row), {**bob_form, field: "Bob's value"}).status_code == 302

    response = ada.post(change_url(row), {**ada_form, field: "Ada's value"})

    assert response.status_code == 200
    html = response.text
    assert re.search(r"Saved by bob at \d\d:\d\d", html)
    assert "Bob&#x27;s value" in html and "Ada&#x27;s value" in html  # side by side
    assert "Yours" in html
    row.refresh_from_db()
    assert getattr(row, field) == "Bob's value"  # nothing written yet
    again = form_data(html, f"{row._meta.model_name}_form")
    assert again[f"keep-{field}"] == ""  # asked, not yet answered

    assert ada.post(change_url(row), {**again, f"keep-{field}": "mine"}).status_code == 302
    row.refresh_from_db()
    assert getattr(row, field) == "Ada's value"
    assert row.history.filter(**{field: "Bob's value"}).exists()  # Bob's stays in history


def test_keeping_the_other_editors_value_still_saves_the_rest_of_yours(editors):
    ada, bob = editors
    framework = FrameworkFactory(tagline="Old line", summary="Old summary")
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)
    bob.post(change_url(framework), {**bob_form, "tagline": "Bob's line"})
    response = ada.post(
        change_url(framework), {**ada_form, "tagline": "Ada's line", "summary": "Ada's summary"}
    )
    again = form_data(response.text, "framework_form")

    assert ada.post(change_url(framework), {**again, "keep-tagline": "theirs"}).status_code == 302
    framework.refresh_from_db()
    assert (framework.tagline, framework.summary) == ("Bob's line", "Ada's summary")


def test_a_save_after_the_conflict_screen_never_reverts_the_other_editors_change(editors):
    """The audit's case: the second save must not write Bob's old values back."""
    ada, bob = editors
    framework = FrameworkFactory(tagline="Old line", summary="Old summary", license="MIT")
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)
    bob.post(change_url(framework), {**bob_form, "tagline": "Bob's line", "license": "BSD-3"})

    response = ada.post(change_url(framework), {**ada_form, "tagline": "Ada's line"})
    again = form_data(response.text, "framework_form")
    assert again["license"] == "BSD-3"  # the conflict screen shows Bob's other change
    response = ada.post(change_url(framework), {**again, "keep-tagline": "mine"})

    assert response.status_code == 302
    framework.refresh_from_db()
    assert (framework.tagline, framework.license) == ("Ada's line", "BSD-3")


def test_saving_the_conflict_screen_without_choosing_asks_again(editors):
    ada, bob = editors
    framework = FrameworkFactory(tagline="Old line")
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)
    bob.post(change_url(framework), {**bob_form, "tagline": "Bob's line"})
    again = form_data(
        ada.post(change_url(framework), {**ada_form, "tagline": "Ada's line"}).text,
        "framework_form",
    )

    response = ada.post(change_url(framework), again)

    assert response.status_code == 200
    assert "Choose the value to keep" in response.text
    assert Framework.objects.get(pk=framework.pk).tagline == "Bob's line"


def test_two_editors_changing_different_inline_rows_both_keep_their_change(editors):
    ada, bob = editors
    framework = framework_with_facts()
    first, second = ProCon.objects.filter(framework=framework).order_by("pk")[:2]
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)

    bob_key = inline_key(bob_form, "pros_cons", first, "title")
    assert bob.post(change_url(framework), {**bob_form, bob_key: "Bob's row"}).status_code == 302
    ada_key = inline_key(ada_form, "pros_cons", second, "title")
    response = ada.post(change_url(framework), {**ada_form, ada_key: "Ada's row"})

    assert response.status_code == 302
    assert ProCon.objects.get(pk=first.pk).title == "Bob's row"
    assert ProCon.objects.get(pk=second.pk).title == "Ada's row"


def test_an_inline_row_both_editors_changed_asks_which_value_to_keep(editors):
    ada, bob = editors
    framework = framework_with_facts()
    row = ProCon.objects.filter(framework=framework).first()
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)
    key = inline_key(ada_form, "pros_cons", row, "detail")
    bob.post(change_url(framework), {**bob_form, key: "Bob's detail"})

    response = ada.post(change_url(framework), {**ada_form, key: "Ada's detail"})

    assert response.status_code == 200
    assert "Bob&#x27;s detail" in response.text and "Ada&#x27;s detail" in response.text
    again = form_data(response.text, "framework_form")
    keep = key.removesuffix("-detail") + "-keep-detail"
    assert ada.post(change_url(framework), {**again, keep: "mine"}).status_code == 302
    assert ProCon.objects.get(pk=row.pk).detail == "Ada's detail"


def test_an_inline_row_deleted_meanwhile_is_named_and_the_rest_is_saved(editors):
    ada, bob = editors
    framework = framework_with_facts()
    gone, kept = ProCon.objects.filter(framework=framework).order_by("pk")[:2]
    ada_form = open_form(ada, framework)
    bob.post(reverse("admin:comparisons_procon_delete", args=[gone.pk]), {"post": "yes"})
    assert not ProCon.objects.filter(pk=gone.pk).exists()

    response = ada.post(
        change_url(framework),
        {**ada_form, inline_key(ada_form, "pros_cons", gone, "title"): "Ada's edit",
         inline_key(ada_form, "pros_cons", kept, "title"): "Ada's other edit",
         "tagline": "Ada's tagline"},
        follow=True,
    )  # fmt: skip

    assert response.status_code == 200
    assert f"“{gone}” was deleted by bob" in response.text.replace("&#x27;", "'")
    assert ProCon.objects.get(pk=kept.pk).title == "Ada's other edit"
    assert Framework.objects.get(pk=framework.pk).tagline == "Ada's tagline"
    assert not ProCon.objects.filter(pk=gone.pk).exists()  # not brought back by the save


def test_rows_an_editor_did_not_touch_are_never_written(editors):
    ada, _ = editors
    framework = framework_with_facts()
    form = open_form(ada, framework)
    untouched = {row.pk: row.history.count() for row in ProCon.objects.filter(framework=framework)}
    record_count = framework.history.count()

    assert ada.post(change_url(framework), form).status_code == 302

    assert framework.history.count() == record_count  # a save that changes nothing writes nothing
    for row in ProCon.objects.filter(framework=framework):
        assert row.history.count() == untouched[row.pk]


def test_a_save_that_changes_nothing_leaves_the_content_version_alone(editors):
    from pagecache.caching import stored_version

    ada, _ = editors
    framework = framework_with_facts()
    form = open_form(ada, framework)
    before = stored_version()
    assert ada.post(change_url(framework), form).status_code == 302
    assert stored_version() == before
    assert ada.post(change_url(framework), {**form, "tagline": "New"}).status_code == 302
    assert stored_version() != before


def test_a_change_of_sources_is_written_and_one_left_alone_is_not(editors):
    ada, bob = editors
    framework = framework_with_facts()
    new = SourceFactory()
    ada_form, bob_form = open_form(ada, framework), open_form(bob, framework)
    bob.post(change_url(framework), {**bob_form, "sources": [str(new.pk)]})  # Bob re-cites

    assert ada.post(change_url(framework), {**ada_form, "tagline": "Ada's"}).status_code == 302
    assert list(framework.sources.values_list("pk", flat=True)) == [new.pk]  # Bob's kept


def test_markdown_sent_with_browser_line_endings_is_not_a_change(editors):
    ada, _ = editors
    framework = FrameworkFactory(body="One\n\nTwo")
    form = open_form(ada, framework)
    crlf = form["body"].replace("\n", "\r\n")
    assert (
        ada.post(change_url(framework), {**form, "body": crlf, "tagline": "New"}).status_code == 302
    )
    framework.refresh_from_db()
    assert framework.body == "One\n\nTwo"
    record = framework.history.latest()
    delta = record.diff_against(record.prev_record, excluded_fields=["updated_at"])
    assert [change.field for change in delta.changes] == ["tagline"]


def test_an_editor_can_revert_to_an_earlier_version(editors):
    ada, _ = editors
    framework = FrameworkFactory(tagline="The original")
    form = open_form(ada, framework)
    ada.post(change_url(framework), {**form, "tagline": "A mistake"})
    first = framework.history.earliest()
    revert_url = reverse(
        "admin:comparisons_framework_simple_history", args=[framework.pk, first.history_id]
    )
    revert_form = form_data(ada.get(revert_url).text, "historicalframework_form")
    assert revert_form["tagline"] == "The original"
    assert ada.post(revert_url, revert_form).status_code == 302
    assert Framework.objects.get(pk=framework.pk).tagline == "The original"


# --- Restoring deletions -----------------------------------------------------------------


def delete(client, obj):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302


def restore(client, model, obj):
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_deleted")
    listing = client.get(url)
    (entry,) = [e for e, name in listing.context["entries"] if e.object_id == obj.pk]
    return client.post(url, {"row": entry.pk}, follow=True)


def test_a_restored_framework_brings_back_exactly_the_rows_its_deletion_took(editors):
    ada, _ = editors
    framework = framework_with_facts()
    facts = {model: set(model.objects.filter(framework=framework).values_list("pk", flat=True))
             for model in (Support, ProCon)}  # fmt: skip
    alone = ProConFactory(framework=framework, kind="con", order=9)
    delete(ada, alone)  # deleted on its own, before the framework
    cited = sorted(framework.sources.values_list("pk", flat=True))

    delete(ada, framework)
    assert not Support.objects.filter(pk__in=facts[Support]).exists()
    response = restore(ada, Framework, framework)

    assert response.status_code == 200
    assert "Restored" in response.text
    restored = Framework.objects.get(pk=framework.pk)
    for model, pks in facts.items():
        assert set(model.objects.filter(framework=restored).values_list("pk", flat=True)) == pks
    assert not ProCon.objects.filter(pk=alone.pk).exists()  # never brought back with it
    assert sorted(restored.sources.values_list("pk", flat=True)) == cited
    support = Support.objects.get(pk=next(iter(facts[Support])))
    assert support.sources.count() == 2
    listing = ada.get(reverse("admin:comparisons_framework_deleted"))
    assert not listing.context["entries"]  # restored: no longer listed


def test_a_restore_is_one_history_entry_per_row(editors):
    ada, _ = editors
    framework = framework_with_facts()
    support = Support.objects.get(framework=framework)
    delete(ada, framework)
    restore(ada, Framework, framework)
    types = list(support.history.order_by("history_date").values_list("history_type", flat=True))
    assert types[-2:] == ["-", "+"]
    assert support.history.latest().history_change_reason == "restored"


def test_a_row_whose_parent_is_deleted_says_so_and_restores_nothing(editors):
    ada, _ = editors
    framework = framework_with_facts()
    row = ProCon.objects.filter(framework=framework).first()
    delete(ada, row)
    delete(ada, framework)
    deletion = Deletion.objects.filter(rows__object_id=row.pk, rows__is_root=True).get()

    response = restore(ada, ProCon, row)

    assert "needs a framework that is deleted too" in response.text
    assert not ProCon.objects.filter(pk=row.pk).exists()
    assert Deletion.objects.get(pk=deletion.pk).restored_at is None


def test_a_deleted_article_comes_back_with_its_frameworks_and_faq(editors):
    ada, _ = editors
    row = article()
    FaqEntryFactory.create_batch(3, article=row)
    delete(ada, row)
    restore(ada, Article, row)
    assert Article.objects.get(pk=row.pk).entries.count() == 2
    assert FaqEntry.objects.filter(article=row).count() == 3


def test_restoring_needs_add_permission(client, django_user_model):
    user = django_user_model.objects.create_user("peek", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(reverse("admin:comparisons_framework_deleted")).status_code == 403


def test_a_forged_restore_request_is_a_404(editors):
    ada, _ = editors
    url = reverse("admin:comparisons_framework_deleted")
    assert ada.post(url, {"row": "nope"}).status_code == 404
    assert ada.post(url, {"row": "999999"}).status_code == 404


def test_every_content_model_is_registered_and_keeps_history():
    from django.apps import apps

    from comparisons.models import Verification, VerifiedFact
    from editing.registry import content_models
    from recommender.models import Result, StepCount

    not_content = {Result, StepCount, Verification, VerifiedFact}  # no reader page shows these
    for label in ("comparisons", "recommender"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__.startswith("Historical"):
                continue
            assert (model in content_models()) == (model not in not_content), model
    for model in content_models():
        assert hasattr(model, "history"), model
