"""Jinja globals and filters shared by every template.

What every page's frame shows (navigation, asset links, the account menu) depends only
on the URL map, the request's script root, the language and the user's role: its URLs
are built with `url_for` once per app (and script root), not a score of times per page,
and its texts come from one look-up of the request's translations per page."""
from __future__ import annotations

from datetime import UTC, datetime

from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from crm import access, i18n
from crm.i18n import N_
from crm.formatting import (format_date, format_datetime, format_money, format_number,
                            format_relative, format_share)
from crm.links import record_url
from crm.reference import country_name, label


# (endpoint, label) of the navigation bar, in order.
NAVIGATION = (
    ("main.dashboard", N_("Dashboard")),
    ("pipeline.board", N_("Pipeline")),
    ("projects.index", N_("Projects")),
    ("meetings.index", N_("Meetings")),
    ("memoranda.index", N_("Memoranda")),
    ("organizations.index", N_("Organizations")),
    ("people.index", N_("People")),
    ("events.index", N_("Events")),
)
ADMIN_NAVIGATION = (
    ("admin.users", N_("Users")),
    ("admin.archive", N_("Archive")),
    ("admin.audit_trail", N_("Audit trail")),
    ("pipeline.stages", N_("Pipeline stages")),
)
# The other pages and files every page's frame links to, by the name base.html uses.
FRAME_LINKS = {
    "dashboard": ("main.dashboard", {}),
    "search": ("main.search", {}),
    "tokens": ("account.tokens", {}),
    "change_password": ("account.change_password_page", {}),
    "language": ("auth.language", {}),
    "api_docs": ("api_docs.openapi_docs", {}),
    "logout": ("auth.logout", {}),
    "logout_everywhere": ("auth.logout_everywhere", {}),
    "crm_css": ("static", {"filename": "crm.css"}),
    "favicon": ("static", {"filename": "favicon.svg"}),
    "crm_js": ("static", {"filename": "crm.js"}),
}
_FRAME = "crm_page_frame"


class _Frame:
    """The frame's URLs for one script root (and Flask-Bootstrap's tags, which are
    built from the same URL map and configuration)."""

    def __init__(self, app: Flask, root: str):
        self.root = root
        self.links = {name: url_for(endpoint, **values)
                      for name, (endpoint, values) in FRAME_LINKS.items()}
        self.navigation = tuple((endpoint.partition(".")[0], url_for(endpoint), text)
                                for endpoint, text in NAVIGATION)
        self.admin_navigation = tuple((endpoint.partition(".")[0], url_for(endpoint), text)
                                      for endpoint, text in ADMIN_NAVIGATION)
        bootstrap = app.extensions["bootstrap"]
        self.links["bootstrap_css"] = bootstrap.load_css()
        self.links["bootstrap_js"] = bootstrap.load_js()


def _frame() -> _Frame:
    # One per app, rebuilt if the script root changes (one kept, not one per root seen:
    # the root comes with the request).
    app = current_app._get_current_object()
    frame = app.extensions.get(_FRAME)
    if frame is None or frame.root != request.script_root:
        frame = app.extensions[_FRAME] = _Frame(app, request.script_root)
    return frame


def _page_gettext(translate):
    """Jinja's new-style `gettext` (as `install_gettext_callables(newstyle=True)` makes
    it) over one page's translations: Flask-Babel's looks the request's translations up
    again at each of a page's thirty calls. It takes the evaluation context, not the
    context: Jinja copies the context for a function that takes it in a block with
    variables of its own."""
    @pass_eval_context
    def gettext(eval_ctx, string, **variables):
        text = translate(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables  # always a format string, as Jinja's own
    return gettext


def _page_pgettext(translate):
    @pass_eval_context
    def pgettext(eval_ctx, context, string, **variables):
        text = translate(context, string)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables
    return pgettext


def _page_ngettext(translate):
    @pass_eval_context
    def ngettext(eval_ctx, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translate(singular, plural, num)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables
    return ngettext


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
                                 number=format_number, share=format_share,
                                 relative=format_relative,
                                 country=country_name, label=label,
                                 party_countries=party_countries)
    app.jinja_env.globals.update(url_with=url_with, record_url=record_url, money=format_money)

    @app.context_processor
    def _globals():
        if not has_request_context():  # a template rendered outside a request
            return {"today": datetime.now(UTC).date(), "can_edit": False,
                    "can_administer": False, "language": i18n.DEFAULT,
                    "can_pick_language": False, "has_session": False,
                    "languages": i18n.LANGUAGES}
        user = current_user._get_current_object()
        frame = _frame()
        translations = get_translations()
        translate = translations.ugettext
        gettext = _page_gettext(translate)
        administers = access.can_administer(user)
        return {
            "today": datetime.now(UTC).date(),
            # (section, URL, label): the item whose section is the page's is active
            "navigation": [(section, url, translate(text))
                           for section, url, text in frame.navigation],
            "admin_navigation": [(section, url, translate(text))
                                 for section, url, text in frame.admin_navigation]
            if administers else (),
            "section": (request.endpoint or "").partition(".")[0],
            "links": frame.links,
            "can_edit": access.can_edit(user),
            "can_administer": administers,
            # `_` too: Jinja's own `_` finds `gettext` through the context at every call
            "_": gettext, "gettext": gettext,
            "ngettext": _page_ngettext(translations.ungettext),
            "pgettext": _page_pgettext(translations.upgettext),
            "language": i18n.current_language(),  # <html lang>, the picker
            # Not on the API's docs page: /api/ keeps no session (crm.api.auth), so it has
            # no CSRF token for the picker or the sign-out forms, even for a reader who
            # sent a bearer token; its language is the browser's.
            "has_session": (has_session := not request.path.startswith("/api/")),
            "can_pick_language": has_session,
            "languages": i18n.LANGUAGES,
        }
