"""Failed sign-ins for one account slow that account down; they never lock it out.

A fixed per-account limit ("20 failures an hour") lets anyone who knows an email address
keep its owner out for an hour. Instead, the first `CRM_LOGIN_FREE_FAILURES` failures
for an email cost nothing; each further one makes the next attempt for that email wait,
doubling from `CRM_LOGIN_DELAY_SECONDS` up to `CRM_LOGIN_DELAY_MAX_SECONDS` (a few
minutes at most). While it waits, an attempt is refused without looking at the password,
so guessing stays as slow as before (about 20 guesses an hour for an account), but the
owner is never kept out for longer than the cap once the failures stop. What one address
may try at all is bounded separately by the per-address limits on the sign-in view.

The counts live in the rate limiter's storage (Redis in production), so every worker
and every server sees the same ones. Emails are counted whether or not an account has
them (the answer must not tell which exist), and are stored only as a hash.
"""
from __future__ import annotations

import hashlib
import math
import time

from flask import current_app

from crm.extensions import limiter


def _keys(email: str) -> tuple[str, str]:
    digest = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    prefix = f"{current_app.config.get('RATELIMIT_KEY_PREFIX', '')}/sign-in/{digest}"
    return f"{prefix}/failures", f"{prefix}/wait"


def _enabled() -> bool:
    return bool(limiter.enabled and current_app.config.get("RATELIMIT_ENABLED", True))


def seconds_to_wait(email: str) -> int:
    """How long an attempt for `email` must still wait (0: it may be tried now)."""
    if not _enabled():
        return 0
    _failures, wait = _keys(email)
    storage = limiter.storage
    if not storage.get(wait):
        return 0
    return max(1, math.ceil(storage.get_expiry(wait) - time.time()))


def delay_after(failures: int) -> int:
    """The wait imposed after the `failures`-th failure in a row (0: none yet)."""
    config = current_app.config
    beyond = failures - config["CRM_LOGIN_FREE_FAILURES"]
    if beyond < 0:
        return 0
    first, cap = config["CRM_LOGIN_DELAY_SECONDS"], config["CRM_LOGIN_DELAY_MAX_SECONDS"]
    return min(first * 2 ** min(beyond, 20), cap)


def record_failure(email: str) -> int:
    """Count a failed sign-in for `email`; returns the wait it now imposes (seconds)."""
    if not _enabled():
        return 0
    failures_key, wait_key = _keys(email)
    storage = limiter.storage
    failures = storage.incr(failures_key, current_app.config["CRM_LOGIN_FAILURE_WINDOW_SECONDS"])
    delay = delay_after(failures)
    if delay:
        storage.clear(wait_key)
        storage.incr(wait_key, delay)
    return delay


def record_success(email: str) -> None:
    """The owner got in: the failures before are forgotten."""
    if not _enabled():
        return
    for key in _keys(email):
        limiter.storage.clear(key)
