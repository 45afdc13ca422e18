"""Who is calling the API: only `Authorization: Bearer <token>` counts.

The API is stateless. Under /api/ no cookie session is opened at all
(`StatelessApiSessions`): a session cookie neither signs the caller in nor gets
refreshed or set (no Set-Cookie on API responses). For every request under /api/,
`prepare_api_request` runs before any other request hook and
- finds the token's user and makes it `current_user` for this request only (Flask-Login
  reads `g._login_user`), so the access layer (`crm.access.establish_viewer`, the next
  hook) restricts every query to what that user may see, with that user's role;
- answers unknown URLs and methods (404/405) before CSRF or authentication get a say.

`require_token` (the API blueprint's own hook, after rate limiting) then refuses requests
without a valid token with 401. Rate limits are counted per token (per address for
requests without a valid one).
"""
from __future__ import annotations

from flask import current_app, g, request
from flask.sessions import SessionInterface
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user

from crm.account.services import authenticate_token, note_use
from crm.api.errors import Problem, is_api_path, is_api_request

API_MAX_CONTENT_LENGTH = 1024 * 1024  # JSON bodies are small; attachments go through the pages
DEFAULT_RATE_LIMIT = "300 per minute"
REALM = 'Bearer realm="crm"'


def bearer_secret() -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer":
        return None
    return secret.strip() or None


class StatelessApiSessions(SessionInterface):
    """The app's session interface, except that requests under /api/ get a null session
    (read as empty, never saved)."""

    def __init__(self, inner: SessionInterface):
        self.inner = inner

    def open_session(self, app, request):
        if is_api_path(request.path):
            return None  # Flask then uses make_null_session
        return self.inner.open_session(app, request)

    def save_session(self, app, session, response):
        return self.inner.save_session(app, session, response)

    def make_null_session(self, app):
        return self.inner.make_null_session(app)

    def is_null_session(self, obj) -> bool:
        return self.inner.is_null_session(obj)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def prepare_api_request() -> None:
    if not is_api_request():
        return
    app = current_app._get_current_object()
    request.max_content_length = app.config.get("API_MAX_CONTENT_LENGTH", API_MAX_CONTENT_LENGTH)
    g._login_user = app.login_manager.anonymous_user()
    if request.routing_exception is not None:
        raise request.routing_exception
    token = authenticate_token(bearer_secret())
    if token is not None:
        g._login_user = token.user
        g.api_token = token
        note_use(token)


def require_token() -> None:
    """Every API route needs a valid token (the OpenAPI document and the docs page are
    served by another blueprint and are public)."""
    if current_user.is_authenticated:
        return
    if bearer_secret() is None:
        raise Problem(401, _("Send your API token as 'Authorization: Bearer <token>'. "
                             "Create one on your account's API tokens page."),
                      headers={"WWW-Authenticate": REALM})
    raise Problem(401, _("The token is not valid: it is unknown, revoked, or its user is "
                         "deactivated."),
                  headers={"WWW-Authenticate": f'{REALM}, error="invalid_token"'})


def require_json_body() -> None:
    """A body, when there is one, must be JSON (so that it is never silently ignored)."""
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", "").lower()
    if request.method in ("POST", "PATCH", "PUT") and has_body and not request.is_json:
        raise Problem(415, _("Send the body as application/json, not %(type)s.",
                             type=request.mimetype or "without a Content-Type"))
    if has_body and request.is_json:
        # Parsed once, here, and kept for the handlers (crm.api.errors.JsonBodyParser).
        # Python's parser recurses per level of nesting: a body of a thousand nested
        # arrays would end in RecursionError, a server error, instead of a refusal.
        try:
            request.get_json(silent=True)
        except RecursionError:
            raise Problem(400, _("The JSON body is nested too deeply.")) from None


def rate_limit() -> str:
    return current_app.config.get("API_RATELIMIT", DEFAULT_RATE_LIMIT)


def rate_limit_key() -> str:
    token = g.get("api_token")
    if token is not None:
        return f"api-token:{token.token_hash}"
    return f"api-address:{get_remote_address()}"
