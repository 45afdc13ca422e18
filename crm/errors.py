"""Errors raised by services, and the pages shown for HTTP errors."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException


class ValidationFailed(Exception):
    """Input that breaks a domain rule: {field: [messages]}, shown at the fields (HTML) or
    in `errors` (API). Raised by services before anything is written."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__(errors)
        self.errors = errors


class InUse(Exception):
    """The record cannot go: live records still refer to it. `reason` says which (HTML: a
    message on its page; API: 409 with it as the detail)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StaleObject(Exception):
    """The object was changed by someone else since the caller read `version`."""

    def __init__(self, obj, expected_version: int | None):
        super().__init__(f"{obj!r} is at version {obj.version}, not {expected_version}")
        self.obj = obj
        self.expected_version = expected_version


_TITLES = {
    400: _l("Bad request"),
    403: _l("Not allowed"),
    404: _l("Not found"),
    405: _l("Method not allowed"),
    413: _l("Too large"),
    429: _l("Too many requests"),
    500: _l("Something went wrong"),
}
_EXPLANATIONS = {
    400: _l("The request could not be understood. Go back and try again."),
    403: _l("Your role does not allow this. Ask an administrator if you need it."),
    404: _l("There is nothing here, or it is not shared with you."),
    405: _l("This address does not accept that kind of request."),
    413: _l("The upload is larger than allowed."),
    429: _l("Too many attempts. Wait a minute and try again."),
    500: _l("The error has been logged. Nothing you typed was half-saved; try again."),
}


def _record_denied() -> None:
    """A 403 is kept in the audit trail (who tried what), although the request's own
    work is rolled back."""
    from crm import audit
    from crm.transactions import keep_even_if_refused
    what = f"{request.method} {request.path}"[:300]
    keep_even_if_refused(lambda: audit.record("denied", changes={"request": [None, what]}))


def _render_error(code: int):
    return render_template("errors/error.html", code=code, title=_TITLES.get(code, _TITLES[500]),
                           explanation=_EXPLANATIONS.get(code, "")), code


def register_error_handlers(app: Flask) -> None:
    from crm.api.errors import is_api_request, problem_response  # /api/: problem+json

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is None or error.code < 400:
            return error
        if error.code == 403:
            _record_denied()
        if is_api_request():
            return problem_response(error)
        return _render_error(error.code)

    @app.errorhandler(500)
    def _server_error(_error):
        from crm.extensions import db
        db.session.rollback()
        if is_api_request():
            return problem_response(500)
        return _render_error(500)
