"""The data model: rules the DATABASE enforces (whatever path writes to it), text
normalisation, the folded search copy and timezone-aware timestamps."""
from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, StatementError

from crm.models import (Event, Memorandum, MemorandumKind, MemorandumStatus, Organization,
                        OrganizationAlias, PartyRole, Person, ProjectParty, User)
from crm.organizations.services import find_organizations
from tests.conftest import stage


def expect_integrity_error(db, statement, params=None):
    """Run `statement` (raw SQL or a Core construct) and expect the database to refuse it."""
    with pytest.raises(IntegrityError):
        if isinstance(statement, str):
            db.session.execute(sa.text(statement), params or {})
        else:
            db.session.execute(statement)
        db.session.flush()
    db.session.rollback()


# --- constraints in the database -------------------------------------------------------

@pytest.mark.parametrize("share", ["0", "-5", "100.01", "150"])
def test_share_outside_range_is_refused_by_the_database(db, make_project, make_organization,
                                                        share):
    project = make_project()
    org = make_organization()
    expect_integrity_error(db, sa.insert(ProjectParty.__table__).values(
        project_id=project.id, organization_id=org.id, role=PartyRole.COPRODUCER.value,
        share_percent=Decimal(share)))


@pytest.mark.parametrize("share", ["0.01", "50", "100", None])
def test_share_inside_range_or_unknown_is_accepted(db, make_project, make_organization, share):
    project = make_project()
    org = make_organization()
    db.session.execute(sa.insert(ProjectParty.__table__).values(
        project_id=project.id, organization_id=org.id, role=PartyRole.COPRODUCER.value,
        share_percent=None if share is None else Decimal(share)))
    db.session.commit()
    stored = db.session.scalar(sa.select(ProjectParty.share_percent))
    assert stored == (None if share is None else Decimal(share))


def test_event_ending_before_it_starts_is_refused_by_the_database(db, make_event):
    event = make_event()
    expect_integrity_error(db, sa.update(Event.__table__).where(Event.__table__.c.id == event.id)
                           .values(end_date=date(2018, 5, 1)))
    db.session.expire_all()
    assert db.session.get(Event, event.id).end_date == date(2018, 5, 19)


def test_event_one_day_long_is_accepted(db, make_event):
    event = make_event(start_date=date(2018, 9, 15), end_date=date(2018, 9, 15))
    assert event.id is not None


def test_duplicate_memorandum_reference_is_refused(db, make_memorandum):
    make_memorandum(reference="MOU-2018-001")
    with pytest.raises(IntegrityError):
        make_memorandum(reference="MOU-2018-001", title="Another one")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 1


def test_duplicate_event_name_and_edition_is_refused(db, make_event):
    make_event()
    with pytest.raises(IntegrityError):
        make_event(city="Somewhere else")
    db.session.rollback()


def test_user_email_is_stored_lower_case(db, make_user):
    user = make_user(email="  Dana.Pavilion@CRM.Example ")
    db.session.expire_all()
    stored = db.session.execute(sa.text("SELECT email FROM users WHERE id = :id"),
                                {"id": user.id}).scalar_one()
    assert stored == "dana.pavilion@crm.example"


def test_duplicate_email_differing_only_in_case_is_refused(db, make_user):
    make_user(email="dana@crm.example")
    # Through the model: the email is lower-cased, so the unique constraint catches it.
    with pytest.raises(IntegrityError):
        make_user(email="DANA@crm.example")
    db.session.rollback()
    # Behind the model's back: the CHECK refuses an upper-case email outright.
    expect_integrity_error(
        db, "INSERT INTO users (email, name, role, active, password_hash, preferred_language, "
            "session_token, version, created_at, updated_at) VALUES ('DANA@crm.example', 'X', "
            "'staff', :active, 'x', 'en', 'tok-raw', 1, :now, :now)",
        {"active": True, "now": datetime(2020, 1, 1)})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 1


def test_upper_case_email_update_is_refused_by_the_database(db, make_user):
    user = make_user(email="kenji@crm.example")
    expect_integrity_error(db, "UPDATE users SET email = 'Kenji@crm.example' WHERE id = :id",
                           {"id": user.id})


def test_foreign_keys_are_enforced(db, make_project):
    if db.engine.dialect.name == "sqlite":
        assert db.session.execute(sa.text("PRAGMA foreign_keys")).scalar_one() == 1
    project = make_project()
    expect_integrity_error(db, sa.insert(ProjectParty.__table__).values(
        project_id=project.id, organization_id=987654, role=PartyRole.COPRODUCER.value))


def test_organization_that_is_party_to_a_project_cannot_be_deleted(db, make_project,
                                                                   make_organization):
    org = make_organization()
    make_project(parties=[(org, PartyRole.COPRODUCER, 50)])
    expect_integrity_error(db, sa.delete(Organization.__table__)
                           .where(Organization.__table__.c.id == org.id))


