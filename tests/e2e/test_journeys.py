"""The people who use the CRM, end to end in a real browser, at phone and desktop width."""
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, axe_violations, screenshot, sign_in


def _card(page, title):
    return page.locator(".board-card", has_text=title)


def _column(page, stage_name):
    return page.locator(f'.board-column[data-stage-name="{stage_name}"]')


def test_staff_drag_a_card_to_the_next_stage_with_a_note(open_as):
    page = open_as("staff", viewport=DESKTOP)
    page.goto("/pipeline")
    expect(_column(page, "Negotiating")).to_contain_text("The Composer")
    _card(page, "The Composer").drag_to(_column(page, "MoU signed"))
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    dialog.get_by_label("Note (optional)").fill("Terms agreed over dinner")
    dialog.get_by_role("button", name="Move").click()
    expect(_column(page, "MoU signed")).to_contain_text("The Composer")
    page.get_by_role("link", name="The Composer", exact=True).click()
    expect(page.locator(".timeline")).to_contain_text("Moved from Negotiating to MoU signed")
    expect(page.locator(".timeline")).to_contain_text("Terms agreed over dinner")
    screenshot(page, "move-drag")


def test_the_same_move_works_without_javascript(open_as):
    page = open_as("staff", viewport=PHONE, javascript=False)
    page.goto("/pipeline")
    _card(page, "The Composer").get_by_role("link", name=re.compile("Move")).click()
    page.get_by_label("Move to stage").select_option(label="Development")
    page.get_by_label("Note (optional)").fill("Moved from my phone")
    page.get_by_role("button", name="Move").click()
    expect(_column(page, "Development")).to_contain_text("The Composer")
    screenshot(page, "move-no-js")
    page.goto("/projects")
    page.get_by_role("link", name=re.compile("The Composer")).click()
    expect(page.locator(".timeline")).to_contain_text("Moved from my phone")


