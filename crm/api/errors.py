"""Every error under /api/ is a problem document (RFC 9457, `application/problem+json`):
`type`, `title`, `status`, `detail`, and for invalid input `errors` {field: [messages]}
with dotted paths for nested input ("parties.0.share_percent"), whether the schema or a
service found the problem. Never an HTML page.

The API blueprint registers these handlers for its own routes; `crm.errors` hands the
rest of /api/ (unknown URLs, wrong methods) to `problem_response` too.
"""
from __future__ import annotations

from collections.abc import Mapping

from flask import Response, json, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException, InternalServerError

from crm.api.messages import translate
from crm.errors import InUse, StaleObject, ValidationFailed
from crm.extensions import db

PROBLEM_MIMETYPE = "application/problem+json"

# status -> (anchor on the docs page that explains it, title, what the detail says by default)
PROBLEMS: dict[int, tuple[str, object, object]] = {
    400: ("bad-request", _l("Bad request"),
          _l("The request could not be understood (for example, the body is not valid JSON).")),
    401: ("unauthorized", _l("Authentication required"),
          _l("Send a valid API token: 'Authorization: Bearer <token>'.")),
    403: ("forbidden", _l("Not allowed"),
          _l("Your role does not allow this.")),
    404: ("not-found", _l("Not found"),
          _l("There is nothing here, or it is not shared with you.")),
    405: ("method-not-allowed", _l("Method not allowed"),
          _l("This address does not accept that method.")),
    409: ("conflict", _l("Conflict"),
          _l("This would duplicate a record that already exists.")),
    412: ("stale-version", _l("Version is stale"),
          _l("The record was changed since you read it. Read it again, re-apply your "
             "change and send the new version.")),
    413: ("too-large", _l("Request too large"),
          _l("The request body is larger than allowed.")),
    415: ("unsupported-media-type", _l("Unsupported media type"),
          _l("Send the body as application/json.")),
    422: ("invalid-input", _l("Invalid input"),
          _l("Some fields are not valid; see `errors`.")),
    428: ("version-required", _l("Version required"),
          _l("Send the version you read, as the header 'If-Match: \"<version>\"' or as "
             "`version` in the body.")),
    429: ("rate-limited", _l("Too many requests"),
          _l("Too many requests with this token. Wait a little and try again.")),
    500: ("server-error", _l("Something went wrong"),
          _l("The error has been logged and nothing was half-saved; try again.")),
}

# Headers of an HTTP error that a problem response keeps (werkzeug's own set Content-Type).
_KEPT_HEADERS = ("Allow", "WWW-Authenticate", "Retry-After")


class Problem(HTTPException):
    """An error the API answers with a problem document; raise it anywhere in a request."""

    def __init__(self, status: int, detail: str | None = None, *,
                 errors: dict[str, list[str]] | None = None, headers: dict | None = None):
        super().__init__(description=detail)
        self.code = status
        self.errors = errors
        self.extra_headers = headers or {}


class JsonBodyParser(FlaskParser):
    """webargs' parser, reading the body Flask parsed once (crm.api.auth.require_json_body
    has refused what cannot be parsed safely) instead of parsing it a second time."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        body = req.get_json(silent=True)
        if body is None:  # not valid JSON (or a bare null): webargs says which
            return super()._raw_load_json(req)
        return body


def is_api_path(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def is_api_request() -> bool:
    return is_api_path(request.path)


def problem(status: int, detail: str | None = None, *, errors: Mapping | None = None,
            headers: Mapping | None = None) -> Response:
    slug, title, default_detail = PROBLEMS.get(status, PROBLEMS[500 if status >= 500 else 400])
    body = {
        "type": _problem_type(slug),
        "title": str(title),
        "status": status,
        "detail": detail or str(default_detail),
    }
    if errors:
        body["errors"] = dict(errors)
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)
    response.headers["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _problem_type(slug: str) -> str:
    """A link to the docs page's explanation of this kind of problem."""
    try:
        return url_for("api_docs.openapi_docs", _anchor=f"problem-{slug}")
    except Exception:  # noqa: BLE001 - outside the app's URL map (should not happen)
        return "about:blank"


