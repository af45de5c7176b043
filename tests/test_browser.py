"""A reader's journey in real Chromium (Debian's, driven by Playwright).

Screenshots land in test-artifacts/ for a person to look at.
"""

import datetime
import re
import time

import pytest

from comparisons.models import Support

from .browser import shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def content(live_rows):
    """What the live server publishes, read from its rows (see ``live_rows``)."""
    from types import SimpleNamespace

    frameworks = live_rows(
        "SELECT id, slug, name, first_released FROM comparisons_framework"
        " WHERE status = 'published' ORDER BY slug"
    )
    articles = live_rows(
        "SELECT id, slug, title FROM comparisons_article WHERE status = 'published' ORDER BY id"
    )
    in_articles = {
        frozenset(slugs.split(","))
        for (slugs,) in live_rows(
            "SELECT group_concat(f.slug) FROM comparisons_articleframework af"
            " JOIN comparisons_framework f ON f.id = af.framework_id GROUP BY af.article_id"
        )
    }
    # A pair no article covers: its page puts the columns in alphabetical order.
    pair = next(
        (a, b)
        for n, a in enumerate(frameworks)
        for b in frameworks[n + 1 :]
        if frozenset((a[1], b[1])) not in in_articles
    )
    return SimpleNamespace(frameworks=frameworks, articles=articles, pair=pair)


def pick(page, name):
    """The picker's checkbox for a framework (its label also names the kind)."""
    return page.get_by_role("checkbox", name=re.compile(rf"^{re.escape(name)}\b"))


def test_a_reader_reaches_a_comparison_through_the_picker(site, page, content, live_rows):
    page.goto(site + "/")
    assert "Pick the right Python web framework" in page.inner_text("h1")
    shot(page, "home")

    first, second = content.pair
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    pick(page, second[2]).check()  # the order of clicks does not matter
    pick(page, first[2]).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(rf"/compare/{first[1]}-vs-{second[1]}/$"))

    summary = page.get_by_role("table", name="Key differences at a glance")
    assert summary.is_visible()
    assert summary.get_by_role("columnheader").all_inner_texts()[1:] == [first[2], second[2]]
    for _, _, _, released in content.pair:
        day = datetime.date.fromisoformat(released)
        assert f"{day.day} {day:%B %Y}" in summary.inner_text()
    grid = page.get_by_role("table", name="Feature support by category").inner_text()
    extensions = live_rows(
        "SELECT via FROM comparisons_support WHERE framework_id IN (?, ?) AND via != ''"
        " AND level IN ('official-extension', 'third-party')", first[0], second[0]
    )  # fmt: skip
    assert extensions and all(via in grid for (via,) in extensions)
    levels = live_rows(
        "SELECT DISTINCT level FROM comparisons_support WHERE framework_id IN (?, ?)",
        first[0], second[0],
    )  # fmt: skip
    assert all(Support.Level(level).label in grid for (level,) in levels)

    first_citation = page.locator("sup.refs a").first
    number = first_citation.inner_text()
    first_citation.click()
    assert page.url.endswith(f"#source-{number}")
    assert page.locator(f"#source-{number}").is_visible()
    shot(page, "compare-picked-pair")


def test_dark_mode_follows_the_system_setting(site, page, content):
    page.goto(site + f"/compare/{content.articles[0][1]}/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert dark != light
    red, green, blue = map(int, re.findall(r"\d+", dark)[:3])
    assert max(red, green, blue) < 60
    shot(page, "compare-article-dark")


def phone_paths(content):
    """The widest pages: an article, four frameworks side by side, a profile, a history."""
    article = content.articles[0][1]
    return {
        "home": "/",
        "article": f"/compare/{article}/",
        "four-frameworks": "/compare/" + "-vs-".join(f[1] for f in content.frameworks[:4]) + "/",
        "profile": f"/frameworks/{content.frameworks[0][1]}/",
        "quiz": "/quiz/",
        "article-changes": f"/compare/{article}/changes/",
    }


@pytest.mark.parametrize(
    "name", ["home", "article", "four-frameworks", "profile", "quiz", "article-changes"]
)
def test_a_360_px_phone_gets_no_horizontal_scroll(site, browser, content, name):
    path = phone_paths(content)[name]
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True)
    page = context.new_page()
    assert page.goto(site + path).status == 200, path
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{path} is {scroll}px wide in a {client}px viewport"
    shot(page, f"phone-{name}")
    context.close()


