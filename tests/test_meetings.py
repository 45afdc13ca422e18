"""The fast meeting log: the form and its defaults, picking by type-ahead, inline creation,
validation, the list and its filters, visibility, follow-ups, and query counts."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from crm.models import (AuditEntry, FollowUp, Meeting, MeetingOutcome, Organization,
                        OrganizationKind, PartyRole, Person, PersonRole, utcnow)
from tests.conftest import post_form, recorded_statements


# --- helpers ---------------------------------------------------------------------------

def meeting_data(owner, **overrides) -> dict:
    """What the form sends when someone fills it in (a blank follow-up row included)."""
    data = {
        "occurred_at": "2018-05-14T10:00", "timezone": "Europe/Paris", "event_id": "",
        "location": "National Pavilion of Kazakhstan",
        "summary": "Talked about the next step for the co-production.", "outcome": "neutral",
        "follow_ups-0-description": "", "follow_ups-0-owner_id": str(owner.id),
        "follow_ups-0-due_date": "",
    }
    data.update(overrides)
    return data


def log(client, owner, **overrides):
    return post_form(client, "/meetings/new", meeting_data(owner, **overrides))


def count(db, model) -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).execution_options(
        include_archived=True))


def only_meeting(db) -> Meeting:
    db.session.expire_all()
    return db.session.scalars(sa.select(Meeting)).one()


def text(response) -> str:
    return response.get_data(as_text=True)


@pytest.fixture
def demo(make_organization, make_person, make_project, make_event):
    """The people, studios and projects of the Cannes meetings."""
    kazakhfilm = make_organization(aliases=["Kazakfilm", "Казахфильм"])
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                            kind=OrganizationKind.PRODUCTION_COMPANY, country="JP", city="Tokyo")
    ichiyama = make_person()
    takeba = make_person(full_name="Lisa Takeba", local_name="竹葉リサ", role=PersonRole.DIRECTOR)
    yerlan = make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов",
                         role=PersonRole.DIRECTOR, country="KZ")
    horse = make_project(parties=[(kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60),
                                  (tnc, PartyRole.MINORITY_COPRODUCER, 40)])
    composer = make_project(title="The Composer", parties=[(kazakhfilm, PartyRole.COPRODUCER, 50)])
    cannes = make_event()
    return {"kazakhfilm": kazakhfilm, "tnc": tnc, "ichiyama": ichiyama, "takeba": takeba,
            "yerlan": yerlan, "horse": horse, "composer": composer, "cannes": cannes}


# --- the form --------------------------------------------------------------------------

def test_form_has_a_visible_label_for_every_field_and_defaults_to_the_ongoing_event(
        client, login_as, make_event):
    today = utcnow().date()
    make_event(name="Old Market", edition=2001, start_date=date(2001, 3, 1), end_date=date(2001, 3, 5))
    ongoing = make_event(name="Festival de Cannes", edition=today.year,
                         start_date=today - timedelta(days=1), end_date=today + timedelta(days=3))
    later_started = make_event(name="Future Forum", edition=today.year, country="DE",
                               start_date=today + timedelta(days=20), end_date=today + timedelta(days=22))
    login_as("staff")

    response = client.get("/meetings/new")

    assert response.status_code == 200
    html = text(response)
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    controls = re.findall(r'<(?:input|select|textarea)\b(?![^>]*type="(?:hidden|submit)")[^>]*\bid="([^"]+)"', html)
    assert controls and set(controls) <= labelled, set(controls) - labelled
    for visible_label in ("People", "Organizations", "Projects", "Notes", "Outcome",
                          "Follow-up", "Owner", "Due", "Event", "When", "Time zone", "Where"):
        assert visible_label in html
    assert re.search(rf'<option[^>]*selected[^>]*value="{ongoing.id}"', html)
    assert not re.search(rf'<option[^>]*selected[^>]*value="{later_started.id}"', html)
    assert 'value="National Pavilion of Kazakhstan"' in html
    assert re.search(r'<option selected value="Europe/Paris">', html)
    paris_today = utcnow().astimezone(__import__("zoneinfo").ZoneInfo("Europe/Paris"))
    assert f'value="{paris_today:%Y-%m-%dT}' in html
    assert 'name="csrf_token"' in html
    assert '<script src="/static/meetings.js">' in html


def test_without_an_ongoing_event_the_most_recent_one_is_chosen(client, login_as, make_event):
    make_event(name="Festival de Cannes", edition=2017, start_date=date(2017, 5, 17),
               end_date=date(2017, 5, 28))
    almaty = make_event(name="Almaty Film Festival", edition=2018, country="KZ", city="Almaty",
                        start_date=date(2018, 9, 15), end_date=date(2018, 9, 19), venue=None)
    login_as("staff")

    html = text(client.get("/meetings/new"))

    assert re.search(rf'<option[^>]*selected[^>]*value="{almaty.id}"', html)
    assert re.search(r'<option selected value="Asia/Almaty">', html)


# --- logging ---------------------------------------------------------------------------

def test_a_logged_meeting_links_everyone_and_shows_in_the_list_and_on_its_page(
        client, db, login_as, demo):
    staff = login_as("staff")

    response = log(client, staff, event_id=str(demo["cannes"].id),
                   person_ids=[str(demo["ichiyama"].id), str(demo["takeba"].id)],
                   organization_ids=[str(demo["kazakhfilm"].id), str(demo["tnc"].id)],
                   project_ids=[str(demo["horse"].id)], outcome="positive",
                   summary="Met at the pavilion about “The Horse Thieves”.",
                   **{"follow_ups-0-description": "Send the script to Tokyo New Cinema",
                      "follow_ups-0-due_date": "2018-06-15"})

    meeting = only_meeting(db)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    assert {p.full_name for p in meeting.people} == {"Shozo Ichiyama", "Lisa Takeba"}
    assert {o.name for o in meeting.organizations} == {"Kazakhfilm", "Tokyo New Cinema"}
    assert [p.title for p in meeting.projects] == ["The Horse Thieves"]
    assert meeting.outcome == MeetingOutcome.POSITIVE
    assert meeting.event_id == demo["cannes"].id
    assert meeting.logged_by_id == staff.id
    # 10:00 in Cannes in May (CEST) is 08:00 UTC
    assert meeting.occurred_at == datetime(2018, 5, 14, 8, 0, tzinfo=UTC)
    [follow_up] = meeting.follow_ups
    assert (follow_up.description, follow_up.owner_id, follow_up.due_date, follow_up.done) == (
        "Send the script to Tokyo New Cinema", staff.id, date(2018, 6, 15), False)
    created = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "Meeting", AuditEntry.action == "create")).one()
    # who and what the meeting was about is in the trail from the start, not only on edits
    assert created.changes["person_ids"][1] == sorted([demo["ichiyama"].id, demo["takeba"].id])
    assert created.changes["organization_ids"][1] == sorted([demo["kazakhfilm"].id,
                                                             demo["tnc"].id])
    assert created.changes["project_ids"] == [None, [demo["horse"].id]]
    assert created.changes["follow_ups"][1][0]["description"] == "Send the script to Tokyo New Cinema"

    page = text(client.get(response.headers["Location"]))
    for shown in ("Shozo Ichiyama", "市山尚三", "Lisa Takeba", "竹葉リサ", "Kazakhfilm",
                  "Қазақфильм", "The Horse Thieves", "Send the script to Tokyo New Cinema",
                  "Positive", "14 May 2018, 10:00 CEST", staff.name):
        assert shown in page, shown

    listing = text(client.get("/meetings"))
    for shown in ("Shozo Ichiyama", "市山尚三", "東京ニューシネマ", "The Horse Thieves",
                  "Festival de Cannes 2018", "Positive", "1 follow-up, 1 open"):
        assert shown in listing, shown


def test_people_and_organizations_created_inline_exist_afterwards(client, db, login_as, demo):
    staff = login_as("staff")

    response = log(client, staff, person_ids=[str(demo["ichiyama"].id)],
                   new_people=["Aliya Nurlanovna", "竹内 一郎"],
                   new_organizations=["Steppe Pictures"])

    assert response.status_code == 302
    meeting = only_meeting(db)
    aliya = db.session.scalars(sa.select(Person).where(Person.full_name == "Aliya Nurlanovna")).one()
    takeuchi = db.session.scalars(sa.select(Person).where(Person.full_name == "竹内 一郎")).one()
    steppe = db.session.scalars(sa.select(Organization).where(Organization.name == "Steppe Pictures")).one()
    assert aliya.role == PersonRole.OTHER and aliya.local_name is None
    assert takeuchi.local_name == "竹内 一郎"  # no Latin letters: it is the name in its own script
    assert steppe.kind == OrganizationKind.OTHER
    assert {p.id for p in meeting.people} == {demo["ichiyama"].id, aliya.id, takeuchi.id}
    assert [o.id for o in meeting.organizations] == [steppe.id]
    # found by the type-ahead from now on
    assert [r["label"] for r in client.get("/lookup/people?q=aliya").get_json()] == [
        "Aliya Nurlanovna"]


def test_a_rejected_form_creates_no_one_and_keeps_what_was_typed(client, db, login_as, demo):
    staff = login_as("staff")
    people_before = count(db, Person)

    response = log(client, staff, summary="", new_people=["Aliya Nurlanovna"],
                   new_organizations=["Steppe Pictures"], person_ids=[str(demo["takeba"].id)],
                   **{"follow_ups-0-description": "Call back"})

    assert response.status_code == 200
    html = text(response)
    assert "Write what was discussed." in html
    assert 'value="Aliya Nurlanovna"' in html and 'value="Steppe Pictures"' in html
    assert "Lisa Takeba" in html and 'value="Call back"' in html
    assert count(db, Person) == people_before
    assert count(db, Organization) == 2
    assert count(db, Meeting) == 0


def test_save_and_log_another_opens_a_fresh_form_at_the_same_event(client, db, login_as, demo):
    staff = login_as("staff")

    response = log(client, staff, event_id=str(demo["cannes"].id), another="1")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/new?event_id={demo['cannes'].id}")
    html = text(client.get(response.headers["Location"]))
    assert "Meeting logged. Log the next one below." in html
    assert re.search(rf'<option[^>]*selected[^>]*value="{demo["cannes"].id}"', html)
    assert count(db, Meeting) == 1


def test_another_follow_up_row_without_javascript_saves_nothing(client, db, login_as):
    staff = login_as("staff")

    response = log(client, staff, add_follow_up="1", summary="Half written",
                   **{"follow_ups-0-description": "First thing"})

    assert response.status_code == 200
    html = text(response)
    assert 'name="follow_ups-1-description"' in html
    assert 'value="First thing"' in html and "Half written" in html
    assert count(db, Meeting) == 0


def test_names_typed_without_javascript_are_matched_or_explained(client, db, login_as, demo):
    staff = login_as("staff")

    response = log(client, staff, people="市山尚三\nNobody Known", organizations="kazakfilm",
                   projects="the horse thieves")

    assert response.status_code == 200
    html = text(response)
    assert "Nobody called “Nobody Known” is in the CRM." in html
    assert "Nobody Known" in html  # still in the box
    assert count(db, Meeting) == 0

    response = log(client, staff, people="市山尚三\nlisa takeba", organizations="Kazakfilm",
                   projects="The Horse Thieves")

    assert response.status_code == 302
    meeting = only_meeting(db)
    assert {p.full_name for p in meeting.people} == {"Shozo Ichiyama", "Lisa Takeba"}
    assert [o.name for o in meeting.organizations] == ["Kazakhfilm"]
    assert [p.title for p in meeting.projects] == ["The Horse Thieves"]


def test_a_name_shared_by_two_people_asks_which(client, db, login_as, make_person):
    staff = login_as("staff")
    make_person(full_name="Li Wei", local_name="李伟", country="CN")
    make_person(full_name="Li Wei", local_name="李威", country="CN")

    response = log(client, staff, people="Li Wei")

    assert response.status_code == 200
    assert "“Li Wei” matches several: Li Wei (李伟), Li Wei (李威)" in text(response)
    assert count(db, Meeting) == 0


def test_logging_moves_the_projects_last_activity_forward_only(client, db, login_as, demo,
                                                               make_project):
    staff = login_as("staff")
    horse = demo["horse"]
    horse.last_activity_at = utcnow() - timedelta(days=60)
    ahead = make_project(title="Aika", last_activity_at=utcnow() + timedelta(days=1))
    untouched = demo["composer"]
    untouched.last_activity_at = utcnow() - timedelta(days=90)
    db.session.commit()
    before = utcnow()
    versions = (horse.version, ahead.version)

    log(client, staff, project_ids=[str(horse.id), str(ahead.id)],
        occurred_at="2017-05-20T11:00")  # an old meeting logged late still counts as activity now

    db.session.expire_all()
    assert horse.last_activity_at >= before
    assert ahead.last_activity_at > utcnow()
    assert untouched.last_activity_at < before - timedelta(days=80)
    assert (horse.version, ahead.version) == versions  # not an edit of the project


# --- ids from the query string ----------------------------------------------------------

@pytest.mark.parametrize("path", ["/meetings", "/meetings/new"])
@pytest.mark.parametrize("query", ["person_id=²", "project_id=%C2%B2", "organization_id=١٢",
                                   "event_id=²", "person_id=99999999999999999999999",
                                   "project_id=-1", "person_id=0x10", "event_id= 7"])
def test_ids_that_are_not_ids_are_ignored_not_a_server_error(client, login_as, demo, path,
                                                             query):
    login_as("staff")

    response = client.get(f"{path}?{query}")

    assert response.status_code == 200


def test_a_filter_naming_a_record_one_cannot_see_says_so(client, login_as, demo, make_organization):
    other = make_organization(name="Other Studio", local_name=None, aliases=[])
    login_as("executive", organization=other)

    html = text(client.get(f"/meetings?project_id={demo['horse'].id}"))

    assert "With a record that is not available" in html
    assert "The Horse Thieves" not in html


# --- bad input -------------------------------------------------------------------------

@pytest.mark.parametrize(("overrides", "message", "kept"), [
    ({"summary": ""}, "Write what was discussed.", "National Pavilion of Kazakhstan"),
    ({"summary": "x" * 20_001}, "Field cannot be longer than 20000 characters.", "x" * 50),
    ({"occurred_at": "2018-13-45T10:00"}, "Enter a date and a time, e.g. 2018-05-14 10:30.",
     "2018-13-45T10:00"),
    ({"occurred_at": ""}, "Enter when the meeting took place.", "Talked about the next step"),
    ({"follow_ups-0-description": "Send the script", "follow_ups-0-due_date": "2018-02-30"},
     "Enter the date as YYYY-MM-DD, e.g. 2018-06-15.", 'value="Send the script"'),
    ({"follow_ups-0-description": "Send the script", "follow_ups-0-owner_id": "999999"},
     "Choose a member of staff.", 'value="Send the script"'),
    ({"person_ids": ["999999"]}, "Some of what was picked does not exist or is not shared with you (#999999).",
     "Talked about the next step"),
    ({"project_ids": ["abc"]}, "Something picked here is not valid", "Talked about the next step"),
    ({"event_id": "424242"}, "That event does not exist any more. Choose another.",
     "Talked about the next step"),
    ({"event_id": "²"}, "Choose an event from the list.", "Talked about the next step"),
    ({"timezone": "Mars/Olympus"}, "Choose a time zone from the list.",
     "Talked about the next step"),
    ({"outcome": "ecstatic"}, "Not a valid choice", "Talked about the next step"),
])
def test_bad_input_comes_back_with_a_message_at_the_field_and_nothing_written(
        client, db, login_as, overrides, message, kept):
    staff = login_as("staff")

    response = log(client, staff, **overrides)

    assert response.status_code == 200
    html = text(response)
    assert message in html
    assert kept in html
    assert 'class="invalid-feedback' in html
    assert count(db, Meeting) == 0 and count(db, FollowUp) == 0


def test_the_owner_of_a_follow_up_must_be_active_staff(client, db, login_as, make_user):
    staff = login_as("staff")
    gone = make_user("staff", active=False)
    executive = make_user("executive")

    for owner in (gone, executive):
        response = log(client, staff, **{"follow_ups-0-description": "Call",
                                         "follow_ups-0-owner_id": str(owner.id)})
        assert response.status_code == 200
        assert "Choose a member of staff." in text(response)
    assert count(db, Meeting) == 0


# --- editing and archiving -------------------------------------------------------------

def test_editing_changes_links_and_follow_ups_and_refuses_a_stale_copy(
        client, db, login_as, demo, make_meeting):
    staff = login_as("staff")
    meeting = make_meeting(people=[demo["ichiyama"], demo["takeba"]], summary="First notes",
                           follow_ups=[FollowUp(description="Old task", owner_id=staff.id)])
    old_follow_up = meeting.follow_ups[0].id
    form = text(client.get(f"/meetings/{meeting.id}/edit"))
    assert "First notes" in form and 'value="Old task"' in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)

    data = meeting_data(staff, summary="Better notes", version=version,
                        person_ids=[str(demo["takeba"].id)], project_ids=[str(demo["horse"].id)],
                        **{"follow_ups-0-id": str(old_follow_up), "follow_ups-0-description": "",
                           "follow_ups-1-description": "New task",
                           "follow_ups-1-owner_id": str(staff.id)})
    response = post_form(client, f"/meetings/{meeting.id}/edit", data)

    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.summary == "Better notes"
    assert [p.full_name for p in meeting.people] == ["Lisa Takeba"]
    assert [p.title for p in meeting.projects] == ["The Horse Thieves"]
    assert [f.description for f in meeting.follow_ups] == ["New task"]
    entry = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "Meeting", AuditEntry.action == "update")).one()
    assert entry.changes["person_ids"] == [[demo["ichiyama"].id, demo["takeba"].id],
                                           [demo["takeba"].id]]

    stale = post_form(client, f"/meetings/{meeting.id}/edit", {**data, "summary": "Late edit"})
    assert stale.status_code == 200
    assert "Someone else changed this record" in text(stale)
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).summary == "Better notes"


def test_editing_keeps_links_to_records_archived_since(client, db, login_as, demo, make_meeting):
    staff = login_as("staff")
    meeting = make_meeting(people=[demo["ichiyama"], demo["takeba"]], projects=[demo["composer"]],
                           event=demo["cannes"])
    for record in (demo["takeba"], demo["composer"], demo["cannes"]):
        record.archived_at = utcnow()
    db.session.commit()
    form = text(client.get(f"/meetings/{meeting.id}/edit"))
    assert "Shozo Ichiyama" in form and "Lisa Takeba" not in form
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form).group(1)

    response = post_form(client, f"/meetings/{meeting.id}/edit", meeting_data(
        staff, version=version, summary="Edited later", event_id=str(demo["cannes"].id),
        person_ids=[str(demo["ichiyama"].id)]))

    assert response.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert {p.full_name for p in meeting.people} == {"Shozo Ichiyama", "Lisa Takeba"}
    assert [p.id for p in meeting.projects] == [demo["composer"].id]
    assert meeting.event_id == demo["cannes"].id


def test_archiving_hides_the_meeting(client, db, login_as, make_meeting):
    login_as("staff")
    meeting = make_meeting(summary="To be archived")

    response = post_form(client, f"/meetings/{meeting.id}/archive", {},
                         page=f"/meetings/{meeting.id}")

    assert response.status_code == 302
    assert "To be archived" not in text(client.get("/meetings"))
    assert client.get(f"/meetings/{meeting.id}").status_code == 404


# --- the list --------------------------------------------------------------------------

@pytest.fixture
def four_meetings(demo, make_meeting, make_event, make_person):
    almaty = make_event(name="Almaty Film Festival", edition=2018, country="KZ",
                        start_date=date(2018, 9, 15), end_date=date(2018, 9, 19))
    sataev = make_person(full_name="Akan Sataev", local_name="Ақан Сатаев", country="KZ")
    return {
        "pavilion": make_meeting(summary="Pavilion talk", event=demo["cannes"],
                                 occurred_at=datetime(2018, 5, 10, 9, tzinfo=UTC),
                                 people=[demo["ichiyama"]], organizations=[demo["tnc"]],
                                 projects=[demo["horse"]], outcome=MeetingOutcome.POSITIVE),
        "signing": make_meeting(summary="Memorandum signing", event=demo["cannes"],
                                occurred_at=datetime(2018, 5, 14, 10, tzinfo=UTC),
                                organizations=[demo["kazakhfilm"]], projects=[demo["horse"]],
                                outcome=MeetingOutcome.NEUTRAL),
        "composer": make_meeting(summary="Composer financing", event=almaty,
                                 occurred_at=datetime(2018, 9, 16, 12, tzinfo=UTC),
                                 organizations=[demo["kazakhfilm"]], projects=[demo["composer"]],
                                 outcome=MeetingOutcome.NEGATIVE),
        "festival": make_meeting(summary="Competition rules", event=almaty,
                                 occurred_at=datetime(2018, 9, 17, 15, tzinfo=UTC),
                                 people=[sataev], outcome=MeetingOutcome.NEUTRAL),
    }


@pytest.mark.parametrize(("args", "expected"), [
    (lambda d, m: {}, {"pavilion", "signing", "composer", "festival"}),
    (lambda d, m: {"event_id": d["cannes"].id}, {"pavilion", "signing"}),
    (lambda d, m: {"organization_id": d["kazakhfilm"].id}, {"signing", "composer"}),
    (lambda d, m: {"person_id": d["ichiyama"].id}, {"pavilion"}),
    (lambda d, m: {"project_id": d["horse"].id}, {"pavilion", "signing"}),
    (lambda d, m: {"from": "2018-05-12", "to": "2018-09-16"}, {"signing", "composer"}),
    (lambda d, m: {"outcome": "neutral"}, {"signing", "festival"}),
    (lambda d, m: {"q": "memorandum"}, {"signing"}),
    (lambda d, m: {"q": "сатаев"}, {"festival"}),  # a linked person's name, any case
    (lambda d, m: {"outcome": "neutral", "event_id": d["cannes"].id}, {"signing"}),
    (lambda d, m: {"from": "not-a-date", "person_id": "x"}, {"pavilion", "signing", "composer", "festival"}),
])
def test_list_filters(client, login_as, demo, four_meetings, args, expected):
    login_as("staff")
    summaries = {"pavilion": "Pavilion talk", "signing": "Memorandum signing",
                 "composer": "Composer financing", "festival": "Competition rules"}

    response = client.get("/meetings", query_string=args(demo, four_meetings))

    assert response.status_code == 200
    html = text(response)
    shown = {key for key, summary in summaries.items() if summary in html}
    assert shown == expected


def test_the_list_is_newest_first_and_paginated(client, app, login_as, make_meeting):
    login_as("staff")
    start = datetime(2018, 5, 1, 9, tzinfo=UTC)
    for n in range(app.config["PER_PAGE"] + 2):
        make_meeting(summary=f"Meeting number {n:03d}", occurred_at=start + timedelta(hours=n))

    first = text(client.get("/meetings"))
    second = text(client.get("/meetings?page=2"))

    last = app.config["PER_PAGE"] + 1
    assert first.index(f"Meeting number {last:03d}") < first.index(f"Meeting number {last - 1:03d}")
    assert "Meeting number 000" not in first and "Meeting number 000" in second


@pytest.mark.parametrize(("query", "status"), [
    ("page=2", 200), ("page=3", 404), ("page=0", 404), ("page=²", 404), ("page=abc", 404),
    ("page=99999999999999999999", 404), ("per_page=5&page=6", 200), ("per_page=1000", 200)])
def test_pages_go_only_as_far_as_there_are_meetings(client, app, login_as, make_meeting,
                                                    query, status):
    login_as("staff")
    start = datetime(2018, 5, 1, 9, tzinfo=UTC)
    for n in range(app.config["PER_PAGE"] + 2):
        make_meeting(summary=f"Meeting number {n:03d}", occurred_at=start + timedelta(hours=n))

    response = client.get(f"/meetings?{query}")

    assert response.status_code == status


def test_a_list_row_shows_its_links_follow_ups_and_time_at_the_event(
        client, login_as, demo, make_meeting, make_user, db):
    owner = make_user("staff")
    demo["takeba"].archived_at = utcnow()  # archived since: still who was there
    make_meeting(summary="Pavilion talk " + "x" * 300, event=demo["cannes"],
                 occurred_at=datetime(2018, 5, 14, 8, 30, tzinfo=UTC),
                 people=[demo["takeba"], demo["ichiyama"]], organizations=[demo["tnc"]],
                 projects=[demo["horse"]], location="Beach",
                 follow_ups=[FollowUp(description="Call", owner_id=owner.id),
                             FollowUp(description="Write", owner_id=owner.id, done=True)])
    login_as("staff")

    row = text(client.get("/meetings?q=pavilion"))
    row = row[row.index('class="list-group-item meeting-row"'):]

    assert "14 May 2018, 10:30 CEST · Festival de Cannes 2018" in row
    assert row.index("Lisa Takeba") < row.index("Shozo Ichiyama")  # by name
    assert f'href="/meetings?q=pavilion&amp;person_id={demo["ichiyama"].id}"' in row
    assert "東京ニューシネマ" in row and "The Horse Thieves" in row
    assert "2 follow-ups, 1 open" in row and "· Beach" in row
    assert "x" * 300 not in row and "Pavilion talk..." in row


def test_an_executive_list_row_names_only_the_projects_they_may_see(
        client, login_as, make_organization, make_project, make_meeting):
    ours = make_organization(name="Our Studio", local_name=None, aliases=[])
    other = make_project(title="Somebody Else's Film")
    make_meeting(summary="Market talk", organizations=[ours], projects=[other])
    login_as("executive", organization=ours)

    listing = text(client.get("/meetings"))

    assert "Market talk" in listing and "Our Studio" in listing
    assert "Somebody Else" not in listing


def test_the_list_issues_the_same_number_of_queries_for_5_and_50_meetings(
        client, db, login_as, demo, make_meeting, make_user):
    login_as("staff")
    owner = make_user("staff")

    def add(n):
        for i in range(n):
            make_meeting(summary=f"Meeting {i}", event=demo["cannes"],
                         people=[demo["ichiyama"], demo["takeba"]],
                         organizations=[demo["kazakhfilm"], demo["tnc"]],
                         projects=[demo["horse"]],
                         follow_ups=[FollowUp(description="Call", owner_id=owner.id),
                                     FollowUp(description="Write", owner_id=owner.id, done=True)])

    add(5)
    client.get("/meetings")  # warm caches
    with recorded_statements() as few:
        assert client.get("/meetings").status_code == 200
    add(45)
    with recorded_statements() as many:
        html = text(client.get("/meetings"))

    assert html.count("meeting-row") == 25
    assert len(few) == len(many), (few, many)


def test_a_meeting_page_takes_the_same_statements_however_many_it_names(
        client, login_as, make_meeting, make_person, make_organization, make_project,
        make_user, count_queries):
    login_as("staff")

    def meeting(n):
        studios = [make_organization(name=f"Studio {n}-{i}", local_name=None, aliases=["Alias"])
                   for i in range(n)]
        return make_meeting(
            people=[make_person(full_name=f"Person {n}-{i}", organization=studios[i])
                    for i in range(n)],
            organizations=studios,
            projects=[make_project(title=f"Film {n}-{i}") for i in range(n)],
            follow_ups=[FollowUp(description=f"Task {i}", owner_id=make_user("staff").id)
                        for i in range(n)])
    one, five = meeting(1), meeting(5)

    with count_queries() as few:
        assert client.get(f"/meetings/{one.id}").status_code == 200
    with count_queries() as many:
        page = text(client.get(f"/meetings/{five.id}"))

    assert many.n == few.n
    assert all(f"Person 5-{i}" in page and f"Film 5-{i}" in page for i in range(5))
    assert "Studio 5-4" in page and "Test staff" in page


# --- who sees what ---------------------------------------------------------------------

def test_an_executive_sees_only_meetings_their_organization_is_party_to(
        client, login_as, make_organization, make_project, make_meeting):
    studio_a = make_organization(name="Studio A", local_name=None, aliases=[])
    studio_b = make_organization(name="Studio B", local_name=None, aliases=[])
    project_a = make_project(title="Project Alpha", parties=[(studio_a, PartyRole.COPRODUCER, 50)])
    project_b = make_project(title="Project Beta", parties=[(studio_b, PartyRole.COPRODUCER, 50)])
    theirs = make_meeting(summary="Only about Beta", organizations=[studio_b], projects=[project_b])
    ours = make_meeting(summary="About Alpha", projects=[project_a])
    login_as("executive", organization=studio_a)

    listing = text(client.get("/meetings"))
    assert "About Alpha" in listing and "Only about Beta" not in listing
    assert client.get(f"/meetings/{theirs.id}").status_code == 404
    assert client.get(f"/meetings/{ours.id}").status_code == 200
    assert [r["label"] for r in client.get("/lookup/projects?q=project").get_json()] == [
        "Project Alpha"]
    assert "Only about Beta" not in text(client.get(f"/meetings?project_id={project_b.id}"))


def test_executives_may_look_but_not_log_edit_archive_or_tick_off(
        client, login_as, make_meeting, make_user):
    staff = make_user("staff")
    meeting = make_meeting(follow_ups=[FollowUp(description="Call", owner_id=staff.id)])
    login_as("executive")
    token_page = f"/meetings/{meeting.id}"

    assert client.get("/meetings/new").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/edit").status_code == 403
    assert client.get("/meetings").status_code == 200
    assert client.get(token_page).status_code == 200
    assert client.get("/meetings/follow-ups").status_code == 200
    for url in ("/meetings/new", f"/meetings/{meeting.id}/edit",
                f"/meetings/{meeting.id}/archive",
                f"/meetings/follow-ups/{meeting.follow_ups[0].id}/done"):
        assert post_form(client, url, {"summary": "x"}, page=token_page).status_code == 403


# --- follow-ups ------------------------------------------------------------------------

def test_my_follow_ups_are_grouped_by_when_they_are_due(client, login_as, make_meeting, make_user):
    me = login_as("staff")
    colleague = make_user("staff")
    today = utcnow().date()
    make_meeting(summary="Stand talk", follow_ups=[
        FollowUp(description="Overdue task", owner_id=me.id, due_date=today - timedelta(days=2)),
        FollowUp(description="Due today task", owner_id=me.id, due_date=today),
        FollowUp(description="Due next week task", owner_id=me.id, due_date=today + timedelta(days=6)),
        FollowUp(description="Later task", owner_id=me.id, due_date=today + timedelta(days=30)),
        FollowUp(description="Undated task", owner_id=me.id),
        FollowUp(description="Finished task", owner_id=me.id, done=True,
                 done_at=utcnow() - timedelta(days=1)),
        FollowUp(description="Colleague task", owner_id=colleague.id, due_date=today),
    ])
    make_meeting(summary="Archived", archived_at=utcnow(), follow_ups=[
        FollowUp(description="Task of an archived meeting", owner_id=me.id, due_date=today)])

    html = text(client.get("/meetings/follow-ups"))

    def section(key):
        start = html.index(f'id="group-{key}"')
        end = html.find("<section", start)
        return html[start:end if end != -1 else None]
    assert "Overdue task" in section("overdue") and "Due today task" not in section("overdue")
    assert "Due today task" in section("due") and "Due next week task" in section("due")
    assert "Later task" in section("later") and "Undated task" in section("later")
    assert "Finished task" in section("done")
    assert "Colleague task" not in html and "Task of an archived meeting" not in html
    assert "5 open follow-ups." in html


def test_marking_a_follow_up_done_and_reopening_it(client, db, login_as, make_meeting):
    me = login_as("staff")
    meeting = make_meeting(follow_ups=[FollowUp(description="Send the script", owner_id=me.id,
                                                due_date=date(2018, 6, 1))])
    follow_up_id = meeting.follow_ups[0].id

    response = post_form(client, f"/meetings/follow-ups/{follow_up_id}/done",
                         {"next": f"/meetings/{meeting.id}"}, page="/meetings/follow-ups")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/meetings/{meeting.id}")
    db.session.expire_all()
    follow_up = db.session.get(FollowUp, follow_up_id)
    assert follow_up.done and follow_up.done_at is not None
    assert "Send the script" in text(client.get("/meetings/follow-ups")).split('id="group-done"')[1]

    response = post_form(client, f"/meetings/follow-ups/{follow_up_id}/reopen",
                         {"next": "https://evil.example/"}, page="/meetings/follow-ups")
    assert response.headers["Location"].endswith("/meetings/follow-ups")
    db.session.expire_all()
    assert not db.session.get(FollowUp, follow_up_id).done


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\n/evil.example", "//evil.example",
                                    "/\\evil.example", "javascript:alert(1)", ""])
def test_a_follow_up_button_goes_back_only_to_a_page_of_this_site(client, login_as,
                                                                  make_meeting, target):
    me = login_as("staff")
    meeting = make_meeting(follow_ups=[FollowUp(description="Send the script", owner_id=me.id)])

    response = post_form(client, f"/meetings/follow-ups/{meeting.follow_ups[0].id}/done",
                         {"next": target}, page="/meetings/follow-ups")

    assert response.status_code == 302
    assert response.headers["Location"] == "/meetings/follow-ups"


def test_a_follow_up_of_a_meeting_one_cannot_see_cannot_be_ticked_off(
        client, login_as, make_meeting, make_user):
    staff = make_user("staff")
    archived = make_meeting(archived_at=utcnow(),
                            follow_ups=[FollowUp(description="Hidden", owner_id=staff.id)])
    login_as("staff")

    response = post_form(client, f"/meetings/follow-ups/{archived.follow_ups[0].id}/done", {},
                         page="/meetings/follow-ups")

    assert response.status_code == 404


def test_my_follow_ups_show_the_soonest_of_a_long_group_with_its_true_size(
        client, login_as, make_meeting, make_person, make_organization):
    from crm.meetings.services import GROUP_ROWS
    me = login_as("staff")
    today = utcnow().date()
    many = GROUP_ROWS + 3
    make_meeting(summary="Market screening", people=[make_person()],
                 organizations=[make_organization()], follow_ups=[
        FollowUp(description=f"Overdue {n:03d}", owner_id=me.id,
                 due_date=today - timedelta(days=many + 1 - n)) for n in range(many)]
        + [FollowUp(description="Later task", owner_id=me.id)])

    html = text(client.get("/meetings/follow-ups"))
    overdue = html[html.index('id="group-overdue"'):html.index('id="group-due"')]
    assert f">{many}</span>" in overdue  # the true size, not the rows shown
    shown = [n for n in range(many) if f"Overdue {n:03d}" in overdue]
    assert shown == list(range(GROUP_ROWS))  # the longest overdue first
    assert "and 3 more…" in overdue and "/meetings/follow-ups?more=overdue" in overdue
    assert f"{many + 1} open follow-ups." in html
    assert "Later task" in html
    assert "with Shozo Ichiyama, Kazakhfilm" in html  # who was at the meeting

    everything = text(client.get("/meetings/follow-ups?more=overdue"))
    assert all(f"Overdue {n:03d}" in everything for n in range(many))
    assert "more…" not in everything


def test_a_group_longer_than_can_be_shown_is_counted_only_that_far(
        client, login_as, make_meeting, monkeypatch):
    from crm.meetings import services
    monkeypatch.setattr(services, "GROUP_ROWS", 2)
    monkeypatch.setattr(services, "COUNTED_UP_TO", 4)
    me = login_as("staff")
    today = utcnow().date()
    make_meeting(follow_ups=[FollowUp(description=f"Overdue {n}", owner_id=me.id,
                                      due_date=today - timedelta(days=10 - n)) for n in range(7)]
                 + [FollowUp(description="Later task", owner_id=me.id)])

    html = text(client.get("/meetings/follow-ups"))

    overdue = html[html.index('id="group-overdue"'):html.index('id="group-due"')]
    assert ">4+</span>" in overdue and "and more than 2 more…" in overdue
    assert "More than 5 open follow-ups." in html
    assert ">1</span>" in html[html.index('id="group-later"'):]


def test_my_follow_ups_take_the_same_statements_however_many(client, login_as, make_meeting,
                                                              make_person, count_queries):
    me = login_as("staff")
    today = utcnow().date()

    def add(n):
        for i in range(n):
            make_meeting(people=[make_person(full_name=f"Person {n}-{i}")], follow_ups=[
                FollowUp(description="Overdue", owner_id=me.id, due_date=today - timedelta(days=1)),
                FollowUp(description="Later", owner_id=me.id),
                FollowUp(description="Done", owner_id=me.id, done=True, done_at=utcnow())])
    add(1)
    with count_queries() as few:
        client.get("/meetings/follow-ups")
    add(60)
    with count_queries() as many:
        client.get("/meetings/follow-ups")
    assert many.n <= few.n + 1  # + the sizes of the groups that do not fit
