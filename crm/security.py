"""Response headers and session lifetimes that protect every page (OWASP ASVS L2).

- A Content-Security-Policy without inline scripts (all JS is served from /static), no
  framing, no sniffing, a strict referrer policy, HSTS in production.
- `Cache-Control: no-store` on everything but static files, so a shared phone's back
  button or a proxy never shows a deal after sign-out.
- Sign-ins end after `CRM_SESSION_IDLE` without a request and `CRM_SESSION_ABSOLUTE`
  after they began, whatever happens in between (kept on the sign-in's row, so a copied
  or "remember me" cookie cannot outlive them: `crm.access.load_user`).
"""
from __future__ import annotations

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import user_logged_in, user_loaded_from_cookie

from crm.access import SIGN_IN_ENDED

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

_SECURITY_HEADERS = (
    ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
_HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


def _secure_headers(response):
    headers = response.headers
    # Each header unless the response set its own, found in one pass over the headers
    # (a `setdefault` per header walked them all seven times on every response).
    present = {name.lower() for name in headers.keys()}
    wanted = _SECURITY_HEADERS
    if current_app.config.get("CRM_ENV") == "production":
        wanted += (_HSTS,)
    for name, value in wanted:
        if name.lower() not in present:
            headers.add(name, value)
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
        if "expires" in present:
            headers.pop("Expires", None)
    return response


def _make_session_permanent(_sender, user, **_extra):
    session.permanent = True  # the cookie then expires with PERMANENT_SESSION_LIFETIME


def _sign_in_first():
    """Flask-Login's answer to a signed-out visitor of a page: the sign-in page, saying
    why when their sign-in has just ended (idle or absolute lifetime)."""
    if g.get(SIGN_IN_ENDED):
        flash(_("Your session has ended. Please sign in again."), "info")
    else:
        flash(_("Please sign in to see this page."), "info")
    target = request.full_path.rstrip("?") if request.method == "GET" else None
    return redirect(url_for("auth.login", next=target))


def init_security(app: Flask) -> None:
    app.after_request(_secure_headers)
    app.login_manager.unauthorized_handler(_sign_in_first)
    user_logged_in.connect(_make_session_permanent, app)
    user_loaded_from_cookie.connect(_make_session_permanent, app)