def test_executive_filters_the_pipeline_by_country_and_opens_a_project(open_as):
    page = open_as("executive", viewport=PHONE)
    page.goto("/pipeline")
    page.get_by_text("Filters").click()
    page.get_by_label("Party country").select_option(label="Japan")
    page.get_by_role("button", name="Filter").click()
    expect(page.locator(".board")).to_contain_text("The Horse Thieves")
    page.get_by_role("link", name="The Horse Thieves", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The Horse Thieves")
    expect(page.locator("main")).to_contain_text("東京ニューシネマ")
    # Japanese names are drawn even where the device has no CJK font (this machine's
    # Chromium has none): the page falls back to the font the PDFs embed.
    page.evaluate("document.fonts.ready")
    assert page.evaluate("""() => [...document.fonts].some(
        f => f.family.includes('CRM CJK') && f.status === 'loaded')""")
    screenshot(page, "executive-project")


def test_admin_creates_an_executive_who_sees_only_their_studios_deals(open_as, browser, live_server):
    admin = open_as("admin", viewport=DESKTOP)
    admin.goto("/admin/users")
    admin.get_by_role("link", name="New user").click()
    admin.get_by_label("Name").fill("Yuki Sato")
    admin.get_by_label("Email").fill("yuki@tokyonewcinema.example")
    admin.get_by_label("Role").select_option(label="Studio executive")
    # Typed in Japanese, suggested by the type-ahead, then picked (a datalist option is
    # picked by taking its value: the browser's list itself is not part of the page).
    organization = admin.get_by_label("Organization")
    organization.press_sequentially("東京")
    suggestion = admin.locator("#organization-suggestions option").first
    expect(suggestion).to_have_attribute("value", "Tokyo New Cinema")
    organization.fill(suggestion.get_attribute("value"))
    admin.get_by_label("Password").fill("a long enough password")
    admin.get_by_role("button", name="Save").click()
    expect(admin.locator("main")).to_contain_text("yuki@tokyonewcinema.example")
    screenshot(admin, "admin-users")

    executive = open_as(None, viewport=PHONE)
    sign_in(executive, "yuki@tokyonewcinema.example", "a long enough password")
    executive.goto("/pipeline")
    expect(executive.locator(".board")).to_contain_text("The Horse Thieves")
    expect(executive.locator(".board")).not_to_contain_text("The Composer")
    executive.goto("/search?q=Composer")
    expect(executive.locator("main")).to_contain_text("Nothing matches")
    screenshot(executive, "executive-pipeline")


def test_bad_input_comes_back_with_messages_at_the_fields_and_input_kept(open_as):
    page = open_as("staff", viewport=PHONE)
    page.goto("/organizations/new")
    page.get_by_label("Name (Latin)").fill("Shaken Aimanov Kazakhfilm")
    page.get_by_label("Name in its own script").fill("Шәкен Айманов атындағы «Қазақфильм»")
    page.get_by_label("Website").fill("not a website")
    page.get_by_label("Other spellings").fill("Kazakfilm\nКазахфильм")
    page.get_by_role("button", name="Save").click()
    website = page.get_by_label("Website")
    expect(website).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#website-error")).to_contain_text("starting with https://")
    expect(page.get_by_label("Name in its own script")).to_have_value(
        "Шәкен Айманов атындағы «Қазақфильм»")
    expect(page.get_by_label("Other spellings")).to_have_value("Kazakfilm\nКазахфильм")
    expect(website).to_have_value("not a website")
    screenshot(page, "bad-input")


@pytest.mark.parametrize("path", ["/", "/pipeline", "/projects/1"])
def test_no_serious_accessibility_violations(open_as, path):
    for viewport in (PHONE, DESKTOP):
        page = open_as("staff", viewport=viewport, bypass_csp=True)
        page.goto(path)
        assert axe_violations(page) == [], path


def test_keyboard_reaches_the_main_actions(open_as):
    page = open_as("staff", viewport=DESKTOP)
    page.goto("/pipeline")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to content")
    page.keyboard.press("Enter")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "The Horse Thieves":
            break
    else:
        pytest.fail("a project card link is not reachable with the keyboard")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The Horse Thieves")


def test_pavilion_staff_log_a_meeting_on_a_phone(open_as):
    """At the stand: pick a person by part of their local name, add someone new, pick the
    project, write notes, add a follow-up, save — in at most three page loads."""
    import time
    page = open_as("staff", viewport=PHONE)
    loads = []
    page.on("load", lambda loaded: loads.append(loaded.url))
    started = time.monotonic()
    page.goto("/meetings/new")
    expect(page.locator("main")).to_contain_text(f"Almaty Film Festival")
    people = page.get_by_role("combobox", name="People")
    people.fill("市山")
    page.get_by_role("option", name=re.compile("Shozo Ichiyama")).click()
    people.fill("Aigerim Bekova")
    page.get_by_role("option", name=re.compile("Create")).click()
    projects = page.get_by_role("combobox", name="Projects")
    projects.fill("horse")
    page.get_by_role("option", name=re.compile("The Horse Thieves")).click()
    page.get_by_label("Notes").fill("Ichiyama-san confirmed the Tokyo shoot; Aigerim joins as line producer.")
    page.get_by_label("Follow-up 1", exact=True).fill("Send the revised budget")
    page.get_by_role("button", name="Save meeting").click()
    page.wait_for_url(re.compile(r"/meetings/\d+$"))
    page.wait_for_load_state("load")
    expect(page.locator("main")).to_contain_text("Meeting logged.")
    expect(page.locator("main")).to_contain_text("Aigerim Bekova")
    seconds = time.monotonic() - started
    assert 2 <= len(loads) <= 3, loads  # the form, then the saved meeting
    print(f"\nmeeting journey: {len(loads)} page loads, {seconds:.1f} s")
    screenshot(page, "meeting-logged")
    page.get_by_role("link", name="The Horse Thieves").first.click()
    expect(page.locator(".timeline")).to_contain_text("Ichiyama-san confirmed the Tokyo shoot")
    screenshot(page, "meeting-on-timeline")


def test_executive_downloads_the_memorandum_summary(open_as):
    page = open_as("executive", viewport=DESKTOP)
    page.goto("/pipeline?country=JP")
    page.get_by_role("link", name="The Horse Thieves", exact=True).click()
    page.get_by_role("link", name="MOU-2018-001", exact=False).first.click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Summary")).first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    screenshot(page, "memorandum-detail")


@pytest.mark.parametrize("path", ["/meetings/new"])
def test_meeting_form_has_no_serious_accessibility_violations(open_as, path):
    for viewport in (PHONE, DESKTOP):
        page = open_as("staff", viewport=viewport, bypass_csp=True)
        page.goto(path)
        assert axe_violations(page) == [], path
