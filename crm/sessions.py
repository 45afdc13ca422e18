"""Signed-cookie sessions that are re-signed once a minute, not on every request.

Flask re-signs a permanent session's cookie on every response so that the idle timeout
(`PERMANENT_SESSION_LIFETIME`, checked against the signature's timestamp) counts from the
last request. That costs a serialisation and an HMAC per request and a `Set-Cookie` on
every page. Here an unchanged session is re-signed only when its signature is older than
`SESSION_REFRESH_AFTER` (a minute by default), so the idle timeout counts from a moment at
most that long before the last request; a changed session is saved at once, as before.
The signing serializer is built once per set of keys instead of twice per request.
"""
from __future__ import annotations

import time
from datetime import timedelta

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

DEFAULT_REFRESH_AFTER = timedelta(minutes=1)


class TimedSession(SecureCookieSession):
    """A cookie session that knows when its cookie was signed (None: not from a cookie)."""

    signed_at: float | None = None


class LazyRefreshSessions(SecureCookieSessionInterface):
    session_class = TimedSession

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = URLSafeTimedSerializer(
                list(keys), salt=self.salt, serializer=self.serializer,
                signer_kwargs={"key_derivation": self.key_derivation,
                               "digest_method": self.digest_method})
        return serializer

    def open_session(self, app: Flask, request: Request) -> TimedSession | None:
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        session = self.session_class(data)
        session.signed_at = signed_at.timestamp()
        return session

    def should_set_cookie(self, app: Flask, session) -> bool:
        if session.modified:
            return True
        if not (session.permanent and app.config["SESSION_REFRESH_EACH_REQUEST"]):
            return False
        signed_at = getattr(session, "signed_at", None)
        refresh_after = app.config.get("SESSION_REFRESH_AFTER", DEFAULT_REFRESH_AFTER)
        return signed_at is None or time.time() - signed_at >= refresh_after.total_seconds()
