"""Comparison tables on a 360 px phone, in real Chromium: however far a reader scrolls,
each cell says which framework it is for and its row's label stays in view."""

import pytest

from .browser import shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def comparisons(live_rows):
    slugs = [
        slug
        for (slug,) in live_rows(
            "SELECT slug FROM comparisons_framework WHERE status = 'published' ORDER BY slug"
        )
    ]
    return {"two": "-vs-".join(slugs[:2]), "four": "-vs-".join(slugs[:4])}


@pytest.mark.parametrize("size", ["two", "four"])
def test_a_phone_reader_can_tell_whose_cell_it_is_after_scrolling_sideways(
    site, browser, comparisons, size
):
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{site}/compare/{comparisons[size]}/")
    region = page.get_by_role("region", name="Feature support by category")
    region.scroll_into_view_if_needed()
    page.mouse.wheel(0, 600)  # well below the header row
    region.evaluate("box => { box.scrollLeft = box.scrollWidth; }")  # as far right as it goes
    cell = region.locator("tbody tr:not(.group-row)").nth(2).locator("td").last
    framework = cell.get_attribute("data-framework")
    label = cell.evaluate("td => getComputedStyle(td, '::before').content")
    assert label == f'"{framework}"'  # the name is drawn in the cell itself
    cell_box, view = cell.bounding_box(), page.viewport_size
    assert cell_box["x"] >= 0 and cell_box["x"] + 40 <= view["width"]  # the cell is in view
    shot(page, f"phone-table-{size}-scrolled", full_page=False)
    header = cell.locator("xpath=..").locator("th")
    header_box = header.bounding_box()
    assert header_box["x"] >= 0 and header_box["x"] + header_box["width"] <= cell_box["x"] + 1
    context.close()


def test_a_desktop_table_does_not_repeat_the_framework_in_each_cell(site, page, comparisons):
    page.goto(f"{site}/compare/{comparisons['four']}/")
    cell = page.locator("table.compare td").first
    assert cell.evaluate("td => getComputedStyle(td, '::before').content") in ("none", "normal")
