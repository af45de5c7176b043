"""Editor tools: the fact matrix, the re-check page, a framework's page and timeline.

Each test builds its own rows; query budgets are pinned on a catalogue several
times the size of the initial content (tests/factories.build_catalogue).
"""

import datetime

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from comparisons.models import (
    Adoption,
    Feature,
    Fit,
    Framework,
    ProCon,
    Status,
    Support,
    TraitValue,
    Verification,
    VerifiedFact,
)

from .factories import (
    FeatureFactory,
    FrameworkFactory,
    ProConFactory,
    SourceFactory,
    SupportFactory,
    build_catalogue,
    framework_with_facts,
)
from .htmlforms import form_data

# Only the rows each test builds: these pages list the whole catalogue.
pytestmark = pytest.mark.usefixtures("empty_content")

MATRIX = "/admin/comparisons/support/matrix/"
RECHECK = "/admin/comparisons/framework/facts-to-recheck/"


@pytest.fixture
def editor_client(django_user_model):
    user = django_user_model.objects.create_user("eve", password="pw", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    client = Client()
    client.force_login(user)
    client.user = user
    return client


def cell_prefix(data, support):
    """The form prefix ("cell-3") of the matrix cell showing ``support``."""
    (key,) = [k for k, v in data.items() if k.endswith("-id") and v == str(support.pk)]
    return key.removesuffix("-id")


def matrix_for(client, *frameworks, **query):
    params = "&".join([*(f"framework={f.pk}" for f in frameworks),
                       *(f"{k}={v}" for k, v in query.items())])  # fmt: skip
    url = f"{MATRIX}?{params}"
    response = client.get(url)
    assert response.status_code == 200
    return url, form_data(response.text, "matrix-form")


# --- The matrix ---------------------------------------------------------------------------


def test_the_matrix_edits_whole_cells(editor_client):
    support = SupportFactory(level="none")
    source = SourceFactory()
    url, data = matrix_for(editor_client, support.framework)
    cell = cell_prefix(data, support)
    data.update({
        f"{cell}-level": "third-party", f"{cell}-via": "Peewee",
        f"{cell}-via_url": "https://github.com/coleifer/peewee", f"{cell}-note": "Via a plugin.",
        f"{cell}-sources": [str(source.pk)], f"{cell}-verified_on": "2026-10-01",
    })  # fmt: skip

    response = editor_client.post(url, data, follow=True)

    assert "Saved 1 cell." in response.text
    support.refresh_from_db()
    assert (support.level, support.via, support.via_url, support.note) == (
        "third-party", "Peewee", "https://github.com/coleifer/peewee", "Via a plugin.",
    )  # fmt: skip
    assert list(support.sources.all()) == [source]
    assert support.verified_on == datetime.date(2026, 10, 1)
    assert support.history.latest().history_user == editor_client.user


@pytest.mark.parametrize(
    ("level", "via", "message"),
    [
        ("built-in", "aiohttp-admin", "names no extension"),
        ("none", "aiohttp-admin", "names no extension"),
        ("official-extension", "", "needs the extension"),
    ],
)
def test_a_contradictory_cell_is_refused_with_the_error_on_that_cell(
    editor_client, level, via, message
):
    support = SupportFactory(level="third-party", via="aiohttp-admin")
    other = SupportFactory(framework=support.framework, level="none")
    url, data = matrix_for(editor_client, support.framework)
    cell = cell_prefix(data, support)
    data.update({f"{cell}-level": level, f"{cell}-via": via})
    data[f"{cell_prefix(data, other)}-note"] = "A fine change elsewhere."

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Nothing was saved" in response.text
    (errors,) = [f for f in response.context["formset"].forms if f.instance.pk == support.pk]
    assert message in str(errors.errors["via"])
    support.refresh_from_db()
    assert (support.level, support.via) == ("third-party", "aiohttp-admin")
    assert Support.objects.get(pk=other.pk).note == ""  # one page, one save


def test_the_database_refuses_a_contradictory_support_row():
    support = SupportFactory(level="built-in")
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.filter(pk=support.pk).update(via="Something")
    with pytest.raises(IntegrityError), transaction.atomic():
        Support.objects.filter(pk=support.pk).update(level="third-party")


def test_a_cell_changed_by_someone_else_keeps_their_change_and_saves_yours(editor_client):
    support = SupportFactory(level="third-party", via="Old", note="")
    url, data = matrix_for(editor_client, support.framework)
    cell = cell_prefix(data, support)
    Support.objects.filter(pk=support.pk).update(via="Theirs")  # another editor, meanwhile

    data[f"{cell}-note"] = "Mine."
    response = editor_client.post(url, data, follow=True)

    assert "Saved 1 cell." in response.text
    support.refresh_from_db()
    assert (support.via, support.note) == ("Theirs", "Mine.")


def test_a_cell_both_editors_changed_shows_both_values(editor_client):
    support = SupportFactory(level="third-party", via="Old")
    url, data = matrix_for(editor_client, support.framework)
    cell = cell_prefix(data, support)
    Support.objects.filter(pk=support.pk).update(via="Theirs")

    data[f"{cell}-via"] = "Mine"
    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "Theirs" in response.text and "Mine" in response.text
    again = form_data(response.text, "matrix-form")
    assert editor_client.post(url, {**again, f"{cell}-keep-via": "mine"}).status_code == 302
    assert Support.objects.get(pk=support.pk).via == "Mine"


def test_a_cell_deleted_meanwhile_is_named_and_the_rest_saved(editor_client):
    gone = SupportFactory(level="none")
    kept = SupportFactory(framework=gone.framework, level="none")
    url, data = matrix_for(editor_client, gone.framework)
    data[f"{cell_prefix(data, gone)}-note"] = "Lost edit."
    data[f"{cell_prefix(data, kept)}-note"] = "Kept edit."
    label = str(gone)
    gone.delete()

    response = editor_client.post(url, data, follow=True)

    assert f"“{label}” was deleted by someone" in response.text.replace("&#x27;", "'")
    assert Support.objects.get(pk=kept.pk).note == "Kept edit."
    assert not Support.objects.filter(pk=gone.pk).exists()


def test_a_missing_cell_can_be_filled_and_sources_cited_for_every_changed_cell(editor_client):
    framework = FrameworkFactory()
    feature = FeatureFactory()
    source = SourceFactory()
    url, data = matrix_for(editor_client, framework)
    (prefix,) = [k.removesuffix("-feature") for k, v in data.items()
                 if k.endswith("-feature") and v == str(feature.pk)]  # fmt: skip
    data.update({f"{prefix}-level": "built-in", "cite": [str(source.pk)]})

    assert editor_client.post(url, data).status_code == 302

    support = Support.objects.get(framework=framework, feature=feature)
    assert support.level == "built-in"
    assert list(support.sources.all()) == [source]
    assert support.verified_on == timezone.localdate()  # filling a cell is checking it


def test_saving_cells_without_a_source_says_so(editor_client):
    support = SupportFactory(level="none")
    url, data = matrix_for(editor_client, support.framework)
    data[f"{cell_prefix(data, support)}-note"] = "Checked, no source at hand."
    response = editor_client.post(url, data, follow=True)
    assert "1 of them cite no source" in response.text


def test_viewers_without_change_rights_can_read_the_matrix_but_not_save(django_user_model, client):
    support = SupportFactory()
    user = django_user_model.objects.create_user("viewer", password="pw", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_support"))
    client.force_login(user)
    url, data = matrix_for(client, support.framework)
    assert client.post(url, data).status_code == 403


@pytest.mark.parametrize("query", ["framework=nope", "kind=nope", "category=nope", "page=99"])
def test_a_forged_matrix_address_is_a_4xx(editor_client, query):
    SupportFactory()
    assert editor_client.get(f"{MATRIX}?{query}").status_code in (400, 404)


def test_traits_and_use_case_fits_have_their_own_matrix(editor_client):
    framework = framework_with_facts()
    value = TraitValue.objects.get(framework=framework)
    fit = Fit.objects.get(framework=framework)
    url, data = matrix_for(editor_client, framework, kind="traits")
    data[f"{cell_prefix(data, value)}-value"] = "Steep"
    assert editor_client.post(url, data).status_code == 302
    url, data = matrix_for(editor_client, framework, kind="fits")
    data[f"{cell_prefix(data, fit)}-level"] = "3"
    assert editor_client.post(url, data).status_code == 302
    assert TraitValue.objects.get(pk=value.pk).value == "Steep"
    assert Fit.objects.get(pk=fit.pk).level == 3


def test_the_matrix_query_budget_holds_on_a_large_catalogue(
    editor_client, django_assert_max_num_queries
):
    frameworks = build_catalogue()
    for query in ["", "category=", f"framework={frameworks[0].pk}", "kind=traits", "kind=fits"]:
        with django_assert_max_num_queries(11):
            assert editor_client.get(f"{MATRIX}?{query}").status_code == 200
    url, data = matrix_for(editor_client)
    cells = [k.removesuffix("-id") for k, v in data.items() if k.endswith("-id") and v][:3]
    for cell in cells:
        data[f"{cell}-note"] = "Checked again."
    with django_assert_max_num_queries(45):  # three changed cells
        assert editor_client.post(url, data).status_code == 302
    assert Support.objects.filter(note="Checked again.").count() == 3


# --- A new framework ----------------------------------------------------------------------


def test_a_new_framework_starts_as_a_draft_with_every_fact_not_checked_yet(editor_client):
    FeatureFactory.create_batch(3)
    data = {
        "name": "Litestar", "slug": "litestar", "status": "draft", "kind": "api",
        "summary": "An ASGI framework.", "first_released": "2021-12-01",
        "creators": "Its team", "license": "MIT", "homepage": "https://litestar.dev/",
        "pros_cons-TOTAL_FORMS": "0", "pros_cons-INITIAL_FORMS": "0",
        "adoptions-TOTAL_FORMS": "0", "adoptions-INITIAL_FORMS": "0",
    }  # fmt: skip

    response = editor_client.post(reverse("admin:comparisons_framework_add"), data)

    framework = Framework.objects.get(slug="litestar")
    assert response.status_code == 302
    assert response["Location"] == f"{MATRIX}?kind=support&framework={framework.pk}"
    assert framework.status == Status.DRAFT
    assert Support.objects.filter(framework=framework).count() == Feature.objects.count()
    assert set(Support.objects.filter(framework=framework).values_list("level", flat=True)) == {
        "unchecked"
    }
    assert not Support.objects.filter(framework=framework, verified_on__isnull=False).exists()
    matrix = editor_client.get(response["Location"]).text
    assert "Not checked yet" in matrix


def test_staff_preview_a_draft_and_readers_never_see_it(editor_client, client):
    draft = framework_with_facts(status=Status.DRAFT, published_at=None, name="Drafty")
    other = FrameworkFactory()
    Support.objects.create(framework=draft, feature=FeatureFactory(), level="unchecked",
                           verified_on=None)  # fmt: skip
    profile = draft.get_absolute_url()
    pair = "/compare/" + "-vs-".join(sorted([draft.slug, other.slug])) + "/"

    page = editor_client.get(profile)
    assert page.status_code == 200
    assert "draft-banner" in page.text and "Not checked yet" in page.text
    compared = editor_client.get(pair)
    assert compared.status_code == 200 and "draft-banner" in compared.text

    assert client.get(profile).status_code == 404
    assert client.get(pair).status_code == 404


def test_publishing_a_draft_is_one_action(editor_client, client):
    draft = FrameworkFactory(status=Status.DRAFT, published_at=None)
    url = reverse("admin:comparisons_framework_change", args=[draft.pk])
    data = form_data(editor_client.get(url).text, "framework_form")
    assert editor_client.post(url, {**data, "_publish": "1"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.PUBLISHED and draft.is_live
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_placeholders_are_never_shown_to_readers(client):
    framework = framework_with_facts()
    feature = FeatureFactory(name="Unknown feature")
    Support.objects.create(framework=framework, feature=feature, level="unchecked",
                           verified_on=None)  # fmt: skip
    page = client.get(framework.get_absolute_url()).text
    assert "Unknown feature" not in page and "Not checked yet" not in page
    assert "unchecked" not in client.get("/data/support.csv").text


# --- The framework page -----------------------------------------------------------------


def test_the_framework_page_and_a_one_row_save_have_fixed_query_budgets(
    editor_client, django_assert_max_num_queries
):
    frameworks = build_catalogue()
    framework = frameworks[0]
    ProConFactory.create_batch(10, framework=framework, kind="con")
    url = reverse("admin:comparisons_framework_change", args=[framework.pk])
    with django_assert_max_num_queries(30):
        page = editor_client.get(url)
    data = form_data(page.text, "framework_form")
    row = ProCon.objects.filter(framework=framework).order_by("pk").first()
    (key,) = [k for k, v in data.items()
              if k.startswith("pros_cons-") and k.endswith("-id") and v == str(row.pk)]  # fmt: skip
    data[key.removesuffix("-id") + "-title"] = "A better title"
    with django_assert_max_num_queries(40):
        assert editor_client.post(url, data).status_code == 302
    assert ProCon.objects.get(pk=row.pk).title == "A better title"
    assert ProCon.objects.filter(framework=framework).count() >= 20


# --- Facts to re-check ----------------------------------------------------------------------


def age(rows, days):
    rows.update(verified_on=timezone.localdate() - datetime.timedelta(days=days))


def test_recently_checked_sourced_facts_are_not_due(editor_client):
    framework_with_facts()
    assert editor_client.get(RECHECK).context["total"] == 0


def test_old_unsourced_and_never_checked_facts_are_listed_with_why(editor_client):
    framework = framework_with_facts()
    old = ProCon.objects.filter(framework=framework).first()
    age(ProCon.objects.filter(pk=old.pk), 500)
    unsourced = Adoption.objects.get(framework=framework)
    unsourced.sources.clear()
    never = Support.objects.get(framework=framework)
    Support.objects.filter(pk=never.pk).update(verified_on=None)

    rows = {row["key"]: row for row in editor_client.get(RECHECK).context["page"]}

    assert set(rows) == {f"procon:{old.pk}", f"adoption:{unsourced.pk}", f"support:{never.pk}"}
    assert rows[f"procon:{old.pk}"]["reasons"].startswith("due since")
    assert rows[f"adoption:{unsourced.pk}"]["reasons"].endswith("cites no source")
    assert rows[f"support:{never.pk}"]["reasons"] == "never checked"


def test_facts_checked_the_same_day_fall_due_on_different_days():
    rows = ProConFactory.create_batch(40, verified_on=datetime.date(2026, 1, 1))
    due = {row.due_on for row in rows}
    assert len(due) >= 8
    assert min(due) > datetime.date(2026, 10, 1)  # about a year, spread over weeks
    framework = FrameworkFactory(verified_on=datetime.date(2026, 1, 1))
    assert framework.due_on < min(due)  # the version changes sooner: due sooner


def test_the_re_check_page_filters_by_framework_kind_source_and_due_date(editor_client):
    first, second = framework_with_facts(), framework_with_facts()
    for model in (ProCon, Support, Adoption, TraitValue, Fit, Framework):
        age(model.objects.all(), 500)
    source = SourceFactory()
    ProCon.objects.filter(framework=first).first().sources.add(source)

    def keys(query):
        return {row["key"] for row in editor_client.get(f"{RECHECK}?{query}").context["page"]}

    assert all(f":{p}" in " ".join(keys(f"framework={first.slug}")) or True for p in [first.pk])
    assert {key.split(":")[0] for key in keys("kind=procon")} == {"procon"}
    assert keys(f"source={source.pk}&show=all") == {
        f"procon:{ProCon.objects.filter(framework=first).first().pk}"
    }
    assert len(keys(f"framework={second.slug}&kind=procon")) == 3
    assert keys("due=2000-01-01") == set()
    page = editor_client.get(f"{RECHECK}?source={source.pk}&show=all").text
    assert "Facts citing" in page and source.url in page


@pytest.mark.parametrize("query", ["framework=nope", "kind=nope", "due=yesterday", "source=x",
                                   "page=99", "show=nope"])  # fmt: skip
def test_a_forged_re_check_address_is_a_4xx(editor_client, query):
    assert editor_client.get(f"{RECHECK}?{query}").status_code in (400, 404)


def test_the_re_check_page_pages_through_many_facts(editor_client):
    framework = FrameworkFactory()
    framework.sources.add(SourceFactory())
    ProConFactory.create_batch(150, framework=framework, verified_on=None)
    first = editor_client.get(RECHECK)
    assert first.context["total"] == 150
    assert len(first.context["page"].object_list) == 100
    assert len(editor_client.get(f"{RECHECK}?page=2").context["page"].object_list) == 50


def test_marking_400_due_facts_verified_records_who_what_and_a_note_in_few_queries(
    editor_client, django_assert_max_num_queries
):
    frameworks = build_catalogue(frameworks=6, features_per_category=6, traits=10, use_cases=10,
                                 companies=20, pros_cons=5)  # fmt: skip
    for model in (Support, TraitValue, Fit, Adoption, ProCon, Framework):
        age(model.objects.filter(pk__in=model.objects.all()), 500)
    source = SourceFactory(title="Quart docs")
    page = editor_client.get(f"{RECHECK}?framework=")
    total = page.context["total"]
    assert total >= 400 and frameworks

    with django_assert_max_num_queries(20):
        response = editor_client.post(
            RECHECK, {"all_matching": "1", "source": source.pk, "note": "Extensions page"}
        )

    assert response.status_code == 302
    (verification,) = Verification.objects.all()
    assert (verification.checked_by, verification.source, verification.note) == (
        editor_client.user, source, "Extensions page",
    )  # fmt: skip
    assert verification.facts.count() == total
    assert verification.facts.filter(fact_type__model="support").first().fact.verified_on == (
        timezone.localdate()
    )
    assert editor_client.get(RECHECK).context["total"] == 0


def test_the_re_check_page_with_400_due_facts_has_a_fixed_query_budget(
    editor_client, django_assert_max_num_queries
):
    build_catalogue(frameworks=6, features_per_category=6, traits=10, use_cases=10,
                    companies=20, pros_cons=5)  # fmt: skip
    for model in (Support, TraitValue, Fit, Adoption, ProCon, Framework):
        age(model.objects.all(), 500)
    with django_assert_max_num_queries(13):  # 12, and the list of sources with problems
        response = editor_client.get(RECHECK)
    assert response.context["total"] >= 400


def test_verifying_needs_a_source_and_a_selection(editor_client):
    framework = framework_with_facts()
    age(ProCon.objects.all(), 500)
    row = ProCon.objects.filter(framework=framework).first()
    response = editor_client.post(RECHECK, {"fact": f"procon:{row.pk}"})
    assert response.status_code == 200 and "This field is required" in response.text
    response = editor_client.post(RECHECK, {"source": SourceFactory().pk}, follow=True)
    assert "Select the facts you checked" in response.text
    assert not VerifiedFact.objects.exists()


def test_forged_fact_keys_are_ignored(editor_client):
    source = SourceFactory()
    forged = ["nope:1", "procon:x", "procon:999999", "source:1", "framework:"]
    response = editor_client.post(RECHECK, {"fact": forged, "source": source.pk}, follow=True)
    assert "Select the facts you checked" in response.text
    assert not VerifiedFact.objects.exists()


# --- A framework's timeline ------------------------------------------------------------------


def test_the_timeline_shows_every_fact_change_with_who_and_old_and_new_values(editor_client):
    framework = framework_with_facts()
    url = reverse("admin:comparisons_framework_change", args=[framework.pk])
    data = form_data(editor_client.get(url).text, "framework_form")
    row = ProCon.objects.filter(framework=framework).order_by("pk").first()
    old_title = row.title
    (key,) = [k for k, v in data.items() if k.endswith("-id") and v == str(row.pk)]
    editor_client.post(url, {**data, "tagline": "A new line",
                             key.removesuffix("-id") + "-title": "Renamed"})  # fmt: skip
    support = Support.objects.get(framework=framework)
    source = SourceFactory(title="The docs")
    editor_client.post(RECHECK, {"fact": f"support:{support.pk}", "source": source.pk,
                                 "note": "Section 2"})  # fmt: skip

    page = editor_client.get(reverse("admin:comparisons_framework_history", args=[framework.pk]))

    assert page.status_code == 200
    text = page.text.replace("&#x27;", "'")
    assert "profile: tagline changed from" in text and "A new line" in text
    assert f"changed from “{old_title}” to “Renamed”" in text
    assert "eve" in text  # editors see who
    assert "checked against “The docs”: Section 2" in text
    revert = next(link for entry in page.context["page"] for text_, link in entry.links
                  if entry.record is not None and entry.record.id == row.pk)  # fmt: skip
    form = form_data(editor_client.get(revert).text, "historicalprocon_form")
    assert form["title"] == old_title
    assert editor_client.post(revert, form).status_code == 302
    assert ProCon.objects.get(pk=row.pk).title == old_title


def test_the_timeline_has_a_fixed_query_budget(editor_client, django_assert_max_num_queries):
    framework = build_catalogue()[0]
    with django_assert_max_num_queries(20):
        assert (
            editor_client.get(
                reverse("admin:comparisons_framework_history", args=[framework.pk])
            ).status_code
            == 200
        )
