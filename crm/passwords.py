"""The one password rule, wherever a password is chosen: an administrator's new-user and
edit forms, `flask crm create-user`, changing one's own password, a reset link and an
invitation.

OWASP ASVS 4.0.3 2.1.1 and 2.1.7: at least 12 characters, and not one of the passwords
attackers try first. That list is Django's (crm/data/common-passwords.txt.gz, 20,000
passwords from breaches, lower-cased; BSD licence, see the note beside it), compared
case-insensitively and without surrounding spaces as Django's CommonPasswordValidator
does. It is read once per process, the first time a password is checked (1.5 MB that a
worker which never sees a password form does not load).
"""
from __future__ import annotations

import functools
import gzip
from pathlib import Path

from flask_babel import lazy_gettext as _l

MIN_LENGTH = 12
MAX_LENGTH = 200  # what the forms accept (scrypt hashes any length; this bounds the work)
COMMON_PASSWORDS = Path(__file__).resolve().parent / "data" / "common-passwords.txt.gz"


@functools.cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines)


def is_common(password: str) -> bool:
    return password.lower().strip() in common_passwords()


def problems(password: str | None, *, email: str | None = None) -> list[str]:
    """Why `password` may not be used (the messages shown next to the field), or []."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return [str(_l("Use at least %(n)d characters.", n=MIN_LENGTH))]
    if len(password) > MAX_LENGTH:
        return [str(_l("Use at most %(n)d characters.", n=MAX_LENGTH))]
    if is_common(password):
        return [str(_l("This password is on a list of common passwords from data breaches, "
                       "which attackers try first: choose another."))]
    if email and password.strip().lower() == email.strip().lower():
        return [str(_l("Your password must not be your email address."))]
    return []
