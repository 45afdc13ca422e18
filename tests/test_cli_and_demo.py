"""`flask crm seed-demo` (idempotent, the data of the source documents, demo logins) and
`flask crm create-user`."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from crm.demo import DEMO_USERS
from crm.models import Event, Organization, Person, Role, User
from tests.conftest import post_form


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()

    def invoke(*args, **kw):
        return runner.invoke(args=list(args), **kw)
    return invoke


def everything(db) -> dict[str, list]:
    """Every row of every table, as stored."""
    db.session.rollback()
    with db.engine.connect() as conn:
        return {table.name: sorted((tuple(row) for row in conn.execute(table.select())), key=repr)
                for table in db.metadata.sorted_tables}


@pytest.fixture
def seeded(cli, db):
    result = cli("crm", "seed-demo")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    return result


def test_seed_demo_twice_changes_nothing(cli, db, seeded):
    assert "new records" in seeded.output and "(0 new records)" not in seeded.output
    before = everything(db)
    assert len(before["organizations"]) >= 5 and len(before["users"]) == 3

    again = cli("crm", "seed-demo")
    assert again.exit_code == 0, again.output
    assert "(0 new records)" in again.output
    assert everything(db) == before
    for output in (seeded.output, again.output):  # what `make run` prints
        for email, password, role, _name, _org in DEMO_USERS:
            assert email in output and password in output and role.value in output


def test_seed_demo_if_empty_leaves_a_used_database_alone(cli, db, make_user):
    make_user("admin")
    result = cli("crm", "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "already has users" in result.output
    assert db.session.scalars(sa.select(Organization)).all() == []


def test_demo_has_the_organizations_people_and_events_of_the_sources(db, seeded):
    kazakhfilm = db.session.scalars(sa.select(Organization)
                                    .where(Organization.name == "Kazakhfilm")).one()
    assert kazakhfilm.local_name == "Қазақфильм"
    assert (kazakhfilm.kind.value, kazakhfilm.country, kazakhfilm.city) == (
        "studio", "KZ", "Almaty")
    assert sorted(kazakhfilm.alias_names) == ["Kazakfilm", "Казахфильм"]
    tnc = db.session.scalars(sa.select(Organization)
                             .where(Organization.name == "Tokyo New Cinema")).one()
    assert (tnc.local_name, tnc.kind.value, tnc.country) == (
        "東京ニューシネマ", "production_company", "JP")
    countries = set(db.session.scalars(sa.select(Organization.country)))
    assert {"KZ", "JP", "CN", "FR"} <= countries

    people = {p.full_name: p for p in db.session.scalars(sa.select(Person))}
    assert people["Shozo Ichiyama"].local_name == "市山尚三"
    assert people["Lisa Takeba"].local_name == "竹葉リサ"
    assert people["Yerlan Nurmukhambetov"].local_name == "Ерлан Нұрмұхамбетов"
    assert people["Akan Sataev"].local_name == "Ақан Сатаев"
    almaty = db.session.scalars(sa.select(Event).where(Event.name == "Almaty Film Festival",
                                                       Event.edition == 2018)).one()
    assert (almaty.start_date, almaty.end_date, almaty.city) == (
        date(2018, 9, 15), date(2018, 9, 19), "Almaty")
    cannes = db.session.scalars(sa.select(Event.edition).where(Event.name == "Festival de Cannes"))
    assert sorted(cannes) == [2017, 2018]


def test_demo_users_one_per_role_sign_in_and_see_both_scripts(app, db, seeded):
    users = db.session.scalars(sa.select(User)).all()
    assert sorted(u.role for u in users) == sorted(Role)
    for email, password, role, _name, _org in DEMO_USERS:
        browser = app.test_client()
        response = post_form(browser, "/login", {"email": email, "password": password})
        assert response.status_code == 302, email
        assert browser.get("/organizations").status_code == 200
        if role == Role.STAFF:
            organizations = browser.get("/organizations").get_data(as_text=True)
            for name in ("Kazakhfilm", "Қазақфильм", "Tokyo New Cinema", "東京ニューシネマ"):
                assert name in organizations
            people = browser.get("/people").get_data(as_text=True)
            for name in ("Shozo Ichiyama", "市山尚三", "Lisa Takeba", "竹葉リサ"):
                assert name in people
            assert "Almaty Film Festival 2018" in browser.get("/events").get_data(as_text=True)
    executive = db.session.scalars(sa.select(User).where(User.role == Role.EXECUTIVE)).one()
    assert executive.organization.name == "Tokyo New Cinema"


# --- create-user -----------------------------------------------------------------------

def test_create_user_with_password_from_the_environment(cli, db, monkeypatch, app,
                                                        make_organization):
    make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ")
    monkeypatch.setenv("CRM_PASSWORD", "festival wifi is bad")
    result = cli("crm", "create-user", "Kenji@TNC.example", "--role", "executive",
                 "--organization", "tokyo new cinema", "--name", "Kenji Sato")
    assert result.exit_code == 0, result.output
    assert "Created executive kenji@tnc.example" in result.output
    db.session.rollback()
    user = db.session.scalars(sa.select(User)).one()
    assert (user.email, user.name, user.role) == ("kenji@tnc.example", "Kenji Sato", Role.EXECUTIVE)
    assert user.organization.name == "Tokyo New Cinema"
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": "kenji@tnc.example",
                                             "password": "festival wifi is bad"})
    assert response.status_code == 302


@pytest.mark.parametrize("given", ["ҚАЗАҚФИЛЬМ", "KAZAKHFILM", "東京ニューシネマ"])
def test_create_user_finds_the_organization_in_any_script_and_case(cli, db, monkeypatch,
                                                                   make_organization, given):
    make_organization()
    make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    monkeypatch.setenv("CRM_PASSWORD", "festival wifi is bad")
    result = cli("crm", "create-user", "exec@crm.example", "--role", "executive",
                 "--organization", given)
    assert result.exit_code == 0, result.output
    db.session.rollback()
    user = db.session.scalars(sa.select(User)).one()
    expected = "Tokyo New Cinema" if given == "東京ニューシネマ" else "Kazakhfilm"
    assert user.organization.name == expected


def test_create_user_name_defaults_to_the_email(cli, db, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "festival wifi is bad")
    result = cli("crm", "create-user", "dana@crm.example", "--role", "staff")
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert db.session.scalars(sa.select(User.name)).one() == "dana"


def test_create_user_refuses_a_duplicate_email(cli, db, monkeypatch, make_user):
    make_user("staff", email="dana@crm.example")
    monkeypatch.setenv("CRM_PASSWORD", "festival wifi is bad")
    result = cli("crm", "create-user", "DANA@crm.example", "--role", "admin")
    assert result.exit_code != 0
    assert "already exists" in result.output
    db.session.rollback()
    assert [u.role for u in db.session.scalars(sa.select(User))] == [Role.STAFF]


def test_create_user_refuses_an_unknown_organization(cli, db, monkeypatch):
    monkeypatch.setenv("CRM_PASSWORD", "festival wifi is bad")
    result = cli("crm", "create-user", "kenji@tnc.example", "--role", "executive",
                 "--organization", "Mosfilm")
    assert result.exit_code != 0
    assert "no organization named 'Mosfilm'" in result.output
    db.session.rollback()
    assert db.session.scalars(sa.select(User)).all() == []


@pytest.mark.parametrize("args, password, message", [
    (["not-an-email", "--role", "staff"], "festival wifi is bad", "email"),
    (["dana@crm.example", "--role", "staff"], "short", "at least 12 characters"),
    (["dana@crm.example", "--role", "superuser"], "festival wifi is bad", "superuser"),
])
def test_create_user_refuses_bad_input(cli, db, monkeypatch, args, password, message):
    monkeypatch.setenv("CRM_PASSWORD", password)
    result = cli("crm", "create-user", *args)
    assert result.exit_code != 0
    assert message in result.output
    db.session.rollback()
    assert db.session.scalars(sa.select(User)).all() == []


def test_create_user_prompts_for_the_password_without_the_variable(cli, db, monkeypatch):
    monkeypatch.delenv("CRM_PASSWORD", raising=False)
    result = cli("crm", "create-user", "dana@crm.example", "--role", "staff",
                 input="festival wifi is bad\nfestival wifi is bad\n")
    assert result.exit_code == 0, result.output
    assert "festival wifi is bad" not in result.output  # hidden input
    db.session.rollback()
    assert db.session.scalars(sa.select(User)).one().check_password("festival wifi is bad")