def test_pages_work_with_javascript_off(site, browser, content):
    first, second = content.pair
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/compare/")
    pick(page, first[2]).check()
    pick(page, second[2]).check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(rf"/compare/{first[1]}-vs-{second[1]}/$"))
    assert page.get_by_role("table", name="Key differences at a glance").is_visible()
    page.goto(site + "/search/?q=async")
    assert page.locator("ol.results li").count() > 0
    context.close()


def test_keyboard_focus_is_visible(site, page):
    page.goto(site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"


def test_the_quiz_can_be_taken_with_the_keyboard_alone(site, page, content):
    page.goto(site + "/quiz/")
    steps = page.locator(".quiz-step")
    total = steps.count()
    assert total >= 3
    progress = page.locator("#quiz-progress")
    assert progress.inner_text() == f"Question 1 of {total}"
    assert page.locator(".quiz-step:visible").count() == 1

    def arrow_down_picks_the_next_answer(step):
        radios = steps.nth(step).locator("input[type=radio]")
        values = radios.evaluate_all("inputs => inputs.map(i => i.value)")
        checked = radios.evaluate_all("inputs => inputs.findIndex(i => i.checked)")
        radios.nth(max(checked, 0)).focus()
        page.keyboard.press("ArrowDown")
        picked = values[(max(checked, 0) + 1) % len(values)]  # arrows wrap round
        name = radios.first.get_attribute("name")
        assert page.locator(f'input[name="{name}"]:checked').get_attribute("value") == picked
        return name, picked

    first_answer = arrow_down_picks_the_next_answer(0)
    page.keyboard.press("Enter")  # Enter on an answer moves to the next step
    assert progress.inner_text() == f"Question 2 of {total}"
    arrow_down_picks_the_next_answer(1)
    page.keyboard.press("Enter")
    assert progress.inner_text() == f"Question 3 of {total}"
    shot(page, "quiz-step-3")
    for expected in range(4, total + 1):  # leave the rest as they are: Enter moves on
        page.keyboard.press("Enter")
        assert progress.inner_text() == f"Question {expected} of {total}"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Back, then the submit button (Next is hidden on the last step)
    assert page.evaluate("document.activeElement.textContent") == "See my verdict"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/result/[\w-]+/$"))

    verdict = page.locator("#verdict")
    slugs = [f[1] for f in content.frameworks]
    assert verdict.get_attribute("data-framework") in slugs
    assert page.locator(".score-chart svg rect.bar").count() == len(slugs)
    share = page.locator("#share-url")
    assert share.input_value() == page.url
    assert page.get_by_role("button", name="Copy link").is_visible()
    shot(page, "quiz-verdict")

    page.get_by_role("link", name="Change my answers").click()
    name, value = first_answer
    assert page.locator(f'input[name="{name}"][value="{value}"]').is_checked()


def test_the_quiz_works_with_javascript_off(site, browser, content):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/quiz/")
    steps = page.locator(".quiz-step")
    total = steps.count()
    assert page.locator(".quiz-step:visible").count() == total  # every question on one page
    assert page.get_by_text(f"3 of {total}").is_visible()
    assert not page.get_by_role("button", name="Next").is_visible()
    for step in range(total):
        steps.nth(step).locator("input[type=radio]").last.check()
    page.get_by_role("button", name="See my verdict").click()
    page.wait_for_url(re.compile(r"/quiz/result/[\w-]+/$"))
    assert page.locator("#verdict").get_attribute("data-framework") in [
        f[1] for f in content.frameworks
    ]
    assert page.locator("#share-url").is_visible()
    assert not page.get_by_role("button", name="Copy link").is_visible()
    shot(page, "quiz-verdict-no-js")
    context.close()


def collect_csp_violations(page):
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def test_public_pages_and_the_quiz_run_under_the_csp(site, page, content):
    violations = collect_csp_violations(page)
    for path in ["/", f"/compare/{content.articles[0][1]}/", "/quiz/", "/search/?q=api"]:
        page.goto(site + path)
    page.goto(site + "/quiz/")
    assert page.locator("#quiz-progress").inner_text().startswith("Question 1 of ")  # quiz.js
    assert page.locator(".quiz-step:visible").count() == 1
    assert violations == []


def test_the_markdown_editor_previews_sanitized_html_under_the_csp(site, page, content, live_rows):
    violations = collect_csp_violations(page)
    sign_in(page, site)
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name=content.articles[0][2], exact=True).click()
    editor = page.locator("textarea#id_verdict")
    editor.fill("**Bold claim** <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    preview = page.locator("#id_verdict ~ .markdownx-preview")
    preview.get_by_text("Bold claim").wait_for(timeout=5000)
    html = preview.inner_html()
    assert "<strong>Bold claim</strong>" in html
    # No handler and no script link survive (CommonMark leaves the refused link as text).
    assert preview.locator("[onerror]").count() == 0
    assert preview.locator('a[href^="javascript:"]').count() == 0
    shot(page, "admin-markdown-preview")
    # The autocomplete widgets (select2) work without inline scripts too.
    (support,) = live_rows("SELECT min(id) FROM comparisons_support")[0]
    page.goto(site + f"/admin/comparisons/support/{support}/change/")
    assert page.locator(".select2-container").count() > 0
    assert violations == []


def test_a_new_faq_entrys_preview_says_when_the_text_is_too_long(site, page, content):
    """The preview of a row added on the page (our own script) shows the server's 400."""
    from comparisons.markdown import MAX_CHARS

    sign_in(page, site)
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name=content.articles[0][2], exact=True).click()
    page.get_by_role("button", name="Add another FAQ entry").click()
    editor = page.locator("textarea[name$='-answer']:not([name*='__prefix__'])").last
    editor.fill("**Short** answer")
    preview = editor.locator("xpath=ancestor::*[contains(@class,'markdownx')][1]")
    preview.locator(".markdownx-preview strong").wait_for(timeout=5000)
    editor.fill("x" * (MAX_CHARS + 1))
    preview.get_by_text("Too long to preview").wait_for(timeout=5000)


