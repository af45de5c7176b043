"""Editors' tasks in real Chromium, as members of the Editors group.

Two browser contexts stand for two editors working at once. Screenshots land
in test-artifacts/ for a person to look at.
"""

import io
import re

import pytest
from PIL import Image
from playwright.sync_api import expect

from .browser import EDITOR_PASSWORD, add_editor, shot, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def editor_names(live_server_env):
    _, env = live_server_env
    for name in ("ada", "bob", "cleo"):
        add_editor(env, name)
    return ("ada", "bob", "cleo")


@pytest.fixture(scope="module")
def framework(live_rows):
    """A published framework of the live server's content: (id, name)."""
    return live_rows(
        "SELECT id, name FROM comparisons_framework WHERE status = 'published' ORDER BY id"
    )[0]


@pytest.fixture(scope="module")
def article_title(live_rows):
    return live_rows("SELECT title FROM comparisons_article ORDER BY id")[0][0]


def editor_page(browser, site, username, width=1400):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, site, username, EDITOR_PASSWORD)
    return page


def open_framework(page, site, name):
    page.goto(site + "/admin/comparisons/framework/?q=" + name)
    page.get_by_role("link", name=name, exact=True).click()
    page.wait_for_url(re.compile(r"/change/"))


def save(page, label="Save and continue editing"):
    page.get_by_role("button", name=label).click()
    page.wait_for_load_state()


def test_two_editors_at_once_keep_each_others_changes(site, browser, editor_names, framework):
    ada = editor_page(browser, site, "ada")
    bob = editor_page(browser, site, "bob")
    for page in (ada, bob):
        open_framework(page, site, framework[1])
    summary = f"Ada's summary of {framework[1]}."

    bob.fill("#id_tagline", "Bob's tagline")
    save(bob)
    assert "was changed successfully" in bob.inner_text(".messagelist")
    ada.fill("#id_summary", summary)
    save(ada)

    assert "was changed successfully" in ada.inner_text(".messagelist")  # no conflict screen
    assert ada.input_value("#id_tagline") == "Bob's tagline"  # Bob's change kept
    assert ada.input_value("#id_summary") == summary

    # Now both change the same field.
    bob.reload()
    bob.fill("#id_tagline", "Bob again")
    ada.fill("#id_tagline", "Ada's tagline")
    save(bob)
    save(ada)
    conflict = ada.locator(".conflict")
    assert conflict.is_visible()
    assert re.search(r"Saved by bob at \d\d:\d\d", conflict.inner_text())
    assert "Bob again" in conflict.inner_text() and "Ada's tagline" in conflict.inner_text()
    shot(ada, "admin-conflict-same-field", full_page=False)
    ada.get_by_label(re.compile("Yours")).check()
    save(ada)
    assert "was changed successfully" in ada.inner_text(".messagelist")
    assert ada.input_value("#id_tagline") == "Ada's tagline"
    assert ada.input_value("#id_summary") == summary
    for page in (ada, bob):
        page.context.close()


