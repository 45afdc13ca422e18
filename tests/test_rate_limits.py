"""Sign-in limits as an attacker meets them: per address across every worker (Redis),
the client's address behind a trusted proxy and a spoofed one without it, a per-account
wait that grows but never becomes a lockout, and production refusing per-worker counts.
"""
from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa

from crm.models import AuditEntry
from tests.conftest import PASSWORD, post_form
from tests.servers import (ROOT, Browser, forwarding_proxy, gunicorn, production_env,
                           redis_prefix, redis_url_or_skip)

ADDRESS_LIMIT = 10  # failures a minute from one address ("10 per minute; 50 per hour")


def _fail(client, n: int, **kw) -> int:
    return post_form(client, "/login", {"email": f"nobody{n}@crm.example",
                                        "password": "wrong"}, **kw).status_code


# --- in one process: the address the limits see ---------------------------------------

def test_without_trusted_proxies_a_forwarded_for_header_does_not_escape_the_limit(client):
    """CRM_TRUSTED_PROXIES unset: X-Forwarded-For is what the client typed, and ignored."""
    statuses = [_fail(client, n, headers={"X-Forwarded-For": f"203.0.113.{n}"})
                for n in range(ADDRESS_LIMIT + 1)]
    assert statuses == [200] * ADDRESS_LIMIT + [429]


def test_an_admin_signs_in_from_another_address_despite_failures_for_unknown_emails(
        client, app, make_user):
    admin = make_user("admin")
    client.environ_base["REMOTE_ADDR"] = "198.51.100.66"
    assert [_fail(client, n) for n in range(ADDRESS_LIMIT + 1)][-1] == 429
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "198.51.100.7"
    assert post_form(elsewhere, "/login", {"email": admin.email, "password": PASSWORD}
                     ).status_code == 302


def test_failures_for_one_account_make_it_wait_a_little_longer_each_time(
        app, make_user, monkeypatch):
    """Five failures are free; then each one makes the account wait, doubling. The owner
    gets in once the wait is over, from any address."""
    monkeypatch.setitem(app.config, "CRM_LOGIN_DELAY_SECONDS", 1)
    admin = make_user("admin", email="aigerim@crm.example")

    def attempt(address: str, password: str = "wrong"):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = address
        return post_form(browser, "/login", {"email": admin.email, "password": password})

    assert [attempt(f"203.0.113.{n}").status_code for n in range(5)] == [200] * 5
    waiting = attempt("198.51.100.7", PASSWORD)  # the owner, right password, too early
    assert waiting.status_code == 429
    assert "Too many attempts for this account: try again in 1 second." in waiting.get_data(
        as_text=True)
    assert 'value="aigerim@crm.example"' in waiting.get_data(as_text=True)  # input kept

    time.sleep(1.1)
    assert attempt("203.0.113.9").status_code == 200  # the sixth failure: now 2 seconds
    assert "try again in 2 seconds" in attempt("203.0.113.10").get_data(as_text=True)
    time.sleep(2.1)
    assert attempt("198.51.100.7", PASSWORD).status_code == 302
    # Signing in forgets the failures: the next mistake costs nothing.
    assert attempt("198.51.100.7").status_code == 200
    assert attempt("198.51.100.7", PASSWORD).status_code == 302


def test_the_wait_for_an_account_is_never_more_than_a_few_minutes(app):
    from crm.auth.throttle import delay_after
    with app.test_request_context():
        delays = [delay_after(n) for n in range(1, 2000)]
    assert delays[:5] == [0, 0, 0, 0, 15]
    assert delays[5:9] == [30, 60, 120, 240]
    assert max(delays) == app.config["CRM_LOGIN_DELAY_MAX_SECONDS"] == 300


def test_unknown_and_known_emails_are_answered_alike(app, make_user):
    """The wait does not tell which emails have accounts."""
    known = make_user("staff", email="dana@crm.example")
    answers = {}
    for n, email in enumerate((known.email, "nobody@crm.example")):
        browser = app.test_client()
        browser.environ_base["REMOTE_ADDR"] = f"203.0.113.{n}"
        for _ in range(6):
            response = post_form(browser, "/login", {"email": email, "password": "wrong"})
        answers[email] = (response.status_code,
                          re.findall(r"Too many attempts[^<]*", response.get_data(as_text=True)))
    assert answers[known.email] == answers["nobody@crm.example"]
    assert answers[known.email][0] == 429


# --- real servers: three workers, one Redis, a proxy in front --------------------------

