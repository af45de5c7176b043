"""Every comparison can be reached: links from profiles, the home page and /compare/,
the feature grid, and a crawl of the sitemap. Tables say which framework a cell is for."""

import datetime
import itertools
import re

import pytest

from comparisons.models import Status, Support
from recommender.models import Result

from .crawl import crawl_sitemap
from .factories import FrameworkFactory, SupportFactory, build_quiz, build_site

pytestmark = pytest.mark.usefixtures("empty_content")


@pytest.fixture
def site():
    site = build_site()
    build_quiz(site.frameworks)
    return site


def test_a_profile_links_its_comparison_with_every_other_framework_once(site, client):
    html = client.get("/frameworks/beta/").text
    section = html.split('id="compare-heading"')[1].split("</section>")[0]
    found = re.findall(r'<a href="([^"]+)">([^<]+)</a>', section)
    assert found == [
        ("/compare/alpha-vs-beta/", "Alpha vs Beta"),  # the article's title and order
        ("/compare/beta-vs-delta/", "Beta vs Delta"),
        ("/compare/beta-vs-epsilon/", "Beta vs Epsilon"),
        ("/compare/beta-vs-gamma/", "Beta vs Gamma"),
    ]  # canonical addresses: no redirect on the way


def test_a_draft_framework_is_linked_from_no_public_page(site, client):
    FrameworkFactory(name="Zeta", slug="zeta", status=Status.DRAFT)
    for page in ["/", "/compare/", "/frameworks/alpha/", "/features/"]:
        assert "zeta" not in client.get(page).text.lower(), page


def test_compare_lists_every_pair_once(site, client):
    html = client.get("/compare/").text
    section = html.split('id="pairs-heading"')[1].split("</section>")[0]
    pairs = re.findall(r'<a href="(/compare/[^"]+)">', section)
    assert len(pairs) == len(set(pairs)) == 10
    assert set(pairs) == {
        f"/compare/{a}-vs-{b}/"
        for a, b in itertools.combinations(sorted(f.slug for f in site.frameworks), 2)
    }


def test_popular_comparisons_pair_the_frameworks_the_quiz_recommends_most(site, client):
    def popular(page):
        section = client.get(page).text.split('id="popular-heading"')[1].split("</section>")[0]
        return re.findall(r'<a href="([^"]+)">', section)

    # No results yet: the frameworks the articles cover (alpha, beta), then by name.
    assert "our editorial comparisons cover most" in client.get("/").text
    assert popular("/") == [
        "/compare/alpha-vs-beta/", "/compare/alpha-vs-delta/", "/compare/alpha-vs-epsilon/",
        "/compare/beta-vs-delta/", "/compare/beta-vs-epsilon/", "/compare/delta-vs-epsilon/",
    ]  # fmt: skip
    for winner, times in [("gamma", 3), ("epsilon", 2), ("beta", 1), ("delta", 1)]:
        for _ in range(times):
            Result.objects.create(answers={}, winner=winner, snapshot={})
    from django.core.cache import cache

    cache.clear()  # quiz results do not change the content version
    expected = [
        "/compare/epsilon-vs-gamma/", "/compare/beta-vs-gamma/", "/compare/delta-vs-gamma/",
        "/compare/beta-vs-epsilon/", "/compare/delta-vs-epsilon/", "/compare/beta-vs-delta/",
    ]  # fmt: skip
    assert popular("/") == expected
    assert popular("/compare/") == expected
    assert "our quiz recommends most often" in client.get("/").text


def test_the_feature_grid_shows_every_framework_against_every_feature(site, client):
    SupportFactory(framework=FrameworkFactory(name="Zeta", slug="zeta", status=Status.DRAFT),
                   feature=site.orm)  # fmt: skip
    site.delta.supports.filter(feature=site.csrf).update(level=Support.Level.UNCHECKED)
    html = client.get("/features/").text
    headers = re.findall(r'<th scope="col"><a href="/frameworks/(\w+)/">', html)
    assert headers == ["alpha", "beta", "delta", "epsilon", "gamma"]  # by name; no draft
    rows = re.findall(r'<tr><th scope="row"><a href="(/features/[\w-]+/)">', html)
    assert rows == ["/features/orm/", "/features/admin-panel/", "/features/csrf-protection/"]
    assert (
        '<td data-framework="Beta"><a href="/features/orm/#beta" aria-label="Beta: Official '
        'extension"><span class="level level-official-extension">'
    ) in html  # a short word in the cell, the whole level for screen readers
    csrf_row = html.split('href="/features/csrf-protection/"')[1].split("</tr>")[0]
    assert csrf_row.count("<td") == 5
    assert '<td data-framework="Delta"><span class="unknown">Not recorded</span>' in csrf_row
    # Each cell's link lands on that framework's row of the feature's page.
    assert '<tr id="beta">' in client.get("/features/orm/").text


def test_every_sitemap_address_answers_head_and_get_and_is_linked_from_another_page(site, client):
    urls, failed, unlinked = crawl_sitemap(client)
    assert "/quiz/" in urls and "/compare/beta-vs-gamma/" in urls and len(urls) > 20
    assert failed == {}
    assert unlinked == []


# --- Tables on a phone, and check dates said once ------------------------------------


def test_each_comparison_cell_names_its_framework(site, client):
    html = client.get("/compare/alpha-vs-beta-vs-gamma/").text
    table = html.split("<caption>Feature support by category")[1].split("</table>")[0]
    orm = table.split('href="/features/orm/"')[1].split("</tr>")[0]
    assert re.findall(r'<td data-framework="(\w+)">', orm) == ["Alpha", "Beta", "Gamma"]


def test_check_dates_are_said_once_and_shown_only_where_they_differ(site, client):
    html = client.get("/compare/alpha-vs-beta/").text
    # Most facts of build_site were checked in March 2026 (the support rows) or today.
    month = re.search(r'checked the facts on this page in <time datetime="(\d{4}-\d\d)">', html)
    assert month
    dates = re.findall(r'<time class="checked[^"]*" datetime="([\d-]+)">', html)
    assert dates and all(not date.startswith(month.group(1)) for date in dates)
    # A fact checked at another time keeps its own date.
    support = site.alpha.supports.get(feature=site.orm)
    Support.objects.filter(pk=support.pk).update(verified_on=datetime.date(2024, 2, 3))
    from pagecache.caching import clear_memos

    clear_memos()
    from django.core.cache import cache

    cache.clear()
    html = client.get("/compare/alpha-vs-beta/").text
    assert '<time class="checked" datetime="2024-02-03">Feb 2024</time>' in html
