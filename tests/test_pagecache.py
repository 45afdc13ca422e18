"""Pages kept by a worker (crm.pagecache) are served again only while nothing changed.

Every other test in the suite runs with the cache on too, so each of them that changes
something and then reads a page checks that the change shows; these tests name the cases
that matter on purpose, and check that a kept page is cheaper and still safe to use.
"""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from crm.extensions import db
from crm.models import Organization, PartyRole, Project, Role
from crm.pagecache import PageCache, current_data_version
from tests.conftest import PASSWORD, csrf_token_from, post_form, recorded_statements, stage

pytestmark = pytest.mark.usefixtures("fresh_cache")


@pytest.fixture
def fresh_cache(app):
    app.extensions["crm_page_cache"].clear()
    yield
    app.extensions["crm_page_cache"].clear()


def version() -> int:
    db.session.rollback()  # a new transaction sees the latest commit
    return current_data_version()


@pytest.fixture
def deal(make_project, make_organization):
    kazakhfilm = make_organization()
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    project = make_project(title="The Horse Thieves",
                           parties=[(kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60),
                                    (tokyo, PartyRole.MINORITY_COPRODUCER, 40)])
    return project, kazakhfilm, tokyo


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def selects(seen: list[str]) -> list[str]:
    return [s for s in seen if s.lstrip().upper().startswith("SELECT")]


@pytest.fixture
def staff(client, login_as):
    """A signed-in staff member who has seen the welcome message (a page with a flashed
    message is never kept)."""
    user = login_as("staff")
    page(client, "/")
    return user


def assert_kept(app, client, url: str) -> str:
    """View `url` twice; the second view must come from the cache."""
    page(client, url)
    with recorded_statements() as seen:
        html = page(client, url)
    assert len(selects(seen)) == 1, f"{url} was rendered again: {len(selects(seen))} queries"
    return html


# --- the data version ------------------------------------------------------------------

def test_each_committed_write_moves_the_version_once_and_reads_do_not(app, make_organization):
    before = version()
    make_organization()  # one commit with several INSERTs
    assert version() == before + 1
    db.session.scalars(sa.select(Organization)).all()
    db.session.commit()
    assert version() == before + 1


def test_a_rolled_back_write_leaves_the_version(make_organization):
    org = make_organization()
    before = version()
    org.name = "Not saved"
    db.session.flush()
    db.session.rollback()
    assert version() == before


def test_a_write_outside_the_orm_moves_the_version(app):
    before = version()
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE pipeline_stages SET name = name")
    assert version() == before + 1


# --- serving ---------------------------------------------------------------------------

def test_a_second_view_is_served_without_rendering(app, client, staff, deal):
    project, *_ = deal
    url = f"/projects/{project.id}"
    first = page(client, url)
    with recorded_statements() as seen:
        second = page(client, url)
    # one statement: the signed-in user with the data version; nothing about the project
    [statement] = selects(seen)
    assert "FROM users" in statement and "crm_data_version" in statement
    assert re.sub(r'value="[^"]*"', "", first) == re.sub(r'value="[^"]*"', "", second)
    assert "東京ニューシネマ" in second


@pytest.mark.parametrize("change", ["edit", "rename party", "meeting", "move", "raw sql",
                                    "memorandum"])
def test_any_change_shows_on_the_next_view(app, client, staff, deal, change, make_meeting,
                                           make_memorandum):
    project, kazakhfilm, tokyo = deal
    url = f"/projects/{project.id}"
    assert "Tokyo New Cinema" in assert_kept(app, client, url)
    if change == "edit":
        project.logline = "Two boys and a stolen herd"
        expected = "Two boys and a stolen herd"
    elif change == "rename party":
        tokyo.name = "Tokyo New Cinema Inc."
        expected = "Tokyo New Cinema Inc."
    elif change == "meeting":
        meeting = make_meeting(summary="Signed at the pavilion")
        meeting.projects.append(project)
        expected = "Signed at the pavilion"
    elif change == "move":
        response = post_form(client, f"/projects/{project.id}/move",
                             {"stage_id": stage("negotiating").id, "version": project.version,
                              "note": "Terms agreed"}, page=url)
        assert response.status_code == 302
        expected = "Terms agreed"
    elif change == "raw sql":
        db.session.execute(sa.text("UPDATE projects SET title = 'Ulan' WHERE id = :id"),
                           {"id": project.id})
        expected = "Ulan"
    else:
        make_memorandum(project=project, reference="MOU-2018-KZ-JP")
        expected = "MOU-2018-KZ-JP"
    db.session.commit()
    assert expected in page(client, url)