def test_the_quiz_does_not_move_once_it_has_loaded(site, browser):
    """Cumulative layout shift under 0.1 (Google's "good"), desktop and phone."""
    for viewport in ({"width": 1280, "height": 900}, {"width": 360, "height": 780}):
        context = browser.new_context(viewport=viewport)
        page = context.new_page()
        page.goto(site + "/quiz/", wait_until="load")
        shift = page.evaluate(
            """() => new Promise(resolve => {
                let total = 0;
                new PerformanceObserver(list => {
                    for (const entry of list.getEntries()) {
                        if (!entry.hadRecentInput) total += entry.value;
                    }
                }).observe({type: "layout-shift", buffered: true});
                setTimeout(() => resolve(total), 1000);
            })"""
        )
        assert shift < 0.1, (viewport, shift)
        assert page.locator(".quiz-step:visible").count() == 1
        context.close()


def test_a_comparison_names_its_og_image_which_is_served_under_60_kb(site, page, content):
    first, second = content.pair
    page.goto(site + f"/compare/{first[1]}-vs-{second[1]}/")
    url = page.locator('meta[property="og:image"]').get_attribute("content")
    assert url == site + f"/og/compare/{first[1]}-vs-{second[1]}.png"
    response = page.request.get(url)
    assert response.status == 200
    assert response.headers["content-type"] == "image/png"
    body = response.body()
    assert body.startswith(b"\x89PNG") and len(body) < 60 * 1024
    page.goto(url)  # what a person sees when they open it
    shot(page, "open-graph-comparison", full_page=False)