@pytest.fixture(scope="module")
def behind_proxy(database_url, tmp_path_factory):
    """gunicorn, 3 workers, production settings, limits in Redis, CRM_TRUSTED_PROXIES=1,
    and a forwarding proxy in front of it."""
    redis_url = redis_url_or_skip()
    logs = tmp_path_factory.mktemp("three-workers")
    with redis_prefix("h4-limits") as prefix:
        env = production_env(database_url, RATELIMIT_STORAGE_URI=redis_url,
                             RATELIMIT_KEY_PREFIX=prefix, CRM_TRUSTED_PROXIES="1",
                             CRM_UPLOAD_DIR=str(logs / "uploads"))
        with gunicorn(env, 3, logs, "three-workers") as server, \
                forwarding_proxy(server) as proxy:
            yield server, proxy


def test_the_11th_failure_from_one_address_is_refused_whichever_worker_answers(behind_proxy,
                                                                             db):
    server, proxy = behind_proxy
    attacker = Browser(source_address="127.0.0.2")
    attacker.get(proxy, "/login")  # the session cookie the CSRF token belongs to

    def fail(n: int) -> int:
        return attacker.sign_in(proxy, f"nobody{n}@crm.example", "wrong").status

    # Three at a time, so that every worker gets some: a busy one cannot take the next.
    with ThreadPoolExecutor(3) as pool:
        statuses = [status for start in range(0, ADDRESS_LIMIT, 3)
                    for status in pool.map(fail, range(start, min(start + 3, ADDRESS_LIMIT)))]
    assert statuses == [200] * ADDRESS_LIMIT
    assert [fail(ADDRESS_LIMIT + n) for n in range(3)] == [429] * 3
    assert len(server.pids_that_answered("/login")) > 1, server.access_log.read_text()

    # Another client behind the same proxy has a limit of its own.
    other = Browser(source_address="127.0.0.3")
    assert other.sign_in(proxy, "nobody@crm.example", "wrong").status == 200
    # The audit trail has the clients' addresses, not the proxy's.
    addresses = db.session.scalars(sa.select(AuditEntry.ip_address).where(
        AuditEntry.action == "login_failed")).all()
    assert len(addresses) == ADDRESS_LIMIT + 1 and set(addresses) == {"127.0.0.2", "127.0.0.3"}


def test_behind_the_proxy_a_spoofed_forwarded_for_does_not_escape_the_limit(behind_proxy):
    _server, proxy = behind_proxy
    attacker = Browser(source_address="127.0.0.4")
    statuses = [attacker.post(proxy, "/login", {"email": f"x{n}@crm.example", "password": "no"},
                              headers={"X-Forwarded-For": f"203.0.113.{n}"}).status
                for n in range(ADDRESS_LIMIT + 1)]
    assert statuses == [200] * ADDRESS_LIMIT + [429]


# --- production start-up ---------------------------------------------------------------

def test_production_with_several_workers_refuses_limits_kept_in_memory(database_url, tmp_path):
    env = production_env(database_url, CRM_WORKERS="3", CRM_BIND="127.0.0.1:0")
    started = subprocess.run([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py",
                              "wsgi:app"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=60)
    assert started.returncode != 0
    assert "RATELIMIT_STORAGE_URI=redis://" in started.stderr
    assert "Worker ready" not in started.stderr


@pytest.mark.parametrize("value, shown", [("", "0"), ("2", "2"), ("two", None)])
def test_trusted_proxies_is_a_number_of_proxies(value, shown):
    env = {**os.environ, "CRM_TRUSTED_PROXIES": value}
    read = subprocess.run([sys.executable, "-c", "import config; "
                           "print(config.Config.CRM_TRUSTED_PROXIES)"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=30)
    if shown is None:
        assert read.returncode != 0
        assert "CRM_TRUSTED_PROXIES must be a whole number" in read.stderr
    else:
        assert read.returncode == 0 and read.stdout.strip() == shown


def test_one_worker_or_shared_storage_may_count_in_their_own_way():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    production = {"CRM_ENV": "production"}
    assert conf.shared_storage_problem(3, production) is not None
    assert conf.shared_storage_problem(3, {**production,
                                           "RATELIMIT_STORAGE_URI": "memory://"}) is not None
    assert conf.shared_storage_problem(1, production) is None
    assert conf.shared_storage_problem(3, {**production,
                                           "RATELIMIT_STORAGE_URI": "redis://r:6379/0"}) is None
    assert conf.shared_storage_problem(3, {"CRM_ENV": "development"}) is None
