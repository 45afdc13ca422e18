"""Who gets what on EVERY route: parametrized over the app's URL map × method × the six
kinds of visitor (anonymous, staff, executive of organization A, executive of B,
executive without organization, admin), on the demo data.

Routes are classified by what their endpoint says, so routes added later are covered
without touching this file:
- `admin.*`: administrators only (403 for staff and executives);
- "change" routes (endpoint ending in create/edit/archive, e.g. `people.edit`,
  `admin.create_user_page`, and every POST): 403 for executives, except in the
  self-service areas (signing in and out, one's own account);
- "view" routes (index/detail/board/dashboard/search): 200 for every signed-in role;
- everything else: never a server error, never 403 for an administrator.
Anonymous visitors are sent to /login from every page (API routes answer 401 instead),
except the public areas (`health`: the proxy's /healthz, 200 for everyone).
Every request sends a valid CSRF token, so what is tested is the role check itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import url_for
from werkzeug.routing import AnyConverter, IntegerConverter, Rule

from config import TestConfig
from crm import create_app
from crm.demo import ensure_default_stages, seed_demo
from crm.extensions import db as _db
from crm.extensions import limiter
from crm.models import Organization, Role, User
from crm.models.base import ArchivableMixin
from tests.conftest import PASSWORD, _empty_tables, csrf_token_from, post_form

ROLES = ("anonymous", "executive", "executive_a", "executive_b", "staff", "admin")
# Executives linked to an organization: A (Tokyo New Cinema) is party to the demo's first
# project, memorandum and meeting ("The Horse Thieves"); B (the Chinese co-producer of
# "The Composer") is party to none of them, so for B those rows do not exist.
EXECUTIVE_ORGANIZATIONS = {"executive_a": "Tokyo New Cinema",
                           "executive_b": "Unnamed Chinese co-producer"}
HIDDEN_FROM_B = {"project_id", "memorandum_id", "meeting_id"}
VIEW_ENDPOINTS = {"index", "detail", "board", "dashboard", "search"}
SELF_SERVICE_AREAS = {"auth", "account"}  # what every signed-in user does for themselves
PUBLIC_AREAS = {"health"}  # answered to anyone, signed in or not
# The account pages for someone who cannot sign in (yet): tested in test_accounts.
SIGNED_OUT_ENDPOINTS = {"account.forgot_password", "account.reset_password",
                        "account.accept_invitation"}
CHANGE_WORDS = ("create", "edit", "archive")
# String arguments the demo data can fill in (anything else gets a value that matches
# nothing, and 404 is then acceptable).
STRING_ARGUMENTS = {"kind": "organizations"}


@dataclass(frozen=True)
class Route:
    rule: str
    endpoint: str
    method: str
    arguments: tuple[tuple[str, object], ...]  # (name, converter)

    @property
    def area(self) -> str:
        return self.endpoint.split(".")[0] if "." in self.endpoint else ""

    @property
    def leaf(self) -> str:
        return self.endpoint.rsplit(".", 1)[-1]

    @property
    def is_api(self) -> bool:
        return self.area == "api" or self.rule.startswith("/api/")

    @property
    def is_admin(self) -> bool:
        return self.area == "admin"

    @property
    def is_auth(self) -> bool:
        return self.area == "auth"

    @property
    def is_self_service(self) -> bool:
        return self.area in SELF_SERVICE_AREAS

    @property
    def is_change(self) -> bool:
        return self.method != "GET" or any(
            self.leaf == word or self.leaf.startswith(word + "_") or self.leaf.endswith("_" + word)
            for word in CHANGE_WORDS)

    @property
    def is_view(self) -> bool:
        return self.method == "GET" and self.leaf in VIEW_ENDPOINTS

    def __str__(self) -> str:
        return f"{self.method} {self.rule}"


def _is_static(rule: Rule) -> bool:
    return rule.endpoint == "static" or rule.endpoint.endswith(".static")


def _routes() -> list[Route]:
    """Every route of the app (read from a throwaway app: the rules are the same)."""
    app = create_app(type("CollectConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
    routes = []
    for rule in app.url_map.iter_rules():
        if _is_static(rule):
            continue
        arguments = tuple((name, rule._converters[name]) for name in rule.arguments)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append(Route(rule.rule, rule.endpoint, method, arguments))
    return sorted(routes, key=lambda r: (r.rule, r.method))


ROUTES = _routes()


# --- one seeded world for the whole module ---------------------------------------------

def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _models() -> dict[str, type]:
    return {_snake(m.class_.__name__): m.class_ for m in _db.Model.registry.mappers}


def _model_for(argument: str, values: dict) -> type | None:
    """`organization_id` -> Organization, `stage_id` -> PipelineStage, `follow_up_id` ->
    FollowUp, `object_id` -> the model named by the `kind` argument (admin archive)."""
    models = _models()
    stem = argument[:-3] if argument.endswith("_id") else argument
    if stem in models:
        return models[stem]
    if stem == "object" and "kind" in values:
        by_table = {getattr(cls, "__tablename__", None): cls for cls in models.values()}
        return by_table.get(values["kind"])
    suffixed = [cls for name, cls in models.items() if name.endswith("_" + stem)]
    return suffixed[0] if len(suffixed) == 1 else None


class World:
    """The demo data, one signed-in browser per role, and a way to put things back."""

    def __init__(self, app):
        self.app = app
        self.browsers: dict[str, object] = {}
        self.emails = {role: f"matrix-{role}@crm.example" for role in ROLES[1:]}

    def browser(self, role: str):
        if role not in self.browsers:
            browser = self.app.test_client()
            if role == "anonymous":
                token_page = browser.get("/login").get_data(as_text=True)
            else:
                response = post_form(browser, "/login", {"email": self.emails[role],
                                                         "password": PASSWORD})
                assert response.status_code == 302, f"{role} cannot sign in"
                token_page = browser.get("/login", follow_redirects=True).get_data(as_text=True)
            browser.csrf_token = csrf_token_from(token_page)
            self.browsers[role] = browser
        return self.browsers[role]

    def forget(self, role: str) -> None:
        """After a request that may have ended the role's session (logout)."""
        self.browsers.pop(role, None)

    def url_for(self, route: Route) -> tuple[str, bool]:
        """A URL for the route built from real demo rows; the flag says whether every
        argument matched a real row (if not, 404 is an acceptable answer)."""
        values: dict[str, object] = {}
        all_real = True
        for name, converter in route.arguments:
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif not isinstance(converter, IntegerConverter):
                values[name] = STRING_ARGUMENTS.get(name, "no-such-thing")
                all_real &= name in STRING_ARGUMENTS
        for name, converter in route.arguments:
            if not isinstance(converter, IntegerConverter):
                continue
            model = _model_for(name, values)
            ident = None
            if model is not None and hasattr(model, "id"):
                stmt = sa.select(sa.func.min(model.id)).execution_options(include_archived=True)
                for parent, parent_id in values.items():  # nested: the child of that parent
                    if parent != name and parent.endswith("_id") and parent in model.__table__.c:
                        stmt = stmt.where(model.__table__.c[parent] == parent_id)
                ident = _db.session.scalar(stmt)
            if ident is None:
                all_real = False
                ident = 987654
            values[name] = ident
        with self.app.test_request_context():
            return url_for(route.endpoint, **values), all_real

    def put_back(self) -> None:
        """Undo what a permitted POST may have done that later checks depend on."""
        _db.session.rollback()
        for mapper in _db.Model.registry.mappers:
            cls = mapper.class_
            if issubclass(cls, ArchivableMixin) and hasattr(cls, "__table__"):
                table = cls.__table__
                _db.session.execute(sa.update(table).where(table.c.archived_at.is_not(None))
                                    .values(archived_at=None))
        _db.session.commit()


