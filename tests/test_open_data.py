"""The open-data files are a public contract: names, columns and values."""

import csv
import datetime
import io

import pytest

from comparisons.models import Adoption, Feature, Framework, Status, Support, TraitValue

pytestmark = pytest.mark.usefixtures("seeded")

LEVELS = {"built-in", "official-extension", "third-party", "none"}


def read_csv(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    return reader.fieldnames, list(reader)


def assert_iso_date(value):
    assert datetime.date.fromisoformat(value).isoformat() == value


def assert_sources(value):
    urls = value.split(" ")
    assert urls and all(url.startswith("https://") for url in urls), value


def test_frameworks_json_lists_published_frameworks_with_the_contract_fields(client):
    response = client.get("/data/frameworks.json")
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert isinstance(data, list)
    assert {row["slug"] for row in data} == set(
        Framework.objects.published().values_list("slug", flat=True)
    )
    for row in data:
        for key in ["slug", "name", "kind", "first_released", "creators", "license", "homepage"]:
            assert row[key], (row["slug"], key)
        assert_iso_date(row["first_released"])
    flask = next(row for row in data if row["slug"] == "flask")
    assert flask["first_released"] == "2010-04-16"


def test_support_csv_has_one_row_per_framework_and_feature(client):
    columns, rows = read_csv(client, "/data/support.csv")
    assert columns == [
        "framework", "feature", "level", "via", "via_url", "note", "verified_on", "sources",
    ]  # fmt: skip
    pairs = [(row["framework"], row["feature"]) for row in rows]
    assert len(pairs) == len(set(pairs))
    assert len(rows) == Framework.objects.published().count() * Feature.objects.count()
    for row in rows:
        assert row["level"] in LEVELS
        assert_iso_date(row["verified_on"])
        assert_sources(row["sources"])
        if row["level"] in ("official-extension", "third-party"):
            assert row["via"]
    django_rest = next(r for r in rows if (r["framework"], r["feature"]) == ("django", "rest-apis"))
    assert django_rest["via"] == "Django REST framework"
    assert django_rest["via_url"] == "https://github.com/encode/django-rest-framework"


def test_adoptions_csv_has_the_contract_columns(client):
    columns, rows = read_csv(client, "/data/adoptions.csv")
    assert columns == ["company", "framework", "how", "verified_on", "sources"]
    assert len(rows) == Adoption.objects.count()
    for row in rows:
        assert row["company"] and row["framework"] and row["how"]
        assert_iso_date(row["verified_on"])
        assert_sources(row["sources"])


def test_traits_csv_has_the_contract_columns(client):
    columns, rows = read_csv(client, "/data/traits.csv")
    assert columns == ["framework", "trait", "value", "verified_on", "sources"]
    assert len(rows) == TraitValue.objects.count()
    for row in rows:
        assert row["value"]
        assert_iso_date(row["verified_on"])


def test_data_files_leave_out_unpublished_frameworks(client):
    Framework.objects.filter(slug="sanic").update(status=Status.DRAFT)
    assert "sanic" not in {row["slug"] for row in client.get("/data/frameworks.json").json()}
    for url in ["/data/support.csv", "/data/traits.csv"]:
        _, rows = read_csv(client, url)
        assert "sanic" not in {row["framework"] for row in rows}
    assert Support.objects.filter(framework__slug="sanic").exists()


def test_csv_cells_with_commas_and_quotes_survive_the_round_trip(client):
    Support.objects.filter(framework__slug="flask", feature__slug="orm").update(
        note='Uses "SQLAlchemy", or sqlite3, or anything'
    )
    _, rows = read_csv(client, "/data/support.csv")
    row = next(r for r in rows if (r["framework"], r["feature"]) == ("flask", "orm"))
    assert row["note"] == 'Uses "SQLAlchemy", or sqlite3, or anything'


def test_the_data_page_explains_the_licence_and_links_every_file(client):
    html = client.get("/data/").text
    assert "CC BY 4.0" in html
    for name in ["frameworks.json", "support.csv", "adoptions.csv", "traits.csv"]:
        assert f'href="/data/{name}"' in html