def test_adding_a_framework_with_every_feature_sourced_takes_under_40_clicks(
    site, browser, editor_names, live_rows
):
    (features,) = live_rows("SELECT count(*) FROM comparisons_feature")[0]
    page = editor_page(browser, site, "cleo")
    clicks = 0

    def click(locator):
        nonlocal clicks
        clicks += 1
        locator.click()

    def choose(locator, value):  # picking from a list counts as a click too
        nonlocal clicks
        clicks += 1
        locator.select_option(value)

    # A source for the new framework's facts.
    click(page.locator("#content-main").get_by_role("link", name="Sources", exact=True))
    click(page.get_by_role("link", name="Add source"))
    page.fill("#id_title", "Nimbleweb documentation: usage")
    page.fill("#id_publisher", "Nimbleweb")
    page.fill("#id_url", "https://docs.nimbleweb.example/usage/")
    click(page.get_by_role("button", name="Save", exact=True))

    # The framework itself: its profile, then its features in the matrix.
    click(page.locator("#nav-sidebar").get_by_role("link", name="Frameworks"))
    click(page.get_by_role("link", name="Add framework"))
    page.fill("#id_name", "Nimbleweb")
    choose(page.locator("#id_kind"), "api")
    page.fill("#id_tagline", "An ASGI framework for APIs.")
    page.fill("#id_summary", "A typed ASGI framework for building APIs.")
    page.fill("#id_first_released", "2021-12-01")
    page.fill("#id_creators", "Its maintainers")
    page.fill("#id_license", "MIT")
    page.fill("#id_homepage", "https://nimbleweb.example/")
    click(page.get_by_role("button", name="Save", exact=True))
    page.wait_for_url(re.compile(r"/matrix/\?kind=support&framework=\d+"))
    assert "Not checked yet" in page.inner_text("#matrix-form")
    shot(page, "admin-new-framework-matrix-empty", full_page=False)

    levels = page.locator("#matrix-form select[name$='-level']")
    assert levels.count() == features
    for n in range(levels.count()):
        level = "built-in" if n % 3 else "third-party"
        choose(levels.nth(n), level)
        if level == "third-party":
            page.locator("#matrix-form input[name$='-via']").nth(n).fill(f"nimbleweb-extra-{n}")
    click(page.locator(".matrix-options .select2-container"))
    page.keyboard.type("Nimbleweb documentation")
    click(page.locator(".select2-results__option", has_text="Nimbleweb documentation"))
    click(page.get_by_role("button", name="Save changed cells"))

    assert f"Saved {features} cells." in page.inner_text(".messagelist")
    assert clicks <= 40, clicks
    cells = page.locator("#matrix-form select[name$='-sources']")
    assert all("Nimbleweb documentation" in cells.nth(n).inner_text() for n in range(cells.count()))
    assert "unchecked" not in levels.evaluate_all("selects => selects.map(s => s.value)")
    shot(page, "admin-new-framework-matrix-filled")

    # A draft: staff preview it with a banner; publishing is one button.
    page.goto(site + "/frameworks/nimbleweb/")
    assert "Only staff can see this profile" in page.inner_text(".draft-banner")
    shot(page, "draft-framework-preview")
    page.context.close()


def test_changing_a_level_offers_to_clear_the_extension_and_a_contradiction_is_refused(
    site, browser, editor_names, live_rows
):
    (framework,) = live_rows(
        "SELECT min(framework_id) FROM comparisons_support WHERE via != ''"
        " AND level IN ('official-extension', 'third-party')"
    )[0]  # a framework with a cell that names an extension
    page = editor_page(browser, site, "ada")
    page.goto(site + f"/admin/comparisons/support/matrix/?kind=support&framework={framework}")
    named = page.locator(
        "#matrix-form td.cell", has=page.locator("input[name$='-via'][value]:not([value=''])")
    )
    cell = named.first
    extension = cell.locator("input[name$='-via']").input_value()
    cell.locator("select[name$='-level']").select_option("none")
    prompt = cell.locator(".level-prompt")
    assert f"“{extension}” may no longer fit “Not available”" in prompt.inner_text()
    shot(page, "admin-matrix-level-prompt", full_page=False)
    prompt.get_by_role("button", name="Clear extension and note").click()
    assert cell.locator("input[name$='-via']").input_value() == ""

    other = page.locator("#matrix-form td.cell").nth(0)
    other.locator("select[name$='-level']").select_option("built-in")
    other.locator("input[name$='-via']").fill("some-package")  # a contradiction
    page.get_by_role("button", name="Save changed cells").click()
    assert "Nothing was saved" in page.inner_text(".messagelist")
    assert "names no extension" in page.inner_text(".cell-errors")
    shot(page, "admin-matrix-contradiction", full_page=False)
    page.context.close()


