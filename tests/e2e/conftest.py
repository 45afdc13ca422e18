"""Browser journeys: the real app served on a free port with its own SQLite database and
the demo data, driven in Debian's Chromium by Playwright.

Without Chromium these tests are skipped, unless CRM_REQUIRE_BROWSER=1 (CI sets it), in
which case a missing browser is a failure. Screenshots of every journey's end state go to
tests/e2e/screenshots/ (git-ignored).
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CRM_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
LOGINS = {"admin": ("admin@crm.example", "demo-admin-pass"),
          "staff": ("staff@crm.example", "demo-staff-pass"),
          "executive": ("executive@crm.example", "demo-exec-pass"),
          # staff who work in Russian and in Kazakh (their preference, set in the tests)
          "staff_ru": ("staff.ru@crm.example", "demo-staff-pass"),
          "staff_kk": ("staff.kk@crm.example", "demo-staff-pass")}
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]


ONGOING_EVENT = """
from datetime import date, timedelta
from crm import create_app
from crm.admin.services import create_user
from crm.events.services import create_event
from crm.extensions import db
from crm.models import Role
app = create_app()
with app.app_context():
    for email, name in (("staff.ru@crm.example", "Дана Сейітова"),
                        ("staff.kk@crm.example", "Әсел Нұрланқызы")):
        create_user(email=email, name=name, role=Role.STAFF, password="demo-staff-pass",
                    organization_id=None)
    today = date.today()
    create_event({"name": "Almaty Film Festival", "edition": today.year, "city": "Almaty",
                  "country": "KZ", "start_date": today - timedelta(days=2),
                  "end_date": today + timedelta(days=3),
                  "venue": "National Pavilion of Kazakhstan"})
    db.session.commit()
"""


def _require_browser() -> None:
    if not Path(CHROMIUM).exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CRM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The app in its own process, on its own database, with the demo data."""
    _require_browser()
    database = tmp_path_factory.mktemp("e2e") / "e2e.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "CRM_ENV": "development",
           "FLASK_APP": "wsgi", "PYTHONWARNINGS": "ignore"}
    env.pop("TEST_DATABASE_URL", None)
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "crm", "seed-demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    # A festival that is on today, so the meeting log defaults to it as at a real stand.
    subprocess.run([sys.executable, "-c", ONGOING_EVENT], cwd=ROOT, env=env, check=True,
                   capture_output=True)
    port = _free_port()
    log_path = tmp_path_factory.mktemp("e2e-log") / "server.log"
    with open(log_path, "w") as log:
        server = subprocess.Popen([*flask, "run", "--port", str(port), "--no-reload"],
                                  cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60  # a busy 2-core machine starts slowly
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError(f"the app did not start: {log_path.read_text()[-2000:]}")
                    time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    _require_browser()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_as(browser, live_server):
    """open_as("staff", viewport=PHONE, javascript=True) -> a signed-in page."""
    contexts = []

    def open_page(role: str | None, viewport=DESKTOP, javascript=True, **context_options):
        context = browser.new_context(viewport=viewport, base_url=live_server,
                                      java_script_enabled=javascript, **context_options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        if role:
            sign_in(page, *LOGINS[role])
        return page

    yield open_page
    for context in contexts:
        context.close()


def sign_in(page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def screenshot(page, name: str) -> list[Path]:
    """The page's end state at phone and at desktop width (the viewport is put back)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    original = dict(page.viewport_size)
    paths = []
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        path = SCREENSHOTS / f"{name}-{label}.png"
        page.screenshot(path=str(path), full_page=True)
        paths.append(path)
    page.set_viewport_size(original)
    return paths


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page (the context must bypass CSP to inject it)."""
    if not AXE.exists():
        message = f"{AXE} missing: run `npm ci --prefix tests/e2e` (make test does)"
        if os.environ.get("CRM_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": v["id"], "impact": v["impact"], "help": v["help"],
             "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"] if v["impact"] in impacts]