def problem_response(error: HTTPException | int) -> Response:
    """The problem document for an HTTP error raised anywhere under /api/."""
    if isinstance(error, int):
        return problem(error)
    status = error.code or 500
    if status >= 500:
        db.session.rollback()
        return problem(500 if isinstance(error, InternalServerError) else status)
    headers = {name: value for name, value in error.get_headers() if name in _KEPT_HEADERS}
    if isinstance(error, Problem):
        headers.update(error.extra_headers)
        return problem(status, error.description, errors=error.errors, headers=headers)
    data = getattr(error, "data", None) or {}
    if "messages" in data:  # webargs: the request did not match the schema
        headers.update(data.get("headers") or {})
        errors = flatten_messages(data["messages"])
        if status == 400:
            return problem(400, " ".join(m for ms in errors.values() for m in ms), headers=headers)
        return problem(status, errors=errors, headers=headers)
    detail = None
    if status == 429:
        detail = _("Rate limit exceeded (%(limit)s). Wait a little and try again.",
                   limit=error.description)
    elif status == 413 and request.max_content_length:
        detail = _("The request body is larger than %(size)d KB.",
                   size=request.max_content_length // 1024)
    return problem(status, detail, headers=headers)


def flatten_messages(messages, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested error messages as {"parties.0.share_percent": [...]}, the way
    services name fields. The request location level (json, query) is dropped; an error
    about the body as a whole is named "body"."""
    if isinstance(messages, Mapping) and not prefix and set(messages) <= {
            "json", "query", "headers", "form", "files", "view_args", "path"}:
        flat: dict[str, list[str]] = {}
        for location_messages in messages.values():
            flat.update(flatten_messages(location_messages, prefix=""))
        return flat
    if isinstance(messages, Mapping):
        flat = {}
        for key, value in messages.items():
            if key == "_schema":
                path = prefix.rstrip(".") or "body"
            else:
                path = f"{prefix}{key}"
            for sub_path, sub_messages in flatten_messages(value, f"{path}.").items():
                flat.setdefault(sub_path, []).extend(sub_messages)
        return flat
    path = prefix.rstrip(".") or "body"
    if isinstance(messages, (list, tuple)):
        if all(isinstance(m, str) for m in messages):
            return {path: [translate(str(m)) for m in messages]}
        flat = {}
        for index, value in enumerate(messages):
            for sub_path, sub_messages in flatten_messages(value, f"{path}.{index}.").items():
                flat.setdefault(sub_path, []).extend(sub_messages)
        return flat
    return {path: [translate(str(messages))]}


def register_problem_handlers(bp) -> None:
    """Errors in the API's own routes: HTTP errors, and the services' domain errors."""

    @bp.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        if error.code is not None and error.code < 400:
            return error
        return problem_response(error)

    @bp.errorhandler(ValidationFailed)
    def _invalid(failure: ValidationFailed):
        db.session.rollback()
        return problem(422, errors={field: [str(m) for m in messages]
                                    for field, messages in failure.errors.items()})

    @bp.errorhandler(InUse)
    def _in_use(refused: InUse):
        db.session.rollback()
        return problem(409, refused.reason)

    @bp.errorhandler(StaleObject)
    def _stale(stale: StaleObject):
        db.session.rollback()
        return problem(412, _("The record is at version %(version)d, not %(expected)s. Read it "
                              "again, re-apply your change and send the new version.",
                              version=stale.obj.version,
                              expected=stale.expected_version if stale.expected_version is not None
                              else "the one sent"),
                       headers={"ETag": f'"{stale.obj.version}"'})

    @bp.errorhandler(StaleDataError)
    def _changed_meanwhile(_error: StaleDataError):
        # Another request saved the same row between our read and our write.
        db.session.rollback()
        return problem(412)

    @bp.errorhandler(IntegrityError)
    def _integrity(_error: IntegrityError):
        # The services check every rule first, so this is a race with another request
        # (two clients creating the same reference at once).
        db.session.rollback()
        return problem(409, _("This clashes with a record saved at the same moment. Read the "
                              "records again and retry."))
