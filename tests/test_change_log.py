"""The public change log of a comparison: what changed in its facts, and when."""

import pytest
from django.urls import reverse

from comparisons.models import FACT_MODELS, Adoption, ProCon, Support

from .factories import SourceFactory, framework_with_facts
from .htmlforms import form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair():
    """Two frameworks with facts, each row's history one baseline record (as after seed)."""
    first = framework_with_facts(name="Alpha", slug="alpha")
    second = framework_with_facts(name="Beta", slug="beta")
    for framework in (first, second):
        rows = [framework] + [
            row for model in FACT_MODELS[1:] for row in model.objects.filter(framework=framework)
        ]
        for row in rows:
            row.history.all().delete()
            row.save()  # one record, by nobody: the baseline
    return first, second, "/compare/alpha-vs-beta/changes/"


def save(staff_client, obj, **changes):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_data(staff_client.get(url).text, f"{opts.model_name}_form")
    assert staff_client.post(url, {**data, **changes}).status_code == 302


def text(response):
    return response.text.replace("&#x27;", "'").replace("&quot;", '"')


def test_rows_as_first_loaded_are_not_changes(client, pair):
    assert "No changes since" in client.get(pair[2]).text


def test_a_changed_fact_shows_old_and_new_value_and_no_editor_names(client, staff_client, pair):
    support = Support.objects.get(framework=pair[0])
    save(staff_client, support, level="third-party", via="Peewee")
    html = text(client.get(pair[2]))
    assert "support: level changed from “Built in” to “Third-party package”" in html
    assert "extension changed from “empty” to “Peewee”" in html
    assert "boss" not in html  # editors' names stay private


def test_a_change_of_sources_says_which_were_cited_and_dropped(client, staff_client, pair):
    support = Support.objects.get(framework=pair[0])
    kept, dropped = support.sources.order_by("pk")
    new = SourceFactory(title="A new source")
    save(staff_client, support, sources=[str(kept.pk), str(new.pk)])
    html = text(client.get(pair[2]))
    assert "support: cited “A new source”; stopped citing “" + dropped.title + "”" in html
    assert f"cited “{kept.title}”" not in html  # kept, not news


def test_a_deletion_and_a_restore_are_one_line_per_row(client, staff_client, pair):
    first = pair[0]
    rows = 1 + sum(model.objects.filter(framework=first).count()
                   for model in (Support, ProCon, Adoption)) + 2  # trait, fit  # fmt: skip
    staff_client.post(reverse("admin:comparisons_framework_delete", args=[first.pk]),
                      {"post": "yes"})  # fmt: skip
    deleted = reverse("admin:comparisons_framework_deleted")
    (entry, _), *_ = staff_client.get(deleted).context["entries"]
    staff_client.post(deleted, {"row": entry.pk})

    html = text(client.get(pair[2]))

    assert html.count("removed ") == rows  # the profile and each of its facts, once
    assert html.count("restored ") == rows
    assert "cited “" not in html  # a restore does not re-announce every citation


def test_the_change_log_pages_instead_of_dropping_old_changes(client, pair):
    row = ProCon.objects.filter(framework=pair[0]).first()
    for n in range(105):
        row.title = f"Title {n}"
        row.save()

    first = client.get(pair[2])
    second = client.get(pair[2] + "?page=2")

    assert first.context["page"].paginator.count >= 105
    assert len(first.context["page"].object_list) == 100
    assert second.status_code == 200 and second.context["page"].object_list
    assert client.get(pair[2] + "?page=9").status_code == 404


def test_the_change_log_of_an_impossible_comparison_is_a_404(client, pair):
    assert client.get("/compare/alpha-vs-nope/changes/").status_code == 404


def test_the_change_log_has_a_fixed_query_budget(client, pair, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        assert client.get(pair[2]).status_code == 200
