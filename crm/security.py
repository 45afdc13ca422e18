"""Response headers and session lifetimes that protect every page (OWASP ASVS L2).

- A Content-Security-Policy without inline scripts (all JS is served from /static), no
  framing, no sniffing, a strict referrer policy, HSTS in production.
- `Cache-Control: no-store` on everything but static files, so a shared phone's back
  button or a proxy never shows a deal after sign-out.
- Sessions expire after `CRM_SESSION_IDLE` without a request and `CRM_SESSION_ABSOLUTE`
  after sign-in, whatever happens in between.
"""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, logout_user, user_logged_in, user_loaded_from_cookie

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

SESSION_STARTED = "_crm_signed_in_at"


def _secure_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if current_app.config.get("CRM_ENV") == "production":
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if not request.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response


def _mark_session_start(_sender, user, **_extra):
    session.permanent = True  # PERMANENT_SESSION_LIFETIME is then the idle timeout
    session[SESSION_STARTED] = datetime.now(UTC).timestamp()


def _enforce_absolute_lifetime():
    if not current_user.is_authenticated or request.path.startswith(("/static/", "/api/")):
        return None
    started = session.get(SESSION_STARTED)
    limit = current_app.config["CRM_SESSION_ABSOLUTE"].total_seconds()
    if started is None or datetime.now(UTC).timestamp() - started > limit:
        logout_user()
        session.clear()
        flash(_("Your session has ended. Please sign in again."), "info")
        return redirect(url_for("auth.login", next=request.full_path
                                if request.method == "GET" else None))
    return None


def init_security(app: Flask) -> None:
    app.after_request(_secure_headers)
    app.before_request(_enforce_absolute_lifetime)
    user_logged_in.connect(_mark_session_start, app)
    user_loaded_from_cookie.connect(_mark_session_start, app)
