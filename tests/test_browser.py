"""A reader's journey in real Chromium (Debian's, driven by Playwright).

Screenshots land in test-artifacts/ for a person to look at.
"""

import re

import pytest

from .browser import shot

pytestmark = pytest.mark.browser


def test_a_reader_reaches_a_comparison_through_the_picker(site, page):
    page.goto(site + "/")
    assert "Pick the right Python web framework" in page.inner_text("h1")
    shot(page, "home")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Compare").click()
    page.get_by_label("FastAPI").check()
    page.get_by_label("Flask").check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/compare/fastapi-vs-flask/$"))

    summary = page.get_by_role("table", name="Key differences at a glance")
    assert summary.is_visible()
    assert summary.get_by_role("columnheader").all_inner_texts()[1:] == ["FastAPI", "Flask"]
    assert "16 April 2010" in summary.inner_text()
    grid = page.get_by_role("table", name="Feature support by category")
    assert "Built in" in grid.inner_text() and "Flask-SQLAlchemy" in grid.inner_text()

    first_citation = page.locator("sup.refs a").first
    number = first_citation.inner_text()
    first_citation.click()
    assert page.url.endswith(f"#source-{number}")
    assert page.locator(f"#source-{number}").is_visible()
    shot(page, "compare-fastapi-flask")


def test_dark_mode_follows_the_system_setting(site, page):
    page.goto(site + "/compare/django-vs-flask/")
    light = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.emulate_media(color_scheme="dark")
    dark = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert light == "rgb(255, 255, 255)"
    assert dark != light
    red, green, blue = map(int, re.findall(r"\d+", dark)[:3])
    assert max(red, green, blue) < 60
    shot(page, "compare-django-flask-dark")


@pytest.mark.parametrize(
    "path",
    [
        "/compare/django-vs-flask/",
        "/compare/aiohttp-vs-fastapi-vs-quart-vs-sanic/",
        "/",
        "/frameworks/django/",
        "/quiz/",
        "/compare/django-vs-flask/changes/",
    ],
)
def test_a_360_px_phone_gets_no_horizontal_scroll(site, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 780}, is_mobile=True)
    page = context.new_page()
    page.goto(site + path)
    scroll, client = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert scroll <= client, f"{path} is {scroll}px wide in a {client}px viewport"
    name = path.strip("/").replace("/", "-") or "home"
    shot(page, f"phone-{name}")
    context.close()


def test_pages_work_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/compare/")
    page.get_by_label("Django").check()
    page.get_by_label("Quart").check()
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(re.compile(r"/compare/django-vs-quart/$"))
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


def test_the_quiz_can_be_taken_with_the_keyboard_alone(site, page):
    page.goto(site + "/quiz/")
    progress = page.locator("#quiz-progress")
    assert progress.inner_text() == "Question 1 of 7"
    assert page.locator(".quiz-step:visible").count() == 1

    # First answer: focus the first radio of question 1 and pick the second choice.
    page.locator('input[name="experience"]').first.focus()
    page.keyboard.press("ArrowDown")  # python-basics
    page.keyboard.press("Enter")  # Enter on an answer moves to the next step
    assert progress.inner_text() == "Question 2 of 7"
    page.keyboard.press("ArrowDown")  # from the pre-selected "skip" to the first choice
    assert page.locator('input[name="goal"]:checked').get_attribute("value") == "learn-the-web"
    page.keyboard.press("Enter")
    assert progress.inner_text() == "Question 3 of 7"
    shot(page, "quiz-step-3")
    for expected in range(4, 8):  # skip the rest with Tab to Next and Enter
        page.keyboard.press("Enter")
        assert progress.inner_text() == f"Question {expected} of 7"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # Back, then the submit button (Next is hidden on the last step)
    assert page.evaluate("document.activeElement.textContent") == "See my verdict"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/quiz/result/[\w-]+/$"))

    verdict = page.locator("#verdict")
    assert verdict.get_attribute("data-framework") == "flask"
    assert page.locator(".score-chart svg rect.bar").count() == 7
    share = page.locator("#share-url")
    assert share.input_value() == page.url
    assert page.get_by_role("button", name="Copy link").is_visible()
    shot(page, "quiz-verdict")

    page.get_by_role("link", name="Change my answers").click()
    assert page.locator('input[name="experience"][value="python-basics"]').is_checked()


def test_the_quiz_works_with_javascript_off(site, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "/quiz/")
    assert page.locator(".quiz-step:visible").count() == 7  # every question on one page
    assert page.get_by_text("3 of 7").is_visible()
    assert not page.get_by_role("button", name="Next").is_visible()
    page.get_by_label("I'm comfortable with classes and modules").check()
    page.get_by_label("A REST API (JSON, mobile backend, IoT)").check()
    page.get_by_label("Heavy: many simultaneous connections, streaming or WebSockets").check()
    page.get_by_role("button", name="See my verdict").click()
    page.wait_for_url(re.compile(r"/quiz/result/[\w-]+/$"))
    assert page.locator("#verdict").get_attribute("data-framework") == "fastapi"
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


def test_public_pages_and_the_quiz_run_under_the_csp(site, page):
    violations = collect_csp_violations(page)
    for path in ["/", "/compare/django-vs-flask/", "/quiz/", "/search/?q=api"]:
        page.goto(site + path)
    page.goto(site + "/quiz/")
    assert page.locator("#quiz-progress").inner_text() == "Question 1 of 7"  # quiz.js ran
    assert page.locator(".quiz-step:visible").count() == 1
    assert violations == []


def test_the_markdown_editor_previews_sanitized_html_under_the_csp(site, page):
    from .liveserver import ADMIN_PASSWORD, ADMIN_USER

    violations = collect_csp_violations(page)
    page.goto(site + "/admin/login/")
    page.fill("#id_username", ADMIN_USER)
    page.fill("#id_password", ADMIN_PASSWORD)
    page.click("input[type=submit]")
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name="Django vs Flask").click()
    editor = page.locator("textarea#id_verdict")
    editor.fill("**Bold claim** <img src=x onerror=alert(1)> [x](javascript:alert(1))")
    preview = page.locator("#id_verdict ~ .markdownx-preview")
    preview.get_by_text("Bold claim").wait_for(timeout=5000)
    html = preview.inner_html()
    assert "<strong>Bold claim</strong>" in html
    assert "onerror" not in html and "javascript:" not in html
    shot(page, "admin-markdown-preview")
    # The autocomplete widgets (select2) work without inline scripts too.
    page.goto(site + "/admin/comparisons/support/1/change/")
    assert page.locator(".select2-container").count() > 0
    assert violations == []