def test_signed_memorandum_without_signing_date_is_refused(db, make_memorandum):
    memo = make_memorandum()
    table = Memorandum.__table__
    expect_integrity_error(db, sa.update(table).where(table.c.id == memo.id)
                           .values(status=MemorandumStatus.SIGNED.value, signed_on=None))
    db.session.execute(sa.update(table).where(table.c.id == memo.id)
                       .values(status=MemorandumStatus.SIGNED.value, signed_on=date(2018, 5, 14)))
    db.session.commit()


def test_memorandum_expiring_before_it_takes_effect_is_refused(db):
    expect_integrity_error(db, sa.insert(Memorandum.__table__).values(
        reference="MOU-X", title="Expired at birth", kind=MemorandumKind.MEMORANDUM.value,
        status=MemorandumStatus.DRAFT.value, effective_from=date(2018, 5, 14),
        expires_on=date(2018, 5, 13), version=1, search_text="",
        created_at=datetime(2020, 1, 1, tzinfo=UTC), updated_at=datetime(2020, 1, 1, tzinfo=UTC)))


def test_unknown_enum_value_is_refused_by_the_database(db, make_organization):
    org = make_organization()
    expect_integrity_error(db, "UPDATE organizations SET kind = 'spaceship' WHERE id = :id",
                           {"id": org.id})


def test_country_must_be_two_letters(db, make_organization):
    org = make_organization()
    expect_integrity_error(db, "UPDATE organizations SET country = 'K' WHERE id = :id",
                           {"id": org.id})


def test_project_stage_must_exist(db, make_project):
    project = make_project()
    expect_integrity_error(db, "UPDATE projects SET stage_id = 999999 WHERE id = :id",
                           {"id": project.id})


# --- text and time ---------------------------------------------------------------------

def test_text_is_stored_nfc_normalised(db, make_organization, make_person):
    decomposed = "Ерлан Нұрмұхамбетов Тайжан и\u0306"
    assert not unicodedata.is_normalized("NFC", decomposed)
    org = make_organization(name="Kazakhfilm", local_name="Казахфильм Шаи\u0306ын")
    person = make_person(full_name="Yerlan", local_name=decomposed)
    db.session.expire_all()
    stored_org = db.session.execute(sa.text("SELECT local_name FROM organizations WHERE id = :id"),
                                    {"id": org.id}).scalar_one()
    stored_person = db.session.execute(sa.text("SELECT local_name FROM people WHERE id = :id"),
                                       {"id": person.id}).scalar_one()
    assert stored_org == "Казахфильм Шайын"
    assert "й" in stored_person and "\u0306" not in stored_person
    # Searching with the decomposed spelling finds the composed one.
    found = db.session.scalars(find_organizations("Шаи\u0306ын")).all()
    assert [o.id for o in found] == [org.id]


def test_search_text_follows_the_aliases(db, make_organization):
    org = make_organization(name="Shaken Aimanov Studio", local_name=None)
    assert db.session.scalars(find_organizations("Kazakfilm")).all() == []

    org.aliases.append(OrganizationAlias(name="Kazakfilm"))
    db.session.commit()
    db.session.expire_all()
    assert [o.id for o in db.session.scalars(find_organizations("kazakfilm"))] == [org.id]

    org = db.session.get(Organization, org.id)
    org.aliases.clear()
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(find_organizations("Kazakfilm")).all() == []


def test_search_text_follows_a_renamed_organization(db, make_organization):
    org = make_organization(name="Old Name Films", local_name=None)
    org.name = "Tokyo New Cinema"
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(find_organizations("old name")).all() == []
    assert [o.id for o in db.session.scalars(find_organizations("tokyo new"))] == [org.id]


def test_timestamps_round_trip_as_aware_utc(db, make_meeting):
    almaty = timezone(timedelta(hours=6))
    meeting = make_meeting(occurred_at=datetime(2018, 9, 15, 15, 30, tzinfo=almaty))
    db.session.expire_all()
    again = db.session.get(type(meeting), meeting.id)
    assert again.occurred_at.tzinfo is not None
    assert again.occurred_at.utcoffset() == timedelta(0)
    assert again.occurred_at == datetime(2018, 9, 15, 9, 30, tzinfo=UTC)
    assert again.created_at.tzinfo is not None and again.created_at.utcoffset() == timedelta(0)


def test_naive_datetime_is_refused(db, make_meeting):
    with pytest.raises(StatementError):
        make_meeting(occurred_at=datetime(2018, 9, 15, 15, 30))
    db.session.rollback()


def test_every_edit_bumps_the_version(db, make_person):
    person = make_person()
    assert person.version == 1
    person.position = "Producer, Tokyo New Cinema"
    db.session.commit()
    assert person.version == 2


def test_archived_rows_are_hidden_from_queries_unless_asked_for(db, make_person):
    person = make_person()
    person.archived_at = datetime.now(UTC)
    db.session.commit()
    db.session.expire_all()
    assert db.session.scalars(sa.select(Person)).all() == []
    assert db.session.scalars(sa.select(Person).execution_options(include_archived=True)).all()


def test_default_stages_exist(db):
    assert stage("lead").position == 1
    assert stage("delivered").position == 10
