"""Two app servers (gunicorn, 2 workers each) on two ports, one database, one Redis and
one shared upload directory: what a user does on one is true on the other at once.

On a PostgreSQL run (TEST_DATABASE_URL) the servers share the PostgreSQL database; on a
SQLite run they share the session's SQLite file, which also works on one machine.
"""
from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.servers import Browser, gunicorns, production_env, redis_prefix, redis_url_or_skip

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def two_servers(database_url, tmp_path):
    redis_url = redis_url_or_skip()
    with redis_prefix("h4-two-servers") as prefix:
        env = production_env(database_url, RATELIMIT_STORAGE_URI=redis_url,
                             RATELIMIT_KEY_PREFIX=prefix,
                             CRM_UPLOAD_DIR=str(tmp_path / "shared-uploads"))
        with gunicorns(env, 2, tmp_path, ["a", "b"]) as (a, b):
            yield a, b


def test_two_servers_share_meetings_sign_outs_limits_and_attachments(
        two_servers, make_user, make_memorandum):
    a, b = two_servers
    user = make_user("staff", email="stand@crm.example")
    memo = make_memorandum()
    browser = Browser()
    assert browser.sign_in(a, user.email, PASSWORD).status == 302

    # A meeting logged on A is on B's list at once.
    logged = browser.post(a, "/meetings/new", {
        "occurred_at": "2018-05-14T10:00", "timezone": "Europe/Paris", "event_id": "",
        "location": "National Pavilion of Kazakhstan", "outcome": "positive",
        "summary": "Logged on server A — Қазақфильм", "follow_ups-0-description": "",
        "follow_ups-0-owner_id": str(user.id), "follow_ups-0-due_date": ""})
    assert logged.status == 302, logged.text[-2000:]
    assert "Logged on server A — Қазақфильм" in browser.get(b, "/meetings").text

    # An attachment uploaded through A downloads through B.
    detail = f"/memoranda/{memo.id}"
    uploaded = browser.post(a, f"{detail}/attachments", {}, page=detail,
                            files={"file": ("Signed scan.pdf", PDF, "application/pdf")})
    assert uploaded.status == 302, uploaded.text[-2000:]
    link = re.search(rf'href="({detail}/attachments/\d+)"', browser.get(b, detail).text)
    assert link, "server B does not list the attachment"
    downloaded = browser.get(b, link.group(1))
    assert downloaded.status == 200 and downloaded.body == PDF

    # Signing out on A ends the same cookie on B.
    copied = Browser(cookies=dict(browser.cookies))
    assert copied.get(b, "/organizations").status == 200
    assert browser.post(a, "/logout", {}, page="/organizations").status == 302
    after = copied.get(b, "/organizations")
    assert after.status == 302 and after.headers["Location"].startswith("/login")

    # Failed sign-ins count across both servers: the 11th from one address is refused.
    attacker = Browser(source_address="127.0.0.5")
    statuses = [attacker.sign_in(server, f"nobody{n}@crm.example", "wrong").status
                for n, server in enumerate((a, b) * 5)]
    assert statuses == [200] * 10
    assert attacker.sign_in(a, "nobody@crm.example", "wrong").status == 429
    assert attacker.sign_in(b, "nobody@crm.example", "wrong").status == 429

    # Both answer the proxy's health check.
    assert Browser().get(a, "/healthz").status == Browser().get(b, "/healthz").status == 200
