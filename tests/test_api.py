"""The JSON API v1: tokens, every collection's CRUD through the same services as the pages,
field-level errors, each error status as problem+json, executive scoping, If-Match, the
OpenAPI document and the docs page."""
from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.demo import seed_demo
from crm.models import (ApiToken, Event, Meeting, Memorandum, Organization, PartyRole, Person,
                        Project, Role, StageChange, User)
from tests.conftest import post_form

API = "/api/v1"
PROBLEM = "application/problem+json"


@pytest.fixture
def admin(make_user, api_headers):
    return api_headers(make_user(Role.ADMIN))


@pytest.fixture
def staff(make_user, api_headers):
    return api_headers(make_user(Role.STAFF))


@pytest.fixture
def demo(db):
    seed_demo()
    db.session.commit()


def user_by_email(db, email: str) -> User:
    return db.session.scalars(sa.select(User).where(User.email == email)).one()


def archived_at(db, model, ident: int):
    return db.session.scalar(sa.select(model.archived_at).where(model.id == ident)
                             .execution_options(include_archived=True))


def project_id(db, title: str) -> int:
    return db.session.scalar(sa.select(Project.id).where(Project.title == title))


def assert_problem(response, status: int, *fields: str) -> dict:
    """The response is a problem document with this status (and these fields in errors)."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    for field in fields:
        assert field in body.get("errors", {}), body
    return body


# --- tokens -----------------------------------------------------------------------------

def test_create_token_command_prints_a_working_token_stored_only_as_its_hash(
        app, client, db, make_user):
    user = make_user(Role.STAFF, email="dana@crm.example")
    result = app.test_cli_runner().invoke(args=["crm", "create-token", "DANA@crm.example"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip()
    assert secret.startswith("crm_") and len(secret) > 40
    token = db.session.scalars(sa.select(ApiToken)).one()
    assert token.user_id == user.id
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    assert secret not in json.dumps([str(v) for v in db.session.execute(
        sa.select(ApiToken.__table__)).one()])

    response = client.get(f"{API}/stages", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(ApiToken, token.id).last_used_at is not None


def test_create_token_command_refuses_an_unknown_email(app, db):
    result = app.test_cli_runner().invoke(args=["crm", "create-token", "nobody@crm.example"])
    assert result.exit_code != 0
    assert "no user" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ApiToken)) == 0


def test_account_page_creates_a_token_shown_once_and_revokes_it(client, db, login_as):
    user = login_as(Role.EXECUTIVE)
    response = post_form(client, "/account/tokens", {"name": "Festival office sheet"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    token = db.session.scalars(sa.select(ApiToken)).one()
    secret = page.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert token.user_id == user.id and token.name == "Festival office sheet"
    assert hashlib.sha256(secret.encode()).hexdigest() == token.token_hash
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(f"{API}/projects", headers=headers).status_code == 200

    again = client.get("/account/tokens").get_data(as_text=True)
    assert secret not in again and token.prefix in again  # shown once; the start stays

    response = post_form(client, f"/account/tokens/{token.id}/revoke", {},
                         page="/account/tokens")
    assert response.status_code == 302
    assert client.get(f"{API}/projects", headers=headers).status_code == 401
    assert "revoked" in client.get("/account/tokens").get_data(as_text=True)


def test_account_page_needs_a_name_and_cannot_revoke_someone_elses_token(
        client, db, login_as, make_user, api_headers):
    other = make_user(Role.STAFF)
    api_headers(other)
    login_as(Role.STAFF)
    response = post_form(client, "/account/tokens", {"name": ""})
    assert response.status_code == 200 and 'id="new-token"' not in response.get_data(as_text=True)
    theirs = db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == other.id)).one()
    response = post_form(client, f"/account/tokens/{theirs.id}/revoke", {},
                         page="/account/tokens")
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(ApiToken, theirs.id).revoked_at is None


def test_a_deactivated_users_token_stops_working(client, db, make_user, api_headers):
    user = make_user(Role.STAFF)
    headers = api_headers(user)
    assert client.get(f"{API}/stages", headers=headers).status_code == 200
    user.active = False
    db.session.commit()
    body = assert_problem(client.get(f"{API}/stages", headers=headers), 401)
    assert "not valid" in body["detail"]


# --- authentication: bearer only, stateless ----------------------------------------------

def test_no_token_is_401_with_www_authenticate(client):
    response = client.get(f"{API}/organizations")
    assert_problem(response, 401)
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    response = client.get(f"{API}/organizations", headers={"Authorization": "Bearer crm_nope"})
    assert_problem(response, 401)
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_the_session_cookie_alone_does_not_authenticate(client, login_as):
    login_as(Role.ADMIN)
    assert client.get("/organizations").status_code == 200  # the pages know the session
    assert_problem(client.get(f"{API}/organizations"), 401)
    # ...and a cookie-borne POST is not a CSRF hole either: it is simply unauthenticated.
    response = client.post(f"{API}/organizations", json={"name": "X", "kind": "studio"})
    assert_problem(response, 401)


def test_api_responses_never_set_a_cookie(client, login_as, make_user, api_headers):
    login_as(Role.STAFF)  # the client also carries a session cookie
    headers = api_headers(make_user(Role.STAFF))
    responses = [
        client.get(f"{API}/organizations", headers=headers),
        client.post(f"{API}/organizations", headers=headers,
                    json={"name": "Kazakhfilm", "kind": "studio"}),
        client.get(f"{API}/organizations"),
        client.get(f"{API}/no-such-thing", headers=headers),
        client.get(f"{API}/openapi.json"),
    ]
    assert [r.status_code for r in responses] == [200, 201, 401, 404, 200]
    for response in responses:
        assert "Set-Cookie" not in response.headers, response.request.path


# --- organizations ----------------------------------------------------------------------

KAZAKH_NAME = "Шәкен Айманов атындағы «Қазақфильм»"


def test_organization_crud_keeps_local_names_exactly(client, db, admin, staff):
    new = {"name": "Kazakhfilm", "local_name": KAZAKH_NAME, "kind": "studio", "country": "kz",
           "city": "Almaty", "aliases": ["Kazakfilm", "Казахфильм"]}
    refused = client.post(f"{API}/organizations", headers=staff, json=new)
    assert refused.get_json()["errors"]["country"] == ["Write the code in capitals: KZ."]
    response = client.post(f"{API}/organizations", headers=staff, json={**new, "country": "KZ"})
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"] == f"{API}/organizations/{created['id']}"
    assert response.headers["ETag"] == f'"{created["version"]}"'
    assert created["local_name"] == KAZAKH_NAME and created["country"] == "KZ"

    read = client.get(response.headers["Location"], headers=admin).get_json()
    assert read["local_name"] == KAZAKH_NAME
    assert read["aliases"] == ["Kazakfilm", "Казахфильм"]
    assert set(read) >= {"id", "version", "name", "local_name", "kind", "country", "city",
                         "website", "aliases", "notes", "created_at", "updated_at"}
    assert datetime.fromisoformat(read["created_at"]).tzinfo is not None

    listed = client.get(f"{API}/organizations", query_string={"q": "казахфильм"},
                        headers=admin).get_json()
    assert [o["id"] for o in listed["items"]] == [created["id"]]
    assert (listed["page"], listed["per_page"], listed["total"]) == (1, 50, 1)

    response = client.patch(f"{API}/organizations/{created['id']}", headers={
        **staff, "If-Match": f'"{created["version"]}"'}, json={"city": "Алматы", "aliases": []})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["city"] == "Алматы" and response.get_json()["aliases"] == []
    assert response.get_json()["version"] == created["version"] + 1

    assert client.delete(f"{API}/organizations/{created['id']}", headers=staff).status_code == 204
    assert_problem(client.get(f"{API}/organizations/{created['id']}", headers=admin), 404)
    assert client.get(f"{API}/organizations", headers=admin).get_json()["total"] == 0
    assert_problem(client.post(f"{API}/organizations/{created['id']}/restore", headers=staff), 403)
    response = client.post(f"{API}/organizations/{created['id']}/restore", headers=admin)
    assert response.status_code == 200
    assert client.get(f"{API}/organizations/{created['id']}", headers=admin).status_code == 200


def test_organization_list_pages_and_filters(client, make_organization, admin):
    for n in range(5):
        make_organization(name=f"Studio {n}", country="KZ" if n % 2 else "JP")
    body = client.get(f"{API}/organizations", query_string={"per_page": 2, "page": 2},
                      headers=admin).get_json()
    assert (body["page"], body["per_page"], body["total"]) == (2, 2, 5)
    assert [o["name"] for o in body["items"]] == ["Studio 2", "Studio 3"]
    body = client.get(f"{API}/organizations", query_string={"country": "KZ"},
                      headers=admin).get_json()
    assert [o["name"] for o in body["items"]] == ["Studio 1", "Studio 3"]
    for odd in ("kz", ""):  # a filter takes what the document lists, nothing else
        assert_problem(client.get(f"{API}/organizations", query_string={"country": odd},
                                  headers=admin), 422, "country")
    assert_problem(client.get(f"{API}/organizations", query_string={"per_page": 201},
                              headers=admin), 422, "per_page")


def test_schema_errors_name_each_field(client, staff):
    response = client.post(f"{API}/organizations", headers=staff, json={
        "kind": "castle", "website": "not a url", "aliases": ["ok", "x" * 201], "colour": "red"})
    body = assert_problem(response, 422, "name", "kind", "website", "aliases.1", "colour")
    assert body["errors"]["name"] == ["Missing data for required field."]


def test_service_rules_are_the_pages_rules(client, staff):
    response = client.post(f"{API}/organizations", headers=staff,
                           json={"name": "   ", "kind": "studio", "country": "XX"})
    body = assert_problem(response, 422, "name", "country")
    assert body["errors"]["country"] == ["Unknown country code."]


# --- people and events ------------------------------------------------------------------

def test_person_crud(client, db, make_organization, staff, admin):
    org = make_organization()
    response = client.post(f"{API}/people", headers=staff, json={
        "full_name": "Yerlan Nurmukhambetov", "local_name": "Ерлан Нұрмұхамбетов",
        "role": "director", "organization_id": org.id, "country": "KZ",
        "email": "yerlan@example.kz"})
    assert response.status_code == 201, response.get_json()
    person = response.get_json()
    assert person["organization_id"] == org.id and person["local_name"] == "Ерлан Нұрмұхамбетов"
    assert_problem(client.post(f"{API}/people", headers=staff, json={
        "full_name": "X", "role": "director", "email": "not-an-email",
        "organization_id": 999999}), 422, "email")
    assert_problem(client.post(f"{API}/people", headers=staff, json={
        "full_name": "X", "role": "director", "organization_id": 999999}), 422,
        "organization_id")
    response = client.patch(f"{API}/people/{person['id']}", headers=staff,
                            json={"version": person["version"], "position": "Director"})
    assert response.status_code == 200 and response.get_json()["position"] == "Director"
    listed = client.get(f"{API}/people", query_string={"organization_id": org.id},
                        headers=admin).get_json()
    assert [p["id"] for p in listed["items"]] == [person["id"]]
    assert client.delete(f"{API}/people/{person['id']}", headers=staff).status_code == 204
    assert archived_at(db, Person, person["id"]) is not None


def test_event_crud_and_a_duplicate_edition_is_409(client, db, staff):
    data = {"name": "Almaty Film Festival", "edition": 2018, "city": "Almaty", "country": "KZ",
            "start_date": "2018-09-15", "end_date": "2018-09-19"}
    response = client.post(f"{API}/events", headers=staff, json=data)
    assert response.status_code == 201, response.get_json()
    event = response.get_json()
    assert event["start_date"] == "2018-09-15"
    body = assert_problem(client.post(f"{API}/events", headers=staff, json=data), 409, "edition")
    assert "already recorded" in body["errors"]["edition"][0]
    assert_problem(client.patch(f"{API}/events/{event['id']}", headers=staff, json={
        "version": event["version"], "end_date": "2018-09-01"}), 422, "end_date")
    response = client.patch(f"{API}/events/{event['id']}", headers=staff, json={
        "version": event["version"], "venue": "Arman cinema"})
    assert response.status_code == 200 and response.get_json()["venue"] == "Arman cinema"
    assert client.delete(f"{API}/events/{event['id']}", headers=staff).status_code == 204
    assert archived_at(db, Event, event["id"]) is not None


# --- projects ---------------------------------------------------------------------------

def test_project_with_two_parties_is_created_and_moved_with_a_note_in_its_history(
        client, db, make_organization, make_person, admin):
    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    director = make_person(full_name="Yerlan Nurmukhambetov")
    response = client.post(f"{API}/projects", headers=admin, json={
        "title": "The Horse Thieves", "original_title": "Жылқы ұрылары", "format": "feature",
        "budget_amount": "1500000.50", "budget_currency": "USD",
        "parties": [
            {"organization_id": kazakhfilm.id, "role": "majority_coproducer",
             "share_percent": "60"},
            {"organization_id": tnc.id, "role": "minority_coproducer", "share_percent": "40"}],
        "people": [{"person_id": director.id, "role": "director"}]})
    assert response.status_code == 201, response.get_json()
    project = response.get_json()
    assert project["stage"] == "lead"
    assert project["budget_amount"] == "1500000.50" and project["budget_currency"] == "USD"
    assert project["parties"] == [
        {"organization_id": kazakhfilm.id, "role": "majority_coproducer", "share_percent": "60.00"},
        {"organization_id": tnc.id, "role": "minority_coproducer", "share_percent": "40.00"}]
    assert project["people"] == [{"person_id": director.id, "role": "director"}]
    assert [h["to_stage"] for h in project["stage_history"]] == ["lead"]

    response = client.post(f"{API}/projects/{project['id']}/stage", headers=admin, json={
        "stage": "development", "note": "Script approved by both studios"})
    assert response.status_code == 200, response.get_json()
    moved = response.get_json()
    assert moved["stage"] == "development"
    latest = moved["stage_history"][0]
    assert (latest["from_stage"], latest["to_stage"], latest["note"]) == (
        "lead", "development", "Script approved by both studios")
    assert latest["changed_by_id"] is not None
    change = db.session.scalars(sa.select(StageChange).where(
        StageChange.project_id == project["id"], StageChange.note.is_not(None),
        StageChange.from_stage_id.is_not(None))).one()
    assert change.to_stage.key == "development"
    assert_problem(client.post(f"{API}/projects/{project['id']}/stage", headers=admin,
                               json={"stage": "nowhere"}), 422, "stage")


def test_the_stage_note_shows_on_the_projects_page(client, make_project, login_as, api_headers):
    project = make_project()
    user = login_as(Role.STAFF)
    response = client.post(f"{API}/projects/{project.id}/stage", headers=api_headers(user),
                           json={"stage": "development", "note": "Script approved"})
    assert response.status_code == 200
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Script approved" in page and "Development" in page


def test_project_patch_replaces_parties_under_the_same_share_rules(
        client, db, make_project, make_organization, staff):
    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    project = make_project(parties=[(kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60),
                                    (tnc, PartyRole.MINORITY_COPRODUCER, 40)])
    url = f"{API}/projects/{project.id}"
    version = client.get(url, headers=staff).get_json()["version"]
    body = assert_problem(client.patch(url, headers={**staff, "If-Match": f'"{version}"'}, json={
        "parties": [{"organization_id": kazakhfilm.id, "role": "majority_coproducer",
                     "share_percent": "70"},
                    {"organization_id": tnc.id, "role": "minority_coproducer",
                     "share_percent": "40"}]}), 422, "parties")
    assert "110" in body["errors"]["parties"][0]
    assert_problem(client.patch(url, headers={**staff, "If-Match": f'"{version}"'},
                                json={"stage": "development"}), 422, "stage")
    response = client.patch(url, headers={**staff, "If-Match": f'"{version}"'}, json={
        "next_step": "Sign the co-production agreement", "next_step_due": "2018-12-01",
        "parties": [{"organization_id": kazakhfilm.id, "role": "majority_coproducer",
                     "share_percent": "69.5"},
                    {"organization_id": tnc.id, "role": "minority_coproducer",
                     "share_percent": "30.5"}]})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert [p["share_percent"] for p in changed["parties"]] == ["69.50", "30.50"]
    assert changed["next_step_due"] == "2018-12-01" and changed["title"] == "The Horse Thieves"
    assert changed["stage"] == "lead"


def test_a_share_of_150_is_a_422_naming_the_field(client, db, make_organization, staff):
    org = make_organization()
    response = client.post(f"{API}/projects", headers=staff, json={
        "title": "The Composer", "format": "feature",
        "parties": [{"organization_id": org.id, "role": "coproducer", "share_percent": "150"}]})
    body = assert_problem(response, 422, "parties.0.share_percent")
    assert body["errors"]["parties.0.share_percent"] == ["A share is above 0 and at most 100."]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0

    response = client.post(f"{API}/projects", headers=staff, json={
        "title": "The Composer", "format": "feature",
        "parties": [{"organization_id": org.id, "share_percent": "12.345"}]})
    body = assert_problem(response, 422, "parties.0.role", "parties.0.share_percent")
    assert body["errors"]["parties.0.share_percent"] == ["At most 2 decimal places."]


def test_project_list_filters_by_stage_and_organization(client, make_project, make_organization,
                                                         admin):
    org = make_organization()
    make_project(title="A", stage_key="lead", parties=[(org, PartyRole.COPRODUCER, 50)])
    make_project(title="B", stage_key="development")
    body = client.get(f"{API}/projects", query_string={"stage": "development"},
                      headers=admin).get_json()
    assert [p["title"] for p in body["items"]] == ["B"]
    body = client.get(f"{API}/projects", query_string={"organization_id": org.id},
                      headers=admin).get_json()
    assert [p["title"] for p in body["items"]] == ["A"]
    assert body["items"][0]["parties"][0]["share_percent"] == "50.00"


def test_project_list_query_count_does_not_grow_with_the_page(
        client, make_project, make_organization, admin, count_queries):
    org = make_organization()

    def count():
        with count_queries() as counted:
            assert client.get(f"{API}/projects", headers=admin).status_code == 200
        return counted.n
    make_project(title="P0", parties=[(org, PartyRole.COPRODUCER, 10)])
    count()  # the token's first use is also recorded
    few = count()
    for n in range(1, 8):
        make_project(title=f"P{n}", parties=[(org, PartyRole.COPRODUCER, 10)])
    assert count() == few


# --- memoranda --------------------------------------------------------------------------

def test_memorandum_crud_workflow_and_duplicate_reference(client, db, make_organization,
                                                         make_project, staff, admin):
    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    project = make_project()
    response = client.post(f"{API}/memoranda", headers=staff, json={
        "reference": "mou-2018-001", "title": "Memorandum of cooperation", "kind": "memorandum",
        "project_id": project.id,
        "parties": [{"organization_id": kazakhfilm.id, "role": "Kazakh co-producer"},
                    {"organization_id": tnc.id, "signatory_person_id": None}],
        "terms": [{"heading": "Purpose", "text": "Co-produce “The Horse Thieves”."}]})
    assert response.status_code == 201, response.get_json()
    memo = response.get_json()
    assert memo["reference"] == "MOU-2018-001" and memo["status"] == "draft"
    assert memo["terms"] == [{"heading": "Purpose", "text": "Co-produce “The Horse Thieves”."}]
    assert [p["organization_id"] for p in memo["parties"]] == [kazakhfilm.id, tnc.id]

    body = assert_problem(client.post(f"{API}/memoranda", headers=staff, json={
        "reference": "MOU-2018-001", "title": "Again", "kind": "memorandum"}), 409, "reference")
    assert "already exists" in body["errors"]["reference"][0]
    assert_problem(client.post(f"{API}/memoranda", headers=staff, json={
        "title": "Elsewhere", "kind": "memorandum", "project_id": 987654}), 422, "project_id")

    headers = {**staff, "If-Match": f'"{memo["version"]}"'}
    assert_problem(client.patch(f"{API}/memoranda/{memo['id']}", headers=headers,
                                json={"status": "signed"}), 422, "signed_on")
    response = client.patch(f"{API}/memoranda/{memo['id']}", headers=headers,
                            json={"status": "signed", "signed_on": "2018-05-14"})
    assert response.status_code == 200, response.get_json()
    signed = response.get_json()
    assert signed["status"] == "signed"
    body = assert_problem(client.patch(f"{API}/memoranda/{memo['id']}", headers={
        **staff, "If-Match": f'"{signed["version"]}"'}, json={"status": "draft"}), 422, "status")
    assert "cannot go from" in body["errors"]["status"][0]

    without_reference = client.post(f"{API}/memoranda", headers=staff, json={
        "title": "Letter", "kind": "letter_of_intent"}).get_json()
    assert without_reference["reference"].startswith("MOU-")

    assert client.delete(f"{API}/memoranda/{memo['id']}", headers=staff).status_code == 204
    assert archived_at(db, Memorandum, memo["id"]) is not None
    assert client.post(f"{API}/memoranda/{memo['id']}/restore",
                       headers=admin).get_json()["status"] == "signed"


def test_pdfs(client, demo, db, admin, api_headers):
    memo_id = db.session.scalar(sa.select(Memorandum.id))
    response = client.get(f"{API}/memoranda/{memo_id}/summary.pdf", headers=admin)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF-")
    assert "attachment" in response.headers["Content-Disposition"]
    response = client.get(f"{API}/reports/pipeline.pdf", query_string={"country": "JP"},
                          headers=admin)
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert_problem(client.get(f"{API}/reports/pipeline.pdf", query_string={"status": "lost"},
                              headers=admin), 422, "status")


# --- meetings ---------------------------------------------------------------------------

def test_meeting_crud_with_links_and_follow_ups(client, db, make_organization, make_person,
                                                make_project, make_user, staff, admin):
    org = make_organization()
    person = make_person()
    project = make_project()
    owner = make_user(Role.STAFF)
    response = client.post(f"{API}/meetings", headers=staff, json={
        "occurred_at": "2017-05-20T11:00:00+02:00", "summary": "Met at the pavilion",
        "outcome": "positive", "organization_ids": [org.id], "person_ids": [person.id],
        "project_ids": [project.id], "location": "National Pavilion of Kazakhstan",
        "follow_ups": [{"description": "Send the script", "owner_id": owner.id,
                        "due_date": "2017-06-15"}]})
    assert response.status_code == 201, response.get_json()
    meeting = response.get_json()
    assert datetime.fromisoformat(meeting["occurred_at"]) == datetime(2017, 5, 20, 9, tzinfo=UTC)
    assert (meeting["organization_ids"], meeting["person_ids"], meeting["project_ids"]) == (
        [org.id], [person.id], [project.id])
    [follow_up] = meeting["follow_ups"]
    assert (follow_up["description"], follow_up["owner_id"], follow_up["done"]) == (
        "Send the script", owner.id, False)
    assert meeting["logged_by_id"] is not None

    assert_problem(client.post(f"{API}/meetings", headers=staff, json={
        "occurred_at": "2017-05-20T11:00:00", "summary": "naive time"}), 422, "occurred_at")
    assert_problem(client.post(f"{API}/meetings", headers=staff, json={
        "occurred_at": "2017-05-20T11:00:00Z", "summary": "x", "project_ids": [987654]}),
        422, "project_ids")

    response = client.patch(f"{API}/meetings/{meeting['id']}", headers=staff, json={
        "version": meeting["version"],
        "follow_ups": [{**{k: follow_up[k] for k in ("id", "description", "owner_id")},
                        "done": True}]})
    assert response.status_code == 200, response.get_json()
    changed = response.get_json()
    assert changed["summary"] == "Met at the pavilion"  # untouched fields stay
    assert changed["follow_ups"][0]["done"] is True and changed["follow_ups"][0]["done_at"]
    listed = client.get(f"{API}/meetings", query_string={"project_id": project.id},
                        headers=admin).get_json()
    assert [m["id"] for m in listed["items"]] == [meeting["id"]]
    assert client.delete(f"{API}/meetings/{meeting['id']}", headers=staff).status_code == 204
    assert archived_at(db, Meeting, meeting["id"]) is not None


def test_stages_are_listed_in_order_and_read_only(client, admin):
    body = client.get(f"{API}/stages", headers=admin).get_json()
    assert [s["key"] for s in body["items"]][:4] == ["lead", "contacted", "negotiating",
                                                     "mou_signed"]
    one = client.get(f"{API}/stages/{body['items'][0]['id']}", headers=admin).get_json()
    assert one["key"] == "lead"
    response = client.post(f"{API}/stages", headers=admin, json={"key": "x", "name": "X"})
    assert_problem(response, 405)
    assert "GET" in response.headers["Allow"]


# --- executive scoping ------------------------------------------------------------------

def test_an_executive_token_sees_only_its_organizations_deals(client, demo, db, api_headers):
    executive = api_headers(user_by_email(db, "executive@crm.example"))
    horse_thieves, composer = project_id(db, "The Horse Thieves"), project_id(db, "The Composer")

    response = client.get(f"{API}/projects/{horse_thieves}", headers=executive)
    assert response.status_code == 200 and response.get_json()["title"] == "The Horse Thieves"
    assert_problem(client.get(f"{API}/projects/{composer}", headers=executive), 404)
    titles = [p["title"] for p in client.get(f"{API}/projects", headers=executive)
              .get_json()["items"]]
    assert "The Horse Thieves" in titles and "The Composer" not in titles
    assert client.get(f"{API}/projects", query_string={"q": "composer"},
                      headers=executive).get_json()["total"] == 0

    memoranda = client.get(f"{API}/memoranda", headers=executive).get_json()
    assert [m["reference"] for m in memoranda["items"]] == ["MOU-2018-001"]
    meetings = client.get(f"{API}/meetings", headers=executive).get_json()["items"]
    assert meetings and all(composer not in m["project_ids"] for m in meetings)
    assert_problem(client.get(f"{API}/projects/{composer}/stage", headers=executive), 405)
    assert_problem(client.post(f"{API}/projects/{composer}/stage", headers=executive,
                               json={"stage": "lead"}), 404)


def test_an_executive_may_read_but_not_write(client, demo, db, api_headers):
    executive = api_headers(user_by_email(db, "executive@crm.example"))
    horse_thieves = client.get(f"{API}/projects/{project_id(db, 'The Horse Thieves')}",
                               headers=executive).get_json()
    assert_problem(client.post(f"{API}/organizations", headers=executive,
                               json={"name": "New studio", "kind": "studio"}), 403)
    assert_problem(client.patch(f"{API}/projects/{horse_thieves['id']}", headers={
        **executive, "If-Match": f'"{horse_thieves["version"]}"'}, json={"title": "X"}), 403)
    assert_problem(client.post(f"{API}/projects/{horse_thieves['id']}/stage",
                               headers=executive, json={"stage": "development"}), 403)
    assert_problem(client.delete(f"{API}/projects/{horse_thieves['id']}", headers=executive),
                   403)
    db.session.expire_all()
    assert db.session.get(Project, horse_thieves["id"]).title == "The Horse Thieves"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization).where(
        Organization.name == "New studio")) == 0


def test_an_executive_gets_404_for_the_summary_of_a_memorandum_it_may_not_see(
        client, demo, db, make_organization, make_memorandum, api_headers):
    other = make_organization(name="Somebody else")
    hidden = make_memorandum(reference="MOU-2018-099", parties=[other])
    executive = api_headers(user_by_email(db, "executive@crm.example"))
    assert_problem(client.get(f"{API}/memoranda/{hidden.id}/summary.pdf", headers=executive), 404)
    assert_problem(client.get(f"{API}/memoranda/{hidden.id}", headers=executive), 404)


# --- versions ---------------------------------------------------------------------------

def test_patch_needs_a_version_and_a_stale_one_changes_nothing(client, db, make_organization,
                                                               staff):
    org = make_organization(city="Almaty")
    url = f"{API}/organizations/{org.id}"
    body = assert_problem(client.patch(url, headers=staff, json={"city": "Astana"}), 428)
    assert "If-Match" in body["detail"]
    etag = client.get(url, headers=staff).headers["ETag"]
    assert client.patch(url, headers={**staff, "If-Match": etag},
                        json={"notes": "first"}).status_code == 200

    response = client.patch(url, headers={**staff, "If-Match": etag}, json={"city": "Astana"})
    assert_problem(response, 412)
    assert response.headers["ETag"] == '"2"'
    assert_problem(client.patch(url, headers=staff, json={"version": 1, "city": "Astana"}), 412)
    db.session.expire_all()
    assert db.session.get(Organization, org.id).city == "Almaty"
    response = client.patch(url, headers=staff, json={"version": 2, "city": "Astana"})
    assert response.status_code == 200 and response.get_json()["city"] == "Astana"
    assert_problem(client.delete(url, headers={**staff, "If-Match": '"1"'}), 412)
    assert client.delete(url, headers={**staff, "If-Match": '"3"'}).status_code == 204


# --- error statuses ---------------------------------------------------------------------

def test_unknown_urls_and_methods_under_the_api_are_problem_documents(client, staff):
    body = assert_problem(client.get(f"{API}/nothing/here", headers=staff), 404)
    assert body["type"].endswith("#problem-not-found")
    assert_problem(client.get(f"{API}/organizations/987654", headers=staff), 404)
    assert_problem(client.get(f"{API}/organizations/99999999999999999999", headers=staff), 404)
    assert_problem(client.put(f"{API}/organizations", headers=staff, json={}), 405)
    assert_problem(client.post(f"{API}/nothing", json={}), 404)  # not a CSRF error either
    assert_problem(client.post(f"{API}/organizations", headers={
        **staff, "Content-Type": "application/json"}, data="{not json"), 400)


def test_a_body_that_is_not_json_is_415(client, db, staff):
    response = client.post(f"{API}/organizations", headers=staff,
                           data={"name": "Kazakhfilm", "kind": "studio"})
    assert_problem(response, 415)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 0


def test_a_body_that_is_too_large_is_413(client, staff):
    response = client.post(f"{API}/organizations", headers=staff,
                           data=b'{"name": "' + b"x" * (1024 * 1024) + b'"}',
                           content_type="application/json")
    assert_problem(response, 413)


def test_exceeding_the_rate_limit_is_429(app, client, staff, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATELIMIT", "3 per minute")
    for _ in range(3):
        assert client.get(f"{API}/stages", headers=staff).status_code == 200
    response = client.get(f"{API}/stages", headers=staff)
    assert_problem(response, 429)
    assert "Retry-After" in response.headers


def test_the_rate_limit_is_counted_per_token(app, client, make_user, api_headers, monkeypatch):
    monkeypatch.setitem(app.config, "API_RATELIMIT", "2 per minute")
    first, second = api_headers(make_user(Role.STAFF)), api_headers(make_user(Role.STAFF))
    for _ in range(2):
        assert client.get(f"{API}/stages", headers=first).status_code == 200
    assert client.get(f"{API}/stages", headers=first).status_code == 429
    assert client.get(f"{API}/stages", headers=second).status_code == 200


def test_a_server_error_is_a_problem_document_and_nothing_is_saved(app, client, staff,
                                                                   monkeypatch):
    import crm.api.organizations as routes

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(routes, "find_organizations", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    body = assert_problem(client.get(f"{API}/organizations", headers=staff), 500)
    assert "boom" not in json.dumps(body)


# --- the document -----------------------------------------------------------------------

def test_the_openapi_document_is_valid_and_describes_every_route(app, client):
    from openapi_spec_validator import validate

    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    document = response.get_json()
    validate(document)
    assert document["openapi"].startswith("3.")
    assert document["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "bearerFormat": "crm_…",
        "description": document["components"]["securitySchemes"]["bearerAuth"]["description"]}
    assert document["security"] == [{"bearerAuth": []}]
    api_rules = {(rule.rule.replace("<int:id>", "{id}"), method)
                 for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
                 for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method.upper()) for path, item in document["paths"].items()
                  for method in item if method != "parameters"}
    assert documented == api_rules
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            assert {"401", "429"} <= set(operation["responses"]), (method, path)
            assert operation.get("summary"), (method, path)
            if method in ("post", "patch") and not path.endswith(("/restore", ".pdf")):
                assert "requestBody" in operation, (method, path)
            if method == "patch":
                assert {"412", "428", "422"} <= set(operation["responses"])
    schemas = document["components"]["schemas"]
    party = schemas["ProjectParty"]["properties"]
    assert party["share_percent"]["type"] == "string"
    assert set(schemas["Project"]["properties"]) >= {"id", "version", "stage", "parties",
                                                     "people", "stage_history"}
    assert set(schemas["Meeting"]["properties"]) >= {"organization_ids", "person_ids",
                                                     "project_ids", "follow_ups"}
    assert schemas["Problem"]["required"] == ["detail", "status", "title", "type"]


def test_the_docs_page_is_served_by_the_app_without_external_resources(client):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for text in ("Authorization: Bearer", "If-Match", "/api/v1/projects/{id}/stage",
                 "share_percent", 'id="problem-stale-version"', "problem+json"):
        assert text in page, text
    assert "http://" not in page and "https://" not in page and "//cdn" not in page


def test_decimal_budget_round_trips_exactly(client, db, staff):
    response = client.post(f"{API}/projects", headers=staff, json={
        "title": "Aika", "format": "feature", "budget_amount": "1234567890.10",
        "budget_currency": "KZT"})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["budget_amount"] == "1234567890.10"
    db.session.expire_all()
    assert db.session.scalars(sa.select(Project)).one().budget_amount == Decimal("1234567890.10")


def test_a_stage_key_that_does_not_exist_is_refused_on_create(client, staff):
    assert_problem(client.post(f"{API}/projects", headers=staff, json={
        "title": "X", "format": "feature", "stage": "nowhere"}), 422, "stage")
    response = client.post(f"{API}/projects", headers=staff, json={
        "title": "X", "format": "feature", "stage": "negotiating"})
    assert response.get_json()["stage"] == "negotiating"


def test_deleting_an_organization_a_live_deal_has_as_party_is_a_409_naming_the_deal(
        client, db, make_organization, make_project, staff, admin):
    """DELETE archives; an organization a deal that is not archived still counts on is
    refused with the reason (it would drop out of lists while the deal names it)."""
    from crm.models import PartyRole
    kazakhfilm = make_organization()
    project = make_project(parties=[(kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60)])
    url = f"{API}/organizations/{kazakhfilm.id}"
    headers = {**staff, "If-Match": f'"{kazakhfilm.version}"'}

    body = assert_problem(client.delete(url, headers=headers), 409)
    assert "The Horse Thieves" in body["detail"]
    assert client.get(url, headers=admin).status_code == 200  # still there

    client.delete(f"{API}/projects/{project.id}", headers={**staff, "If-Match": '"1"'})
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=admin).status_code == 404
