"""Links to records without a `url_for` per link.

A list or board page links every row to its record: a hundred `url_for` calls, each a
walk through Werkzeug's URL map, cost more than the page's queries. The URL of a record
page differs from the next one's only by the id, so `record_url("projects.detail", 7)`
builds the pattern once per process (with `url_for` itself, so the routes stay the one
source of truth) and then only puts the id in. Endpoints with one integer argument only.
"""
from __future__ import annotations

import threading

from flask import request, url_for

_MARK = 987654321  # no real id; split out of the built URL to leave its pattern
_patterns: dict[str, tuple[str, str]] = {}
_lock = threading.Lock()


def _pattern(endpoint: str) -> tuple[str, str]:
    found = _patterns.get(endpoint)
    if found is None:
        from flask import current_app
        rule = next(iter(current_app.url_map.iter_rules(endpoint)))
        (argument,) = rule.arguments
        # Built under the root path so that the request's script root is added per call.
        built = url_for(endpoint, **{argument: _MARK})[len(request.script_root):]
        prefix, _sep, suffix = built.partition(str(_MARK))
        with _lock:
            found = _patterns[endpoint] = (prefix, suffix)
    return found


def record_url(endpoint: str, ident: int) -> str:
    """`url_for(endpoint, <its one argument>=ident)`, from a pattern kept per process."""
    prefix, suffix = _pattern(endpoint)
    return f"{request.script_root}{prefix}{int(ident)}{suffix}"