@pytest.fixture(scope="module")
def world(app):
    with app.app_context():
        _empty_tables()
        ensure_default_stages()
        seed_demo()
        _db.session.commit()
        limiter.reset()
        world = World(app)
        for role, email in world.emails.items():
            org_id = _db.session.scalar(sa.select(Organization.id).where(
                Organization.name == EXECUTIVE_ORGANIZATIONS[role])) \
                if role in EXECUTIVE_ORGANIZATIONS else None
            user = User(email=email, name=f"Matrix {role}", organization_id=org_id,
                        role=Role.EXECUTIVE if role.startswith("executive") else Role(role))
            user.set_password(PASSWORD)
            _db.session.add(user)
        _db.session.commit()
        yield world
        _db.session.rollback()
        _db.session.remove()
        _empty_tables()
        ensure_default_stages()
        _db.session.commit()
        limiter.reset()


@pytest.fixture
def db(app):
    """This module shares one seeded database between its tests (see `world`)."""
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()


# --- the matrix ------------------------------------------------------------------------

def _request(world: World, role: str, route: Route):
    url, all_real = world.url_for(route)
    browser = world.browser(role)
    if route.method == "GET":
        response = browser.get(url)
    else:
        response = browser.open(url, method=route.method, data={"csrf_token": browser.csrf_token})
        if route.endpoint in ("auth.logout", "auth.logout_everywhere"):
            world.forget(role)
        world.put_back()
    return response, url, all_real