# --- Where people give up: the quiz's funnel --------------------------------------------


def step_totals(live_rows):
    """Visitors per funnel step on the live server, all days together."""
    return dict(live_rows("SELECT step, sum(visitors) FROM recommender_stepcount GROUP BY step"))


def wait_for_totals(live_rows, expected, timeout=10):
    """Beacons arrive when the browser sends them: wait for them, then a little longer."""
    deadline = time.monotonic() + timeout
    while step_totals(live_rows) != expected and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(0.5)  # a beacon sent twice would arrive by now
    return step_totals(live_rows)


def test_walking_through_the_quiz_counts_each_step_once(site, page, live_rows):
    before = step_totals(live_rows)
    beacons = []

    def note_beacon(request):
        if request.url.endswith("/quiz/step/"):
            beacons.append((request.post_data, request.all_headers()))

    page.on("request", note_beacon)
    page.goto(site + "/quiz/")
    steps = page.locator(".quiz-step")
    total = steps.count()
    next_button = page.get_by_role("button", name="Next")
    for step in range(total):
        steps.nth(step).locator("label.choice").first.click()
        if step == 1:  # back and forth again: question 2 was reached once
            page.get_by_role("button", name="Back").click()
            next_button.click()
        if step < total - 1:
            next_button.click()
    page.get_by_role("button", name="See my verdict").click()
    page.wait_for_url(re.compile(r"/quiz/result/[\w-]+/$"))

    reached = ["started", *(f"question-{n}" for n in range(2, total + 1)), "finished"]
    expected = {**before, **{step: before.get(step, 0) + 1 for step in reached}}
    assert wait_for_totals(live_rows, expected) == expected
    # Each beacon names its step and nothing else, and carries no cookie.
    assert sorted(body for body, _ in beacons) == sorted(f"step={s}" for s in reached[:-1])
    assert not any("cookie" in headers for _, headers in beacons)


def test_an_editor_reads_where_people_give_up_beside_the_charts(
    site, browser, live_server_env, live_rows
):
    from .browser import EDITOR_PASSWORD, add_editor, sign_in

    add_editor(live_server_env[1], "funnel-reader")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    before = step_totals(live_rows)  # the live server's rows are all from today
    page.goto(site + "/quiz/")  # one more visitor starts
    expected = {**before, "started": before.get("started", 0) + 1}
    assert wait_for_totals(live_rows, expected) == expected
    sign_in(page, site, "funnel-reader", EDITOR_PASSWORD)
    page.goto(site + "/admin/recommender/result/analytics/")
    funnel = page.get_by_role("table").filter(has_text="Of starters")
    assert funnel.is_visible()
    assert page.locator("#chart-per-day").is_visible()  # today's charts, below the funnel
    started = expected["started"]
    for step, visitors in expected.items():
        row = funnel.locator(f'tr[data-step="{step}"]')
        assert row.locator("td.count").first.inner_text() == str(visitors)
        assert row.locator("td.share").inner_text() == f"{round(visitors / started * 100)}%"
    shot(page, "admin-quiz-funnel")
    context.close()


def test_simultaneous_beacons_to_the_server_are_all_counted(site, live_rows):
    """Two gunicorn workers over one SQLite file, 60 beacons from 12 threads at once."""
    import urllib.request
    from concurrent.futures import ThreadPoolExecutor

    def send(_):
        request = urllib.request.Request(
            site + "/quiz/step/",
            data=b"step=question-2",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Sec-Fetch-Site": "same-origin"},
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status

    before = step_totals(live_rows).get("question-2", 0)
    with ThreadPoolExecutor(12) as pool:
        statuses = list(pool.map(send, range(60)))
    assert statuses == [204] * 60
    assert step_totals(live_rows)["question-2"] == before + 60
