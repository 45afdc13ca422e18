"""The interface in Russian and Kazakh, in a real browser: a meeting logged in Kazakh on a
phone, and every page staff can open, in both languages at both widths, without a
sideways scroll or a cut button label."""
from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel.messages.pofile import read_po
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, LOGINS, PHONE, SCREENSHOTS

CATALOGUES = Path(__file__).resolve().parents[2] / "crm" / "translations"


@cache
def _catalog(language):
    with open(CATALOGUES / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po, locale=language)


def t(language: str, msgid: str, **values) -> str:
    """The catalogue's translation, as the page shows it."""
    text = _catalog(language).get(msgid).string
    return text % values if values else text


def _sign_in_picking(page, language: str, role: str) -> None:
    """Sign in the way a new user does: open /login, pick the language, sign in."""
    email, password = LOGINS[role]
    page.goto("/login")
    page.evaluate("""(code) => document.querySelector(
        `button[name="language"][value="${code}"]`).click()""", language)
    page.wait_for_load_state("load")
    expect(page.locator("html")).to_have_attribute("lang", language)
    page.get_by_label(t(language, "Email")).fill(email)
    page.get_by_label(t(language, "Password")).fill(password)
    page.locator("main").get_by_role("button", name=t(language, "Sign in")).click()
    page.wait_for_url(lambda url: "/login" not in url)


def test_pavilion_staff_log_a_meeting_in_kazakh_on_a_phone(browser, live_server):
    context = browser.new_context(viewport=PHONE, base_url=live_server, locale="kk-KZ")
    try:
        page = context.new_page()
        page.goto("/login")
        # Accept-Language: kk before sign-in
        expect(page.locator("html")).to_have_attribute("lang", "kk")
        expect(page.locator("main h1")).to_have_text(t("kk", "Sign in"))
        _sign_in_picking(page, "kk", "staff_kk")
        page.goto("/meetings/new")
        main = page.locator("main")
        expect(main).to_contain_text("Almaty Film Festival")
        people = page.get_by_role("combobox", name=t("kk", "People"))
        people.fill("市山")
        page.get_by_role("option", name=re.compile("Shozo Ichiyama")).click()
        projects = page.get_by_role("combobox", name=t("kk", "Projects"))
        projects.fill("horse")
        page.get_by_role("option", name=re.compile("The Horse Thieves")).click()
        page.get_by_label(t("kk", "Notes")).fill(
            "Ичияма мырза Токиодағы түсірілімді растады.")
        english = main.inner_text()
        for word in ("Save meeting", "Notes", "People", "Outcome"):
            assert word not in english, word
        assert re.search("[әғқңөұүі]", english)
        page.locator("main").get_by_role("button", name=t("kk", "Save meeting")).click()
        page.wait_for_url(re.compile(r"/meetings/\d+$"))
        expect(main).to_contain_text(t("kk", "Meeting logged."))
        expect(main).to_contain_text("Ичияма мырза Токиодағы түсірілімді растады.")
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "meeting-logged-kk-phone.png"), full_page=True)
    finally:
        context.close()


# Pages a staff user opens from the navigation and from the records' own links. The crawl
# starts here and follows every link to one page per route of the URL map.
START = ("/", "/pipeline", "/projects", "/meetings", "/memoranda", "/organizations",
         "/people", "/events", "/meetings/new", "/meetings/follow-ups", "/account/tokens",
         "/search?q=horse")
# Routes a crawl does not open as pages: files, the API and signing out.
NOT_PAGES = re.compile(r"\.pdf$|/download|/api/|/static/|/logout|/lookup/|/bootstrap/")
# What makes a layout fail: the page scrolls sideways, or a button's label is cut.
LAYOUT_PROBLEMS = """() => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth) {
    const wide = [...document.querySelectorAll("main *, nav *")]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(0, 3).map((el) => el.tagName + "." + el.className + ": " + (el.textContent || "").trim().slice(0, 40));
    problems.push(`scrolls sideways: ${root.scrollWidth} > ${root.clientWidth} ${wide.join(" | ")}`);
  }
  for (const button of document.querySelectorAll("main .btn, main button")) {
    if (button.offsetParent && !button.closest(".visually-hidden") &&
        button.scrollWidth > button.clientWidth + 1)
      problems.push(`cut button label: ${button.textContent.trim()}`);
  }
  return problems;
}"""


def _route_of(path: str) -> str:
    """/projects/12/edit -> /projects/N/edit: one page per route."""
    return re.sub(r"/\d+(?=/|$)", "/N", urlsplit(path).path)


def _crawl(page) -> list[str]:
    seen_routes: dict[str, str] = {}
    queue = list(START)
    while queue:
        path = queue.pop(0)
        route = _route_of(path)
        if route in seen_routes or NOT_PAGES.search(path):
            continue
        response = page.goto(path)
        if response is None or response.status != 200 or "text/html" not in (
                response.headers.get("content-type") or ""):
            continue
        seen_routes[route] = path
        links = page.evaluate("""() => [...document.querySelectorAll("a[href]")]
            .map((a) => a.getAttribute("href"))
            .filter((href) => href.startsWith("/") && !href.startsWith("//"))""")
        queue.extend(link.split("#")[0] for link in links if link.split("#")[0])
    return list(seen_routes.values())


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_no_page_scrolls_sideways_or_cuts_a_button_in_russian_and_kazakh(
        browser, live_server, language):
    context = browser.new_context(viewport=DESKTOP, base_url=live_server)
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        _sign_in_picking(page, language, f"staff_{language}")
        paths = _crawl(page)
        routes = {_route_of(path) for path in paths}
        # every area of the navigation, with its records' pages and forms
        for expected in ("/", "/pipeline", "/projects/N", "/projects/N/edit", "/meetings/N",
                         "/memoranda/N", "/organizations/N", "/people/N", "/events/N",
                         "/meetings/new", "/projects/new", "/meetings/follow-ups"):
            assert expected in routes, (expected, sorted(routes))
        SCREENSHOTS.mkdir(exist_ok=True)
        problems = []
        for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
            page.set_viewport_size(viewport)
            for path in paths:
                page.goto(path)
                assert page.locator("html").get_attribute("lang") == language, path
                problems += [f"{label} {path}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]
                name = re.sub(r"[^a-z0-9]+", "-", _route_of(path).lower()).strip("-") or "dashboard"
                page.screenshot(path=str(SCREENSHOTS / f"{language}-{name}-{label}.png"),
                                full_page=True)
        assert not problems, "\n".join(problems)
        print(f"\n{language}: {len(paths)} pages at two widths")
    finally:
        context.close()