def _expected(route: Route, role: str, all_real: bool) -> tuple[set[int] | None, str]:
    """(acceptable status codes or None for "anything but a server error", why)."""
    if role == "executive_b" and not route.is_api and \
            HIDDEN_FROM_B & {name for name, _converter in route.arguments}:
        if route.method == "GET" and not route.is_change:
            return {404}, "another studio's deal does not exist for this executive"
        return {403, 404}, "another studio's deal cannot be changed (or seen)"
    if role in EXECUTIVE_ORGANIZATIONS:
        role = "executive"
    missing_ok = {404} if not all_real and route.method == "GET" and not route.is_admin else set()
    if route.is_api:
        if role == "anonymous" and "openapi" not in route.endpoint:
            return {401}, "the API needs a token"
        return None, "API: roles are tested with tokens"
    if route.area in PUBLIC_AREAS:
        return {200}, "the proxy's health check answers anyone (and tells nothing more)"
    if route.endpoint in SIGNED_OUT_ENDPOINTS:
        return None, "forgotten passwords and invitations are tested in test_accounts"
    if role == "anonymous":
        if route.is_auth:
            return None, "signing in and out is tested in test_auth"
        return {302}, "anonymous visitors are sent to /login"
    if route.is_auth:
        return None, "signing in and out is tested in test_auth"
    if route.is_admin:
        if role == "admin":
            return ({200} | missing_ok if route.method == "GET" else None), "admins' pages"
        return {403}, "only administrators reach admin pages"
    if route.is_self_service:
        return ({200} | missing_ok if route.method == "GET" else None), "everyone's own"
    if route.is_change and role == "executive":
        return {403}, "executives may look but not change"
    if route.is_view or (route.method == "GET" and route.is_change):
        return {200} | missing_ok, "signed-in users see this page"
    return None, "no server error, whoever asks"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_route_answers_each_role_as_it_should(world, route, role):
    response, url, all_real = _request(world, role, route)
    expected, why = _expected(route, role, all_real)
    status = response.status_code
    assert status < 500, f"{role} {route.method} {url}: server error {status}"
    if response.mimetype == "text/html":
        assert "Traceback" not in response.get_data(as_text=True)
    if role == "admin":
        assert status != 403, f"admin {route.method} {url} was refused"
    if expected is not None:
        assert status in expected, f"{role} {route.method} {url}: {status}, expected " \
                                   f"{sorted(expected)} ({why})"
    if role == "anonymous" and status == 302 and not route.is_auth:
        assert response.headers["Location"].startswith("/login"), response.headers["Location"]


def test_the_matrix_covers_the_areas_of_the_spec():
    """The URL map really is what is parametrized over (not an empty or partial list)."""
    rules = {route.rule for route in ROUTES}
    for path in ("/", "/organizations", "/organizations/<int:organization_id>", "/people",
                 "/events", "/login", "/logout", "/admin/users", "/admin/archive"):
        assert path in rules, path
    assert any(route.is_change and route.method == "POST" for route in ROUTES)
