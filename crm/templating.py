"""Jinja globals and filters shared by every template."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from crm import access
from crm.formatting import format_date, format_datetime
from crm.links import record_url
from crm.reference import country_name, label

# (endpoint, label) of the navigation bar, in order.
NAVIGATION = (
    ("main.dashboard", _l("Dashboard")),
    ("pipeline.board", _l("Pipeline")),
    ("projects.index", _l("Projects")),
    ("meetings.index", _l("Meetings")),
    ("memoranda.index", _l("Memoranda")),
    ("organizations.index", _l("Organizations")),
    ("people.index", _l("People")),
    ("events.index", _l("Events")),
)
ADMIN_NAVIGATION = (
    ("admin.users", _l("Users")),
    ("admin.archive", _l("Archive")),
    ("admin.audit_trail", _l("Audit trail")),
    ("pipeline.stages", _l("Pipeline stages")),
)


def url_with(**changes) -> str:
    """The current page's URL with some query arguments changed (pagination, filters)."""
    args = request.args.to_dict(flat=True)
    args.update({k: v for k, v in changes.items() if v is not None})
    for key in [k for k, v in changes.items() if v is None]:
        args.pop(key, None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def party_countries(project) -> list[str]:
    """The distinct countries of a project's parties, in party order (cards, list rows)."""
    codes: list[str] = []
    for party in project.parties:
        code = party.organization.country
        if code and code not in codes:
            codes.append(code)
    return codes


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters.update(date=format_date, datetime=format_datetime,
                                 country=country_name, label=label,
                                 party_countries=party_countries)
    app.jinja_env.globals.update(url_with=url_with, record_url=record_url)

    @app.context_processor
    def _globals():
        return {
            "today": datetime.now(UTC).date(),
            "navigation": NAVIGATION,
            "admin_navigation": ADMIN_NAVIGATION if access.can_administer(current_user) else (),
            "can_edit": access.can_edit(current_user),
            "can_administer": access.can_administer(current_user),
        }
