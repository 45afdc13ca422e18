"""Administration: users (create, edit, deactivate, passwords) and the archive (restore)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.models import AuditEntry, Event, Person, PersonRole, Role, User
from tests.conftest import PASSWORD, post_form
from tests.pages import field_error, input_value, selected_option, text

NEW_USER = {"name": "Kenji Executive", "email": "kenji@tnc.example", "role": "executive",
            "organization_id": "", "password": "a long enough password", "active": "y"}


def users_in_database(db) -> dict[str, User]:
    db.session.rollback()  # a fresh read (the request committed on its own connection)
    return {u.email: u for u in db.session.scalars(sa.select(User))}


def sign_in(app, email: str, password: str):
    browser = app.test_client()
    response = post_form(browser, "/login", {"email": email, "password": password})
    return browser, response


@pytest.mark.parametrize("role", ["staff", "executive"])
def test_only_admins_reach_the_admin_pages(client, login_as, role):
    login_as(role)
    for url in ("/admin/users", "/admin/users/new", "/admin/archive"):
        assert client.get(url).status_code == 403, url
    page = text(client.get("/"))
    assert 'href="/admin/users"' not in page


def test_admin_sees_users_and_the_admin_menu(client, login_as, make_user, make_organization):
    org = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ")
    make_user("executive", name="Kenji Executive", organization_id=org.id)
    login_as("admin")
    page = text(client.get("/admin/users"))
    assert "Kenji Executive" in page and "Tokyo New Cinema" in page and "Executive" in page
    assert 'href="/admin/users"' in text(client.get("/"))


def test_admin_creates_a_user_who_can_sign_in(app, client, db, login_as, make_organization):
    org = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ")
    login_as("admin")
    response = post_form(client, "/admin/users/new",
                         {**NEW_USER, "email": "Kenji@TNC.example", "organization_id": str(org.id)})
    assert response.status_code == 302
    user = users_in_database(db)["kenji@tnc.example"]
    assert (user.role, user.organization_id, user.active) == (Role.EXECUTIVE, org.id, True)
    assert user.password_hash.startswith("scrypt:")
    _browser, signed_in = sign_in(app, "kenji@tnc.example", NEW_USER["password"])
    assert signed_in.status_code == 302
    audit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.object_type == "User",
                                                           AuditEntry.action == "create")).one()
    assert "password_hash" not in audit.changes and "session_token" not in audit.changes


def test_duplicate_email_is_refused_whatever_its_case(client, db, login_as, make_user):
    make_user("staff", email="dana@crm.example")
    login_as("admin")
    response = post_form(client, "/admin/users/new", {**NEW_USER, "email": "DANA@crm.example"})
    assert response.status_code == 200
    page = text(response)
    assert "already exists" in field_error(page, "email")
    assert input_value(page, "email") == "DANA@crm.example"
    assert input_value(page, "name") == "Kenji Executive"
    assert selected_option(page, "role") == "executive"
    assert input_value(page, "password") == ""  # passwords are never sent back
    assert len(users_in_database(db)) == 2


@pytest.mark.parametrize("changes, field", [
    ({"password": ""}, "password"),
    ({"password": "short"}, "password"),
    ({"email": "kenji-at-tnc"}, "email"),
    ({"role": "superuser"}, "role"),
    ({"organization_id": "424242"}, "organization"),
    ({"organization": "No Such Studio"}, "organization"),
])
def test_bad_user_input_is_refused_at_the_field(client, db, login_as, changes, field):
    login_as("admin")
    page = text(post_form(client, "/admin/users/new", {**NEW_USER, **changes}))
    assert field_error(page, field), page
    assert "kenji@tnc.example" not in users_in_database(db)


def test_deactivating_a_user_ends_their_session_and_refuses_sign_in(app, client, db, login_as,
                                                                   make_user):
    kenji = make_user("staff", email="kenji@crm.example", name="Kenji")
    kenji_browser, response = sign_in(app, "kenji@crm.example", PASSWORD)
    assert kenji_browser.get("/organizations").status_code == 200

    login_as("admin")
    response = post_form(client, f"/admin/users/{kenji.id}/edit",
                         {"name": "Kenji", "email": "kenji@crm.example", "role": "staff",
                          "organization_id": "", "password": "", "version": "1"})
    assert response.status_code == 302
    assert users_in_database(db)["kenji@crm.example"].active is False
    assert kenji_browser.get("/organizations").status_code == 302
    _browser, again = sign_in(app, "kenji@crm.example", PASSWORD)
    assert again.status_code == 200 and "disabled" in text(again)


def test_new_password_from_admin_signs_the_user_out(app, client, db, login_as, make_user):
    kenji = make_user("staff", email="kenji@crm.example", name="Kenji")
    kenji_browser, _response = sign_in(app, "kenji@crm.example", PASSWORD)
    login_as("admin")
    response = post_form(client, f"/admin/users/{kenji.id}/edit",
                         {"name": "Kenji", "email": "kenji@crm.example", "role": "staff",
                          "password": "another long password", "active": "y", "version": "1"})
    assert response.status_code == 302
    assert kenji_browser.get("/organizations").status_code == 302
    assert sign_in(app, "kenji@crm.example", PASSWORD)[1].status_code == 200
    assert sign_in(app, "kenji@crm.example", "another long password")[1].status_code == 302
    db.session.rollback()
    change = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert change.changes["password"] == ["(changed)", "(changed)"]
    assert "scrypt" not in str(change.changes)


def test_editing_a_user_keeps_the_password_when_left_empty(app, client, db, login_as, make_user):
    kenji = make_user("staff", email="kenji@crm.example", name="Kenji")
    login_as("admin")
    response = post_form(client, f"/admin/users/{kenji.id}/edit",
                         {"name": "Kenji Sato", "email": "kenji@crm.example", "role": "executive",
                          "password": "", "active": "y", "version": "1"})
    assert response.status_code == 302
    user = users_in_database(db)["kenji@crm.example"]
    assert (user.name, user.role) == ("Kenji Sato", Role.EXECUTIVE)
    assert sign_in(app, "kenji@crm.example", PASSWORD)[1].status_code == 302


def test_stale_user_edit_is_refused(client, db, login_as, make_user):
    kenji = make_user("staff", email="kenji@crm.example", name="Kenji")
    kenji.name = "Kenji S."
    db.session.commit()
    login_as("admin")
    page = text(post_form(client, f"/admin/users/{kenji.id}/edit",
                          {"name": "Kenji Sato", "email": "kenji@crm.example", "role": "admin",
                           "active": "y", "version": "1"}))
    assert "Someone else changed this record" in page
    user = users_in_database(db)["kenji@crm.example"]
    assert (user.name, user.role) == ("Kenji S.", Role.STAFF)


def test_archive_page_lists_and_restores_every_kind(client, db, login_as, make_person, make_event):
    person = make_person()
    event = make_event()
    for obj in (person, event):
        obj.archived_at = sa.func.now()
    db.session.commit()
    login_as("admin")
    page = text(client.get("/admin/archive"))
    assert "Shozo Ichiyama" in page and "Festival de Cannes 2018" in page
    assert post_form(client, f"/admin/archive/people/{person.id}/restore", {},
                     page="/admin/archive").status_code == 302
    assert client.get(f"/people/{person.id}").status_code == 200
    assert client.get(f"/events/{event.id}").status_code == 404
    db.session.rollback()
    assert db.session.get(Person, person.id).archived_at is None
    assert db.session.scalars(sa.select(Event)).all() == []


def _archive_people(db, count: int) -> list[Person]:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    people = [Person(full_name=f"Archived person {n:03d}", role=PersonRole.PRODUCER,
                     archived_at=start + timedelta(minutes=n)) for n in range(count)]
    db.session.add_all(people)
    db.session.commit()
    return people


def test_the_archive_shows_the_latest_of_each_kind_and_pages_through_one(
        client, db, login_as, count_queries):
    people = _archive_people(db, 61)
    login_as("admin")
    with count_queries() as few:
        overview = text(client.get("/admin/archive"))
    # the ten most recently archived, the kind's count, a link to them all
    assert "Archived person 060" in overview and "Archived person 051" in overview
    assert "Archived person 050" not in overview
    assert "All 61 archived" in overview
    _archive_people(db, 5)  # more archived rows: the same statements
    with count_queries() as more:
        client.get("/admin/archive")
    assert more.n == few.n
    first = text(client.get("/admin/archive?kind=people"))
    assert "Archived person 060" in first and "Archived person 011" in first
    assert "Archived person 010" not in first
    second = text(client.get("/admin/archive?kind=people&page=2"))
    assert "Archived person 010" in second and ">Events <span" not in second
    # restoring from a page of one kind comes back to it
    page_two = "/admin/archive?kind=people&page=2"
    response = post_form(client, f"/admin/archive/people/{people[5].id}/restore",
                         {"next": page_two}, page=page_two)
    assert response.status_code == 302
    assert response.location.endswith(page_two)
    assert client.get("/admin/archive?kind=users").status_code == 404


def test_restore_of_unknown_kind_or_row_is_404(client, login_as, make_person):
    person = make_person()
    login_as("admin")
    assert post_form(client, f"/admin/archive/users/{person.id}/restore", {},
                     page="/admin/archive").status_code == 404
    assert post_form(client, "/admin/archive/people/424242/restore", {},
                     page="/admin/archive").status_code == 404


def test_staff_cannot_restore(client, db, login_as, make_person):
    person = make_person()
    person.archived_at = sa.func.now()
    db.session.commit()
    login_as("staff")
    response = post_form(client, f"/admin/archive/people/{person.id}/restore", {},
                         page="/organizations")
    assert response.status_code == 403
    db.session.rollback()
    assert db.session.scalars(sa.select(Person)).all() == []


def test_the_last_active_administrator_cannot_demote_or_disable_themselves(client, db, login_as):
    from crm.models import Role, User
    admin = login_as("admin")
    page = client.get(f"/admin/users/{admin.id}/edit").get_data(as_text=True)
    from tests.conftest import csrf_token_from
    response = client.post(f"/admin/users/{admin.id}/edit", data={
        "email": admin.email, "name": admin.name, "role": "staff", "organization_id": "",
        "password": "", "version": str(admin.version), "csrf_token": csrf_token_from(page)})
    assert "last active administrator" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(User, admin.id).role == Role.ADMIN


def test_a_user_made_inactive_by_any_path_loses_their_session(client, db, login_as):
    from crm.models import User
    user = login_as("staff")
    assert client.get("/organizations").status_code == 200
    db.session.get(User, user.id).active = False  # not through the admin page
    db.session.commit()
    assert client.get("/organizations").status_code == 302