def test_pages_are_kept_per_user(client, login, make_user, deal):
    project, kazakhfilm, tokyo = deal
    staff = make_user(Role.STAFF, name="Aigerim Staff")
    outsider_org = Organization(name="Elsewhere Films", kind=kazakhfilm.kind, country="FR")
    db.session.add(outsider_org)
    db.session.commit()
    outsider = make_user(Role.EXECUTIVE, name="Other Exec", organization_id=outsider_org.id)
    party_exec = make_user(Role.EXECUTIVE, name="Tokyo Exec", organization_id=tokyo.id)
    url = f"/projects/{project.id}"

    login(staff)
    staff_page = page(client, url)
    assert "Aigerim Staff" in staff_page and f"/projects/{project.id}/edit" in staff_page
    client.post("/logout", data={"csrf_token": csrf_token_from(staff_page)})

    login(outsider)
    assert client.get(url).status_code == 404  # not the staff member's kept page
    client.post("/logout", data={"csrf_token": csrf_token_from(page(client, "/"))})

    login(party_exec)
    exec_page = page(client, url)
    assert "Tokyo Exec" in exec_page and "Aigerim Staff" not in exec_page
    assert f"/projects/{project.id}/edit" not in exec_page  # executives do not edit


def test_a_kept_page_carries_this_sessions_form_token(app, make_user, deal):
    """Two devices of one user: the second gets the kept page, and its move form works."""
    project, *_ = deal
    user = make_user(Role.STAFF)
    url = f"/projects/{project.id}"
    phone, laptop = app.test_client(), app.test_client()
    for device in (phone, laptop):
        assert post_form(device, "/login", {"email": user.email, "password": PASSWORD}).status_code == 302
        page(device, "/")  # the welcome message is shown (flashes are never kept)
    phone_token = csrf_token_from(page(phone, url))
    with recorded_statements() as seen:
        laptop_html = page(laptop, url)
    assert len(selects(seen)) == 1, "the laptop got the page the phone's visit left"
    laptop_token = csrf_token_from(laptop_html)
    assert laptop_token != phone_token
    response = laptop.post(f"/projects/{project.id}/move",
                           data={"csrf_token": laptop_token, "stage_id": stage("development").id,
                                 "version": project.version})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Project, project.id).stage.key == "development"


def test_a_flashed_message_shows_once(app, client, staff, deal):
    project, *_ = deal
    url = f"/projects/{project.id}"
    assert_kept(app, client, url)
    response = post_form(client, f"/projects/{project.id}/move",
                         {"stage_id": stage("development").id, "version": project.version},
                         page=url)
    assert response.status_code == 302
    with_message = page(client, url)
    assert "moved to Development" in with_message
    assert "moved to Development" not in assert_kept(app, client, url)


def test_kept_pages_expire(app, client, staff, deal):
    project, *_ = deal
    url = f"/projects/{project.id}"
    cache = app.extensions["crm_page_cache"]
    cache.seconds = 0
    try:
        page(client, url)
        with recorded_statements() as seen:
            page(client, url)
        assert len(selects(seen)) > 1  # rendered again
    finally:
        cache.seconds = app.config["CRM_PAGE_CACHE_SECONDS"]


def test_error_pages_are_not_kept(app, client, staff):
    assert client.get("/projects/999999").status_code == 404
    assert client.get("/projects/999999").status_code == 404
    assert all(key[1] != "/projects/999999?" for key in app.extensions["crm_page_cache"].entries)


# --- the store -------------------------------------------------------------------------

def test_the_store_is_bounded_and_forgets_the_least_recently_used():
    cache = PageCache(max_bytes=1000, seconds=60)
    for n in range(5):
        cache.put(("p", n), 1, b"x" * 240, False) if cache.get(("p", n), 1) is None else None
    assert cache.size <= 1000
    assert cache.get(("p", 0), 1) is None and cache.get(("p", 4), 1) is not None
    cache.put(("big",), 1, b"x" * 400, False)  # over a quarter of the budget: not kept
    assert cache.get(("big",), 1) is None


def test_the_store_forgets_everything_when_the_version_changes():
    cache = PageCache(max_bytes=10_000, seconds=60)
    assert cache.get(("p",), 7) is None
    cache.put(("p",), 7, b"<p>seven</p>", False)
    assert cache.get(("p",), 7) == (b"<p>seven</p>", False)
    assert cache.get(("p",), 8) is None
    cache.put(("p",), 7, b"<p>late render of old data</p>", False)  # refused: 8 is current
    assert cache.get(("p",), 7) is None  # and seeing 7 again (a swapped file) clears too
    assert cache.size == 0


def test_the_cache_can_be_turned_off(app, client, staff, deal, page_cache_off):
    project, *_ = deal
    url = f"/projects/{project.id}"
    page(client, url)
    with recorded_statements() as seen:
        page(client, url)
    assert len(selects(seen)) > 1
