"""The open-data files are a public contract: names, columns and values."""

import csv
import datetime
import io

import pytest

from comparisons.models import Status

from .factories import (
    AdoptionFactory,
    FrameworkFactory,
    SourceFactory,
    SupportFactory,
    TraitValueFactory,
    framework_with_facts,
)

# Only the rows each test builds.
pytestmark = pytest.mark.usefixtures("empty_content")

LEVELS = {"built-in", "official-extension", "third-party", "none"}


def read_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def assert_iso_date(value):
    assert datetime.date.fromisoformat(value).isoformat() == value


def test_frameworks_json_lists_published_frameworks_with_the_contract_fields(client):
    alpha = framework_with_facts(slug="alpha", first_released=datetime.date(2010, 4, 16),
                                 python_requires=">=3.10", current_version="3.1")  # fmt: skip
    FrameworkFactory(slug="hidden", status=Status.DRAFT, published_at=None)
    response = client.get("/data/frameworks.json")
    assert response["Content-Type"] == "application/json"
    (row,) = response.json()
    assert row["slug"] == "alpha"
    for key in ["slug", "name", "kind", "first_released", "creators", "license", "homepage"]:
        assert row[key], key
    assert row["first_released"] == "2010-04-16"
    assert row["sources"] == [s.url for s in alpha.sources.order_by("title")]
    assert (row["python_requires"], row["current_version"]) == (">=3.10", "3.1")
    assert row["pypi_checked_at"] is None  # no machine has checked it


def test_support_csv_has_the_contract_columns_and_one_row_per_cell(client):
    source = SourceFactory(url="https://example.org/orm")
    row = SupportFactory(level="third-party", via="Peewee", via_url="https://example.org/peewee",
                         note="A note.")  # fmt: skip
    row.sources.add(source)
    SupportFactory(framework=row.framework, level="unchecked", via="")  # a placeholder

    columns, rows = read_csv(client, "/data/support.csv")

    assert columns == [
        "framework", "feature", "level", "via", "via_url", "note", "verified_on", "sources",
        "basis", "evidence",
    ]  # fmt: skip
    (only,) = rows  # placeholders are never published
    assert (only["framework"], only["feature"], only["level"]) == (
        row.framework.slug, row.feature.slug, "third-party",
    )  # fmt: skip
    assert (only["via"], only["via_url"], only["note"]) == (
        "Peewee", "https://example.org/peewee", "A note.",
    )  # fmt: skip
    assert_iso_date(only["verified_on"])
    assert (only["sources"], only["basis"]) == ("https://example.org/orm", "sourced")


def test_adoptions_csv_has_the_contract_columns(client):
    adoption = AdoptionFactory(how="Runs its shop on it.")
    columns, rows = read_csv(client, "/data/adoptions.csv")
    assert columns == ["company", "framework", "how", "verified_on", "sources", "basis", "evidence"]
    assert [(r["company"], r["framework"], r["how"]) for r in rows] == [
        (adoption.company.name, adoption.framework.slug, "Runs its shop on it.")
    ]


def test_traits_csv_says_whether_each_value_is_sourced_or_our_assessment(client):
    sourced = TraitValueFactory(value="Jinja2")
    judged = TraitValueFactory(framework=sourced.framework, value="Gentle", basis="assessment",
                               evidence="Its tutorial is one page (Nov 2026).")  # fmt: skip
    columns, rows = read_csv(client, "/data/traits.csv")
    assert columns == ["framework", "trait", "value", "verified_on", "sources", "basis", "evidence"]
    by_trait = {row["trait"]: row for row in rows}
    assert by_trait[sourced.trait.slug]["basis"] == "sourced"
    assert (by_trait[judged.trait.slug]["basis"], by_trait[judged.trait.slug]["evidence"]) == (
        "assessment", "Its tutorial is one page (Nov 2026).",
    )  # fmt: skip


def test_data_files_leave_out_unpublished_frameworks(client):
    draft = framework_with_facts(slug="drafty", status=Status.DRAFT, published_at=None)
    framework_with_facts(slug="live")
    assert {row["slug"] for row in client.get("/data/frameworks.json").json()} == {"live"}
    for url in ["/data/support.csv", "/data/traits.csv", "/data/adoptions.csv"]:
        _, rows = read_csv(client, url)
        assert {row["framework"] for row in rows} == {"live"}, url
    assert draft.supports.exists()


def test_csv_cells_with_commas_and_quotes_survive_the_round_trip(client):
    SupportFactory(note='Uses "SQLAlchemy", or sqlite3, or anything')
    _, (row,) = read_csv(client, "/data/support.csv")
    assert row["note"] == 'Uses "SQLAlchemy", or sqlite3, or anything'


def test_the_data_page_explains_the_licence_and_links_every_file(client):
    html = client.get("/data/").text
    assert "CC BY 4.0" in html and "assessment" in html
    for name in ["frameworks.json", "support.csv", "adoptions.csv", "traits.csv"]:
        assert f'href="/data/{name}"' in html
