"""Configuration read from the environment (see SPEC "Configuration").

`Config` has safe development defaults; `ProductionConfig` refuses to start without a
real `SECRET_KEY`; `TestConfig` points at a throwaway database.
"""
import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the old driver; we ship psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://"):]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _whole_number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number (0 or more), not {value!r}")
    return int(value)


class Config:
    CRM_ENV = "development"
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{INSTANCE_DIR / 'crm.sqlite3'}")
    # Connections are replaced after half an hour (a server or proxy that drops idle ones
    # then never hands the app a dead one), instead of a ping before every checkout.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_recycle": 1800}
    SQLALCHEMY_RECORD_QUERIES = False

    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Several CRMs (or test runs) can share one Redis: each counts under its own prefix.
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "crm")
    # How many proxies stand in front of the app (0: none, X-Forwarded-* is ignored). With
    # N, the address N hops back in X-Forwarded-For is the client's (limits, audit trail).
    CRM_TRUSTED_PROXIES = _whole_number("CRM_TRUSTED_PROXIES", 0)
    # Failed sign-ins for one account (crm.auth.throttle): this many are free, then each
    # one makes the next attempt wait, doubling from CRM_LOGIN_DELAY_SECONDS up to
    # CRM_LOGIN_DELAY_MAX_SECONDS; the count is forgotten an hour after it began.
    CRM_LOGIN_FREE_FAILURES = 5
    CRM_LOGIN_DELAY_SECONDS = _whole_number("CRM_LOGIN_DELAY_SECONDS", 15)
    CRM_LOGIN_DELAY_MAX_SECONDS = _whole_number("CRM_LOGIN_DELAY_MAX_SECONDS", 300)
    CRM_LOGIN_FAILURE_WINDOW_SECONDS = 3600

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    BOOTSTRAP_SERVE_LOCAL = True  # festival Wi-Fi is bad: no CDN
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # A sign-in ends after this long without a request (idle) and this long after it began
    # (absolute), whichever comes first; "remember me" lasts no longer than the absolute
    # limit. Defaults from OWASP ASVS 4.0.3 level 2 (3.3.2): 30 minutes and 12 hours.
    CRM_SESSION_IDLE = timedelta(minutes=int(os.environ.get("CRM_SESSION_IDLE_MINUTES", 30)))
    CRM_SESSION_ABSOLUTE = timedelta(hours=int(os.environ.get("CRM_SESSION_ABSOLUTE_HOURS", 12)))
    # The limits are the sign-in's (checked on its row at every request, crm.access): the
    # cookie only has to last as long as the longest, so it is set when the session
    # changes (sign-in, a flashed message), not signed again on every response.
    PERMANENT_SESSION_LIFETIME = CRM_SESSION_ABSOLUTE
    SESSION_REFRESH_EACH_REQUEST = False
    REMEMBER_COOKIE_DURATION = CRM_SESSION_ABSOLUTE

    MAX_CONTENT_LENGTH = 11 * 1024 * 1024  # attachments are at most 10 MB
    UPLOAD_DIR = os.environ.get("CRM_UPLOAD_DIR", str(INSTANCE_DIR / "uploads"))
    PER_PAGE = 25
    # The most projects one pipeline report lists (crm.reports.pdf.check_report_size).
    CRM_REPORT_MAX_PROJECTS = int(os.environ.get("CRM_REPORT_MAX_PROJECTS", 1500))

    # Mail (crm.mail): password-reset links and invitations. CRM_SMTP_URL is
    # smtp://host:port, smtp+starttls://user:password@host:587 or
    # smtps://user:password@host:465; empty: no mail is sent (see README "Accounts and
    # mail"). Links in mail start with CRM_BASE_URL (e.g. https://crm.example.org), else
    # with the address the request came to (development only: see ProductionConfig).
    CRM_SMTP_URL = os.environ.get("CRM_SMTP_URL", "").strip()
    CRM_MAIL_FROM = os.environ.get("CRM_MAIL_FROM", "").strip() or "CRM <crm@localhost>"
    CRM_BASE_URL = os.environ.get("CRM_BASE_URL", "").strip().rstrip("/")


class DevelopmentConfig(Config):
    DEBUG = False  # `flask run --debug` turns it on when wanted


MIN_SECRET_KEY_BYTES = 32  # 256 bits: the key of the HMAC that signs the session cookies


class ProductionConfig(Config):
    CRM_ENV = "production"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    PREFERRED_URL_SCHEME = "https"

    @classmethod
    def check(cls) -> None:
        secret = os.environ.get("SECRET_KEY", "").strip()
        if not secret or secret == "dev-only-not-secret":
            raise RuntimeError(
                "CRM_ENV=production needs SECRET_KEY: set it to a long random value, "
                "e.g. SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        if len(secret.encode("utf-8")) < MIN_SECRET_KEY_BYTES:
            raise RuntimeError(
                f"SECRET_KEY is too short for production: it must be at least "
                f"{MIN_SECRET_KEY_BYTES} bytes (it signs the session cookies), e.g. "
                "SECRET_KEY=$(python -c 'import secrets; print(secrets.token_hex(32))')"
            )
        # A reset link's host must not come from the request: a forged Host header would
        # mail a victim a link to the attacker's site, carrying the secret.
        mail_without_base = (os.environ.get("CRM_SMTP_URL", "").strip()
                             and not os.environ.get("CRM_BASE_URL", "").strip())
        if mail_without_base:
            raise RuntimeError(
                "CRM_SMTP_URL is set but CRM_BASE_URL is not: set CRM_BASE_URL to the "
                "address users open the CRM at (e.g. https://crm.example.org), which the "
                "links in mail start with"
            )
        # Read now rather than when this module was imported: the environment counts.
        cls.SECRET_KEY = secret


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-secret"
    SQLALCHEMY_DATABASE_URI = _database_url("sqlite://")
    RATELIMIT_STORAGE_URI = "memory://"
    CRM_TRUSTED_PROXIES = 0  # whatever the environment says
    WTF_CSRF_ENABLED = True
    CRM_SMTP_URL = ""  # whatever the environment says; the mail tests start a server
    CRM_BASE_URL = ""


def config_for_environment() -> type[Config]:
    env = os.environ.get("CRM_ENV", "development")
    if env == "production":
        ProductionConfig.check()
        return ProductionConfig
    if env != "development":
        raise RuntimeError(f"CRM_ENV must be 'development' or 'production', not {env!r}")
    return DevelopmentConfig
