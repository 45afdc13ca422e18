"""Where a `next` parameter may send the browser: only to a path of this app.

One guard for every redirect that comes from user input (`?next=` at sign-in, the
`next` of a follow-up button, a move form's way back), so an open redirect cannot slip
in through one of them.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import url_for


def is_local_path(target: str | None) -> bool:
    """True for '/projects/7?tab=x'; False for anything a browser could read as another
    site: '//evil.example', '/\\evil.example', a scheme, and any white space or control
    character (browsers drop tabs and line breaks inside URLs, so '/\\t/evil.example'
    is '//evil.example' to them; a line break would also split the Location header)."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    if "\\" in target or any(ch.isspace() or ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str | None = None) -> str:
    """`target` if it is a local path (see `is_local_path`), else `default` (the
    dashboard when not given)."""
    if is_local_path(target):
        return target
    return default or url_for("main.dashboard")