def test_the_image_button_asks_for_a_description_and_inserts_the_image(
    site, browser, editor_names, tmp_path, article_title
):
    page = editor_page(browser, site, "bob")
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name=article_title, exact=True).click()
    picture = tmp_path / "square.png"
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), (200, 30, 30)).save(buffer, format="PNG")
    picture.write_bytes(buffer.getvalue())

    toolbar = page.locator("#id_body").locator("xpath=..").locator(".markdown-toolbar")
    with page.expect_file_chooser() as chooser:
        toolbar.get_by_role("button", name="Insert image…").click()
    chooser.value.set_files(str(picture))
    toolbar.get_by_label("Describe the image").fill("A red square")
    toolbar.get_by_role("button", name="Insert", exact=True).click()

    # expect() polls without eval(), which the admin's CSP rightly refuses
    expect(page.locator("#id_body")).to_have_value(
        re.compile(re.escape("![A red square](/media/markdownx/"))
    )
    preview = page.locator("#id_body ~ .markdownx-preview img[alt='A red square']")
    preview.wait_for(timeout=5000)
    shot(page, "admin-markdown-image-button", full_page=False)
    page.context.close()


def test_a_refused_image_is_explained_by_the_button_and_by_drag_and_drop(
    site, browser, editor_names, tmp_path, article_title
):
    import base64

    from .test_uploads import png_of

    page = editor_page(browser, site, "cleo")
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name=article_title, exact=True).click()
    huge = tmp_path / "huge.png"
    huge.write_bytes(png_of(8000, 5000))  # 40 megapixels, past the limit
    body = page.locator("#id_body")
    text = body.input_value()
    toolbar = body.locator("xpath=..").locator(".markdown-toolbar")
    status = toolbar.locator(".markdown-image-status")

    with page.expect_file_chooser() as chooser:
        toolbar.get_by_role("button", name="Insert image…").click()
    chooser.value.set_files(str(huge))
    toolbar.get_by_label("Describe the image").fill("A huge picture")
    toolbar.get_by_role("button", name="Insert", exact=True).click()
    expect(status).to_contain_text("8,000 × 5,000 pixels")

    # markdownx's own upload, by dropping the file on the text.
    page.evaluate("() => { document.querySelector('.markdown-image-status').textContent = ''; }")
    files = page.evaluate_handle(
        """(data) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], "huge.png", {type: "image/png"}));
            return transfer;
        }""",
        base64.b64encode(huge.read_bytes()).decode(),
    )
    body.dispatch_event("drop", {"dataTransfer": files})
    expect(status).to_contain_text("8,000 × 5,000 pixels")
    expect(body).to_have_value(text)  # no "Invalid response" left in the article
    expect(body).to_have_css("opacity", "1")  # the editor is not left dimmed
    page.context.close()


def test_a_new_faq_entry_previews_its_answer_and_takes_the_next_position(
    site, browser, editor_names, article_title
):
    page = editor_page(browser, site, "bob")
    page.goto(site + "/admin/comparisons/article/")
    page.get_by_role("link", name=article_title, exact=True).click()
    page.get_by_role("button", name=re.compile("Add another FAQ entry")).click()
    row = page.locator("#faq-group .dynamic-faq").last  # the row the button added
    row.locator("input[name$='-question']").fill("Is this new?")
    row.locator("textarea[name$='-answer']").fill("**Yes**, brand new.")
    row.locator(".markdownx-preview strong", has_text="Yes").wait_for(timeout=5000)
    assert row.locator("input[name$='-order']").input_value() == ""
    save(page)
    assert "was changed successfully" in page.inner_text(".messagelist")
    orders = page.locator("#faq-group input[name$='-order']").evaluate_all(
        "inputs => inputs.map(i => i.value).filter(v => v)"
    )
    assert orders[-1] == str(max(int(v) for v in orders[:-1]) + 1)
    page.context.close()


def test_the_editor_tools_render_under_the_csp_and_look_right(
    site, browser, editor_names, framework
):
    page = editor_page(browser, site, "ada")
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security" in m.text else 0)
    for path, name in [
        ("/admin/comparisons/support/matrix/", "admin-matrix"),
        ("/admin/comparisons/framework/facts-to-recheck/?due=2099-01-01", "admin-recheck"),
        (f"/admin/comparisons/framework/{framework[0]}/history/", "admin-framework-timeline"),
        (f"/admin/comparisons/framework/{framework[0]}/change/", "admin-framework-page"),
    ]:
        response = page.goto(site + path)
        assert response.status == 200, path
        shot(page, name, full_page=False)
    assert violations == []
    page.context.close()
