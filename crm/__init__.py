"""The co-production deal tracking CRM."""
from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from werkzeug.routing import IntegerConverter

from config import Config, config_for_environment

from crm import i18n
from crm.extensions import babel, bootstrap, csrf, db, limiter, login_manager
from crm.models.base import MAX_ID

BASE_DIR = Path(__file__).resolve().parent.parent


def create_app(config_class: type[Config] | None = None) -> Flask:
    config_class = config_class or config_for_environment()
    app = Flask(__name__, instance_path=str(BASE_DIR / "instance"),
                template_folder=str(BASE_DIR / "templates"))
    app.config.from_object(config_class)
    os.makedirs(app.instance_path, exist_ok=True)

    _init_extensions(app)
    _register_blueprints(app)
    _trust_proxies(app)

    from crm.errors import register_error_handlers
    register_error_handlers(app)
    from crm.security import init_security
    init_security(app)
    from crm.templating import register_template_helpers
    register_template_helpers(app)
    from crm.cli import MigrationCommands, crm_cli
    app.cli.add_command(crm_cli)
    app.cli.add_command(MigrationCommands())
    return app


def _init_extensions(app: Flask) -> None:
    from crm import access, transactions
    from crm.models import consistency  # noqa: F401  (flush-time listeners)
    from crm.postgresql import configure_postgresql
    from crm.sqlite import configure_sqlite

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
        configure_postgresql(db.engine)
    transactions.init_app(app)

    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    # No Flask-Login session protection. A sign-in is a row on the server (crm.access:
    # idle and absolute limits, ended by signing out here or everywhere), which is what
    # protects a copied cookie's lifetime. Binding it to the address and browser would
    # sign pavilion phones out each time they move between festival Wi-Fi and mobile
    # data; and Flask-Login's "strong" mode does not even do that for permanent sessions
    # (ours are): it only marks them not fresh, which nothing here reads.
    login_manager.session_protection = None
    login_manager.user_loader(access.load_user)
    app.before_request(access.establish_viewer)

    csrf.init_app(app)
    limiter.init_app(app)
    bootstrap.init_app(app)
    babel.init_app(app, locale_selector=i18n.select_locale)


class _IdConverter(IntegerConverter):
    """`<int:…>` in every route: ids beyond what a database holds are simply not found."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.url_map.converters["int"] = _IdConverter
    from crm import api
    from crm.account import bp as account_bp
    from crm.admin import bp as admin_bp
    from crm.auth import bp as auth_bp
    from crm.events import bp as events_bp
    from crm.lookup import bp as lookup_bp
    from crm.main import bp as main_bp
    from crm.meetings import bp as meetings_bp
    from crm.memoranda import bp as memoranda_bp
    from crm.organizations import bp as organizations_bp
    from crm.people import bp as people_bp
    from crm.pipeline import bp as pipeline_bp
    from crm.projects import bp as projects_bp
    from crm.reports import bp as reports_bp

    for bp in (auth_bp, main_bp, organizations_bp, people_bp, events_bp, projects_bp,
               pipeline_bp, memoranda_bp, meetings_bp, lookup_bp, reports_bp, admin_bp,
               account_bp):
        app.register_blueprint(bp)
    api.init_app(app)
    from crm import health
    health.init_app(app)


def _trust_proxies(app: Flask) -> None:
    """Behind `CRM_TRUSTED_PROXIES` proxies, the client's address and scheme are the
    ones the proxies forwarded (rate limits, the audit trail, https redirects). Off by
    default: without a proxy that overwrites it, X-Forwarded-For is whatever the client
    typed, and trusting it would let anyone pick a fresh address for every attempt.
    The Host header is not taken from X-Forwarded-Host: the proxy passes Host on."""
    proxies = app.config.get("CRM_TRUSTED_PROXIES", 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
