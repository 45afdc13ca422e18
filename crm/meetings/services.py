"""The fast meeting log: logging and editing meetings and their follow-ups (the same code
for pages and API).

How a meeting names who and what it was about (one design for the page with and without
JavaScript, and for the API):

* What is stored is always ids: `person_ids`, `organization_ids`, `project_ids`. Ids
  that do not exist or are not visible to the caller are an error at that field.
* A person or organization not in the CRM yet arrives as a name in `new_people` /
  `new_organizations`. `log_meeting` creates it in the same transaction as the meeting
  (name as typed; role/kind "other"; a name without Latin letters is also its local
  name), so an error anywhere leaves nothing behind.
* Names typed as plain text (the form without JavaScript, or text left in the type-ahead
  box) are resolved by `crm.lookup.services.match_names`: a name equal (folded: case,
  width, script-neutral) to exactly one record's name, local name or alias is that
  record; none or several is an error at the field that names the candidates, so the
  user can be more precise.
* With JavaScript (static/meetings.js) the text box is a type-ahead over `/lookup/<kind>?q=`,
  picked records become chips carrying `*_ids` inputs, and "Create “…”" adds a chip
  carrying a `new_*` input.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from crm import access, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.lookup.services import MAX_NAMES, records_by_ids, unique_in_order, visible_ids
from crm.models import (Event, FollowUp, Meeting, MeetingOutcome, Organization,
                        OrganizationKind, Person, PersonRole, Project, Role, User, fold,
                        meeting_organizations, meeting_people, meeting_projects, parse_id,
                        utcnow)
from crm.organizations.services import create_organization
from crm.people.services import create_person
from crm.timezones import COUNTRY_TIMEZONES
from crm.notes import notes_contain
from crm.postgresql import fixed_limit

SUMMARY_MAX = 20_000
LOCATION_MAX = 200
NAME_MAX = 200
DESCRIPTION_MAX = 500
MAX_LINKS = MAX_NAMES  # people, organizations or projects per meeting
MAX_FOLLOW_UPS = 20
FOLLOW_UP_OWNER_ROLES = (Role.ADMIN, Role.STAFF)


def meeting_for_page(meeting_id: int) -> Meeting | None:
    """A visible meeting with everything its page shows, in five statements however many
    people, organizations, projects and follow-ups it has (lazy loads were one per
    person's organization and per follow-up owner)."""
    return db.session.scalars(
        sa.select(Meeting).where(Meeting.id == meeting_id).options(
            joinedload(Meeting.event), joinedload(Meeting.logged_by),
            selectinload(Meeting.people).joinedload(Person.organization)
            .lazyload(Organization.aliases),
            selectinload(Meeting.organizations).lazyload(Organization.aliases),
            selectinload(Meeting.projects),
            selectinload(Meeting.follow_ups).joinedload(FollowUp.owner))).first()


def default_event(today: date) -> Event | None:
    """The event a meeting logged today most likely belongs to: the one running today,
    else the one that started most recently."""
    running = sa.and_(Event.end_date.is_not(None), Event.end_date >= today)
    return db.session.scalars(  # one statement, whichever it finds
        sa.select(Event).where(Event.start_date <= today)
        .order_by(sa.case((running, 0), else_=1), Event.start_date.desc(), Event.id.desc())
        .limit(fixed_limit(1))).first()


def event_choices() -> list[sa.Row]:
    """Events to choose from, newest first, as (id, label, venue, country) rows."""
    return db.session.execute(
        sa.select(Event.id, Event.label.label("label"), Event.venue, Event.country)
        .order_by(Event.start_date.desc().nulls_last(), Event.name, Event.id)).all()


def follow_up_owners() -> list[User]:
    """Who can own a follow-up: active staff and administrators (executives read only)."""
    return list(db.session.scalars(
        sa.select(User).where(User.active.is_(True), User.role.in_(FOLLOW_UP_OWNER_ROLES))
        .order_by(User.name, User.id)))


# --- logging and editing ----------------------------------------------------------------

@dataclass
class _Checked:
    """Input that passed validation, with the records it names."""

    people: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    projects: list = field(default_factory=list)
    event: Event | None = None
    follow_ups: list[dict] = field(default_factory=list)


def _validate(values: dict, meeting: Meeting | None = None) -> _Checked:
    """Check every rule before anything is written; raise ValidationFailed with all the
    problems at once. A new meeting's links are checked as ids (in one statement: the
    records themselves are not needed to link them); an edit's are records (it replaces
    the meeting's collections)."""
    errors: dict[str, list[str]] = {}
    checked = _Checked()

    def err(key, message):
        errors.setdefault(key, []).append(message)

    summary = values.get("summary")
    if not (summary or "").strip():
        err("summary", _("Write what was discussed."))
    elif len(summary) > SUMMARY_MAX:
        err("summary", _("At most %(max)d characters (this has %(n)d).",
                         max=SUMMARY_MAX, n=len(summary)))

    occurred_at = values.get("occurred_at")
    if occurred_at is None:
        err("occurred_at", _("Enter when the meeting took place."))
    elif not isinstance(occurred_at, datetime) or occurred_at.tzinfo is None:
        err("occurred_at", _("Enter a date and time."))
    elif occurred_at > utcnow() + timedelta(days=366):
        err("occurred_at", _("That is more than a year from now: check the year."))
    elif occurred_at.year < 1900:
        err("occurred_at", _("Check the year."))

    outcome = values.get("outcome") or MeetingOutcome.NEUTRAL
    if outcome not in set(MeetingOutcome):
        err("outcome", _("Choose positive, neutral or negative."))

    if len(values.get("location") or "") > LOCATION_MAX:
        err("location", _("At most %(max)d characters.", max=LOCATION_MAX))

    event_id = values.get("event_id")
    if meeting is not None and event_id is not None and event_id == meeting.event_id:
        checked.event = meeting.event  # kept even if the event has been archived since
    elif event_id is not None and meeting is not None:
        checked.event = db.session.scalars(sa.select(Event).where(Event.id == event_id)).first()
        if checked.event is None:
            err("event_id", _("That event does not exist any more. Choose another."))

    links = {kind_key: unique_in_order(values.get(ids_key)) for kind_key, ids_key in _LINKS}
    for kind_key, ids_key in _LINKS:
        if len(links[kind_key]) > MAX_LINKS:
            err(ids_key, _("At most %(max)d per meeting.", max=MAX_LINKS))
            links[kind_key] = []
    if meeting is None:
        found = visible_ids({**links, "events": [event_id] if event_id is not None else []})
        if event_id is not None and event_id not in found["events"]:
            err("event_id", _("That event does not exist any more. Choose another."))
        for kind_key, ids in links.items():
            setattr(checked, kind_key, [i for i in ids if i in found[kind_key]])
    else:
        for kind_key, ids in links.items():
            records, _missing = records_by_ids(kind_key, ids)
            setattr(checked, kind_key, records)
        found = {kind_key: {r.id for r in getattr(checked, kind_key)} for kind_key in links}
    for kind_key, ids_key in _LINKS:
        missing = [i for i in links[kind_key] if i not in found[kind_key]]
        if missing:
            err(ids_key, _("Some of what was picked does not exist or is not shared with you "
                           "(%(ids)s). Remove it and pick again.",
                           ids=", ".join(f"#{i}" for i in missing)))

    for new_key in ("new_people", "new_organizations"):
        names = values.get(new_key) or []
        if len(names) > MAX_LINKS:
            err(new_key, _("At most %(max)d per meeting.", max=MAX_LINKS))
        for name in names:
            if len(name) > NAME_MAX:
                err(new_key, _("“%(start)s…” is longer than %(max)d characters.",
                               start=name[:30], max=NAME_MAX))

    checked.follow_ups = _validate_follow_ups(values.get("follow_ups") or [], meeting, err)
    if errors:
        raise ValidationFailed(errors)
    return checked


def _validate_follow_ups(rows: list[dict], meeting: Meeting | None, err) -> list[dict]:
    if len(rows) > MAX_FOLLOW_UPS:
        err("follow_ups", _("At most %(max)d follow-ups per meeting.", max=MAX_FOLLOW_UPS))
        return []
    owner_ids = {row.get("owner_id") for row in rows if row.get("owner_id") is not None}
    owners = {u.id: u for u in db.session.scalars(sa.select(User).where(
        User.id.in_(owner_ids), User.active.is_(True), User.role.in_(FOLLOW_UP_OWNER_ROLES)))}
    existing = {f.id: f for f in meeting.follow_ups} if meeting is not None else {}
    checked = []
    for number, row in enumerate(rows, start=1):
        description = (row.get("description") or "").strip()
        if not description:
            err("follow_ups", _("Follow-up %(n)d: say what should happen.", n=number))
        elif len(description) > DESCRIPTION_MAX:
            err("follow_ups", _("Follow-up %(n)d: at most %(max)d characters.",
                                n=number, max=DESCRIPTION_MAX))
        owner_id = row.get("owner_id")
        if owner_id not in owners:
            err("follow_ups", _("Follow-up %(n)d: the owner must be an active staff member or "
                                "administrator.", n=number))
        due = row.get("due_date")
        if due is not None and not isinstance(due, date):
            err("follow_ups", _("Follow-up %(n)d: enter the due date as a date.", n=number))
        if row.get("id") is not None and row["id"] not in existing:
            err("follow_ups", _("Follow-up %(n)d is not one of this meeting's.", n=number))
        checked.append({**row, "description": description,
                        "owner": owners.get(owner_id), "done": bool(row.get("done"))})
    return checked


def _is_latin_free(name: str) -> bool:
    return not any("a" <= ch.lower() <= "z" for ch in name)


def _create_new_links(values: dict) -> tuple[list[Person], list[Organization]]:
    people = [create_person({"full_name": name, "role": PersonRole.OTHER,
                             "local_name": name if _is_latin_free(name) else None})
              for name in unique_in_order(values.get("new_people"))]
    organizations = [create_organization({"name": name, "kind": OrganizationKind.OTHER,
                                          "local_name": name if _is_latin_free(name) else None,
                                          "aliases": []})
                     for name in unique_in_order(values.get("new_organizations"))]
    return people, organizations


_LINKS = (("people", "person_ids"), ("organizations", "organization_ids"),
          ("projects", "project_ids"))
_LINK_TABLES = {"people": (meeting_people, "person_id"),
                "organizations": (meeting_organizations, "organization_id"),
                "projects": (meeting_projects, "project_id")}


def _touch_projects(project_ids: list[int], moment: datetime) -> None:
    """Something happened on these projects: their last activity moves forward to
    `moment` (never back), without counting as an edit of the project (no version bump,
    so nobody editing the project at the same time is told it went stale)."""
    if not project_ids:
        return
    projects = Project.__table__  # a plain UPDATE: no project of this session shows it
    db.session.execute(
        sa.update(projects)
        .where(projects.c.id.in_(project_ids),
               sa.or_(projects.c.last_activity_at.is_(None),
                      projects.c.last_activity_at < moment))
        .values(last_activity_at=moment, updated_at=projects.c.updated_at))


def log_meeting(values: dict, *, logged_by: User | None) -> Meeting:
    """Record a meeting with who and what it was about and its follow-ups.

    `values`: occurred_at (aware), event_id, location, summary, outcome, person_ids,
    organization_ids, project_ids, new_people, new_organizations (names to create),
    follow_ups [{description, owner_id, due_date, done}]. Creates the new people and
    organizations, moves the linked projects' last activity to now, and audits the
    meeting. Flushes, never commits; raises ValidationFailed before writing anything."""
    checked = _validate(values)
    new_people, new_organizations = _create_new_links(values)
    now = utcnow()
    meeting = Meeting(
        occurred_at=values["occurred_at"], event_id=values.get("event_id"),
        location=values.get("location") or None, summary=values["summary"].strip(),
        outcome=MeetingOutcome(values.get("outcome") or MeetingOutcome.NEUTRAL),
        logged_by=logged_by,
        follow_ups=[FollowUp(description=row["description"], owner=row["owner"],
                             due_date=row.get("due_date"), done=row["done"],
                             done_at=now if row["done"] else None)
                    for row in checked.follow_ups])
    db.session.add(meeting)
    db.session.flush()  # the meeting's id, the new people's and organizations', the follow-ups'
    # Links go in by id, checked visible above: loading the records only to link them
    # cost more than the rest of logging the meeting.
    links = {"people": checked.people + [p.id for p in new_people],
             "organizations": checked.organizations + [o.id for o in new_organizations],
             "projects": checked.projects}
    for kind_key, ids in links.items():
        table, column = _LINK_TABLES[kind_key]
        if ids:
            db.session.execute(sa.insert(table), [{"meeting_id": meeting.id, column: i}
                                                  for i in ids])
    db.session.expire(meeting, ["people", "organizations", "projects"])  # read again if asked
    lifecycle.create(meeting, extra={
        "person_ids": sorted(links["people"]), "organization_ids": sorted(links["organizations"]),
        "project_ids": sorted(links["projects"]),
        "follow_ups": [_follow_up_state(f) for f in meeting.follow_ups]})
    _touch_projects(checked.projects, now)
    return meeting


def _link_state(meeting: Meeting) -> dict:
    """Who and what a meeting links to, as its audit entries record them."""
    return {"person_ids": sorted(p.id for p in meeting.people),
            "organization_ids": sorted(o.id for o in meeting.organizations),
            "project_ids": sorted(p.id for p in meeting.projects),
            "follow_ups": [_follow_up_state(f) for f in meeting.follow_ups]}


def update_meeting(meeting: Meeting, values: dict, expected_version=None) -> dict:
    """Change a meeting, its links and its follow-ups (the list given replaces the
    meeting's: rows with an `id` update that follow-up, rows without are added, follow-ups
    not listed are removed). Projects newly linked get their last activity moved.
    Returns {field: [old, new]}."""
    lifecycle.check_version(meeting, expected_version)
    checked = _validate(values, meeting)
    new_people, new_organizations = _create_new_links(values)
    now = utcnow()

    before = _link_state(meeting)
    # Links to records archived since are not offered for editing; they are kept.
    meeting.people = checked.people + new_people + _archived(meeting.people)
    meeting.organizations = (checked.organizations + new_organizations
                             + _archived(meeting.organizations))
    meeting.projects = checked.projects + _archived(meeting.projects)
    _replace_follow_ups(meeting, checked.follow_ups, now)
    db.session.flush()
    after = _link_state(meeting)
    extra = {key: [before[key], after[key]] for key in before if before[key] != after[key]}

    scalars = {"occurred_at": values["occurred_at"], "event_id": values.get("event_id"),
               "location": values.get("location") or None,
               "summary": values["summary"].strip(),
               "outcome": MeetingOutcome(values.get("outcome") or MeetingOutcome.NEUTRAL)}
    if extra:
        scalars["updated_at"] = now  # a change of links is a change of the meeting (version)
    changes = lifecycle.update(meeting, scalars, extra_changes=extra)
    changes.pop("updated_at", None)
    set_committed_value(meeting, "event", checked.event)
    _touch_projects([p.id for p in checked.projects if p.id not in before["project_ids"]], now)
    return changes


def _archived(records) -> list:
    return [r for r in records if r.is_archived]


def _follow_up_state(follow_up: FollowUp) -> dict:
    return {"id": follow_up.id, "description": follow_up.description,
            "owner_id": follow_up.owner_id,
            "due_date": follow_up.due_date.isoformat() if follow_up.due_date else None,
            "done": follow_up.done}


def _replace_follow_ups(meeting: Meeting, rows: list[dict], now: datetime) -> None:
    existing = {f.id: f for f in meeting.follow_ups}
    kept = []
    for row in rows:
        follow_up = existing.get(row.get("id")) if row.get("id") is not None else None
        if follow_up is None:
            follow_up = FollowUp()
        follow_up.description = row["description"]
        follow_up.owner = row["owner"]
        follow_up.due_date = row.get("due_date")
        if row["done"] and not follow_up.done:
            follow_up.done_at = now
        elif not row["done"]:
            follow_up.done_at = None
        follow_up.done = row["done"]
        kept.append(follow_up)
    meeting.follow_ups = kept


def archive_meeting(meeting: Meeting, expected_version=None) -> None:
    lifecycle.archive(meeting, expected_version)


def complete_follow_up(follow_up: FollowUp) -> None:
    """Mark a follow-up done (now); doing it twice changes nothing."""
    if not follow_up.done:
        lifecycle.update(follow_up, {"done": True, "done_at": utcnow()})


def reopen_follow_up(follow_up: FollowUp) -> None:
    if follow_up.done:
        lifecycle.update(follow_up, {"done": False, "done_at": None})


# --- lists ------------------------------------------------------------------------------

@dataclass(frozen=True)
class MeetingFilters:
    """The filters of the meetings list (and the API's): all optional."""

    event_id: int | None = None
    organization_id: int | None = None
    person_id: int | None = None
    project_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    outcome: MeetingOutcome | None = None
    q: str | None = None

    @classmethod
    def from_args(cls, args) -> MeetingFilters:
        """From a query string; values that are not well-formed are ignored rather than
        failing the page."""
        def day(name):
            try:
                return date.fromisoformat(str(args.get(name, "") or ""))
            except ValueError:
                return None
        outcome = args.get("outcome") or None
        return cls(
            event_id=parse_id(args.get("event_id")),
            organization_id=parse_id(args.get("organization_id")),
            person_id=parse_id(args.get("person_id")), project_id=parse_id(args.get("project_id")),
            date_from=day("from"), date_to=day("to"),
            outcome=MeetingOutcome(outcome) if outcome in set(MeetingOutcome) else None,
            q=(args.get("q") or "").strip()[:200] or None)

    def as_args(self) -> dict:
        names = {"date_from": "from", "date_to": "to"}
        out = {}
        for key, value in self.__dict__.items():
            if value is None:
                continue
            out[names.get(key, key)] = (value.isoformat() if isinstance(value, date)
                                        else getattr(value, "value", value))
        return out

    @property
    def active(self) -> bool:
        return bool(self.as_args())


def filtered_meetings(filters: MeetingFilters, of: sa.Select | None = None) -> sa.Select:
    """Visible meetings matching `filters`, newest first (the access layer adds the rest);
    `of` selects something else from meetings (their ids) with the same filters.
    `q` matches the notes and the names of the people, organizations and projects."""
    stmt = sa.select(Meeting) if of is None else of
    if filters.event_id:
        stmt = stmt.where(Meeting.event_id == filters.event_id)
    if filters.organization_id:
        stmt = stmt.where(Meeting.id.in_(sa.select(meeting_organizations.c.meeting_id).where(
            meeting_organizations.c.organization_id == filters.organization_id)))
    if filters.person_id:
        stmt = stmt.where(Meeting.id.in_(sa.select(meeting_people.c.meeting_id).where(
            meeting_people.c.person_id == filters.person_id)))
    if filters.project_id:  # a meeting may be visible while a project discussed is not
        stmt = stmt.where(Meeting.id.in_(sa.select(meeting_projects.c.meeting_id).where(
            access.refers_to(meeting_projects.c.project_id, Project, filters.project_id))))
    if filters.date_from:
        stmt = stmt.where(Meeting.occurred_at >= datetime.combine(filters.date_from, time.min, UTC))
    if filters.date_to:
        stmt = stmt.where(Meeting.occurred_at < datetime.combine(
            filters.date_to + timedelta(days=1), time.min, UTC))
    if filters.outcome:
        stmt = stmt.where(Meeting.outcome == filters.outcome)
    if filters.q:
        needle = fold(filters.q)
        stmt = stmt.where(sa.or_(
            notes_contain(filters.q),
            Meeting.id.in_(sa.select(meeting_people.c.meeting_id).join(
                Person, Person.id == meeting_people.c.person_id)
                .where(Person.search_text.contains(needle, autoescape=True))),
            Meeting.id.in_(sa.select(meeting_organizations.c.meeting_id).join(
                Organization, Organization.id == meeting_organizations.c.organization_id)
                .where(Organization.search_text.contains(needle, autoescape=True))),
            Meeting.id.in_(sa.select(meeting_projects.c.meeting_id).join(
                Project, Project.id == meeting_projects.c.project_id)
                .where(Project.search_text.contains(needle, autoescape=True)))))
    return stmt.order_by(Meeting.occurred_at.desc(), Meeting.id.desc())


def with_list_details(stmt: sa.Select) -> sa.Select:
    """Eager-load what a list row shows, in a constant number of queries."""
    return stmt.options(
        selectinload(Meeting.event),
        selectinload(Meeting.people),
        selectinload(Meeting.organizations),
        selectinload(Meeting.projects),
        selectinload(Meeting.follow_ups),
    )


DUE_WINDOW_DAYS = 7
RECENTLY_DONE_DAYS = 14
RECENTLY_DONE_ROWS = 20
OPEN_GROUPS = ("overdue", "due", "later")
GROUP_ROWS = 50  # shown per group; ?more=<group> shows up to GROUP_ROWS_MORE of that one
GROUP_ROWS_MORE = 500
# A long group is counted only this far ("100+"): counting thousands of one person's
# follow-ups, each checked against its meeting, cost more than the rest of the page
# (tens of milliseconds on PostgreSQL), and past two pages the exact number tells little.
COUNTED_UP_TO = 100

# What a follow-up in a list shows: columns, not records (a page lists up to 170 of them).
FOLLOW_UP_COLUMNS = (FollowUp.id, FollowUp.description, FollowUp.due_date, FollowUp.done,
                     FollowUp.done_at, FollowUp.meeting_id,
                     Meeting.occurred_at.label("meeting_at"), Event.label.label("event_label"))


SUMMARY_SHOWN = 226  # of the notes, for a list row (it truncates them to 220 characters)


@dataclass
class MeetingListItem:
    """A row of the meetings list: the columns it shows, its follow-ups counted, and who
    and what it was about as (id, name, local name) rows."""

    id: int
    occurred_at: datetime
    timezone: str
    event_label: str | None
    outcome: MeetingOutcome
    location: str | None
    summary: str
    follow_ups: int
    open_follow_ups: int
    people: list = field(default_factory=list)
    organizations: list = field(default_factory=list)
    projects: list = field(default_factory=list)


@dataclass
class MeetingPage:
    """One page of the meetings list. The table grows by the thousand each festival: rather
    than counting it for every page, one row more than a page is read to know whether
    there is a next one."""

    page: int
    items: list[MeetingListItem]
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1


def meeting_page(filters: MeetingFilters, page: int, per_page: int) -> MeetingPage:
    """Page `page` (from 1) of the visible meetings matching `filters`, in three statements
    whatever the page: its ids (an index walk, without reading the rows it skips), those
    meetings' columns, and who and what they were about."""
    ids = db.session.scalars(filtered_meetings(filters, sa.select(Meeting.id))
                             .limit(fixed_limit(per_page + 1))
                             .offset(fixed_limit((page - 1) * per_page))).all()
    return MeetingPage(page, list_items(ids[:per_page]), has_next=len(ids) > per_page)


def list_items(meeting_ids: list[int]) -> list[MeetingListItem]:
    """The list rows of these (visible) meetings, in the given order. Archived events,
    people, organizations and projects are still named, as on the meeting's own page."""
    if not meeting_ids:
        return []

    def follow_ups(*conditions):
        return (sa.select(sa.func.count()).where(FollowUp.meeting_id == Meeting.id, *conditions)
                .correlate(Meeting).scalar_subquery())
    rows = db.session.execute(
        sa.select(Meeting.id, Meeting.occurred_at, Meeting.outcome, Meeting.location,
                  sa.func.substr(Meeting.summary, 1, SUMMARY_SHOWN).label("summary"),
                  Event.label.label("event_label"), Event.country.label("event_country"),
                  follow_ups().label("follow_ups"),
                  follow_ups(FollowUp.done.is_(False)).label("open_follow_ups"))
        .outerjoin(Event, Event.id == Meeting.event_id).where(Meeting.id.in_(meeting_ids))
        .execution_options(include_archived=True)).all()
    items = {row.id: MeetingListItem(
        id=row.id, occurred_at=row.occurred_at,
        timezone=COUNTRY_TIMEZONES.get(row.event_country or "", "UTC"),
        event_label=row.event_label, outcome=row.outcome, location=row.location,
        summary=row.summary, follow_ups=row.follow_ups, open_follow_ups=row.open_follow_ups)
        for row in rows}
    kinds = ("people", "organizations", "projects")
    links = sa.union_all(*(
        sa.select(table.c.meeting_id, sa.literal(number).label("kind"), model.id.label("id"),
                  name.label("name"), local.label("local"))
        .join(model, model.id == column).where(table.c.meeting_id.in_(meeting_ids))
        for number, (table, column, model, name, local) in enumerate((
            (meeting_people, meeting_people.c.person_id, Person, Person.full_name,
             Person.local_name),
            (meeting_organizations, meeting_organizations.c.organization_id, Organization,
             Organization.name, Organization.local_name),
            (meeting_projects, meeting_projects.c.project_id, Project, Project.title,
             Project.original_title))))).subquery()
    for row in db.session.execute(
            sa.select(links).order_by(links.c.kind, links.c.name, links.c.id)
            .execution_options(include_archived=True)):
        item = items.get(row.meeting_id)
        if item is not None:
            getattr(item, kinds[row.kind]).append(row)
    return [items[i] for i in meeting_ids if i in items]


@dataclass
class FollowUpGroups:
    """Someone's follow-ups by when they are due (rows of FOLLOW_UP_COLUMNS), soonest
    first; those done lately, latest first."""

    overdue: list = field(default_factory=list)
    due: list = field(default_factory=list)
    later: list = field(default_factory=list)
    done: list = field(default_factory=list)
    # Sizes of the open groups with more rows than shown, counted up to COUNTED_UP_TO + 1.
    counts: dict[str, int] = field(default_factory=dict)
    who: dict[int, list[str]] = field(default_factory=dict)  # meeting id -> people, orgs

    def count(self, key: str) -> int:
        """The group's size, or at least that many (see `capped`)."""
        shown = len(getattr(self, key))
        counted = self.counts.get(key, shown)
        return max(min(counted, COUNTED_UP_TO), shown) if counted > COUNTED_UP_TO else counted

    def capped(self, key: str) -> bool:
        """The group has more than `count` follow-ups (it was not counted to the end)."""
        return self.counts.get(key, 0) > COUNTED_UP_TO

    def count_label(self, key: str) -> str:
        """'53', or '100+' for a group larger than that."""
        return f"{self.count(key)}+" if self.capped(key) else str(self.count(key))

    def more(self, key: str) -> int:
        """How many of a group are not shown (at least that many, when capped)."""
        return self.count(key) - len(getattr(self, key))

    @property
    def open_count(self) -> int:
        return sum(self.count(key) for key in OPEN_GROUPS)

    @property
    def open_count_capped(self) -> bool:
        return any(self.capped(key) for key in OPEN_GROUPS)


def my_follow_ups(user: User, today: date, *, groups=(*OPEN_GROUPS, "done"),
                  rows: int | None = None, expand: str | None = None,
                  details: bool = True) -> FollowUpGroups:
    """`user`'s follow-ups of visible meetings, in `groups`: overdue (open, due before
    today), due (today to 7 days ahead), later (after that, or no date), done (in the
    last 14 days). The soonest `rows` (GROUP_ROWS) of each, GROUP_ROWS_MORE of the
    `expand` one.
    `details`: the size of the groups with more than that, and who was at each meeting
    (the follow-ups page; the dashboard needs neither).

    A fixed number of statements however many there are: every group's first rows at
    once, then (details) the sizes of the long groups and the names."""
    horizon = today + timedelta(days=DUE_WINDOW_DAYS)
    limits = {key: (GROUP_ROWS_MORE if key == expand else
                    RECENTLY_DONE_ROWS if key == "done" else rows or GROUP_ROWS) for key in groups}
    values = {"owner_id": user.id, "today": today, "horizon": horizon,
              "done_since": utcnow() - timedelta(days=RECENTLY_DONE_DAYS)}
    found = db.session.execute(
        _first_follow_ups(tuple(groups), tuple(limits.items())), values).all()

    def group_of(row) -> str:
        if row.done:
            return "done"
        if row.due_date is None or row.due_date > horizon:
            return "later"
        return "overdue" if row.due_date < today else "due"
    by_group: dict[str, list] = {key: [] for key in groups}
    for row in found:
        by_group[group_of(row)].append(row)
    for key, group in by_group.items():
        if key == "done":
            group.sort(key=lambda r: (r.done_at, r.id), reverse=True)
        else:
            group.sort(key=lambda r: (r.due_date is None, r.due_date or today, r.id))
    long_groups = [key for key in OPEN_GROUPS if key in groups
                   and len(by_group[key]) > limits[key]]
    result = FollowUpGroups(**{key: group[:limits[key]] for key, group in by_group.items()})
    if details:
        if long_groups:
            long_parts = [key for key, (group, _c, _o) in _FOLLOW_UP_PARTS.items()
                          if group in long_groups]
            sizes = db.session.execute(_group_sizes(tuple(long_parts)), values).one()
            for key, size in zip(long_parts, sizes):
                group = _FOLLOW_UP_PARTS[key][0]
                result.counts[group] = min(result.counts.get(group, 0) + size,
                                           COUNTED_UP_TO + 1)
        result.who = _who_was_there({row.meeting_id for row in found})
    return result


# The follow-ups' groups as parts that each walk the (owner, done, due date) index in
# their own order; "later" is two parts (dated, then undated) so that neither sorts or
# reads every open follow-up. The owner and the dates are bound at execution (owner_id,
# today, horizon, done_since): the statements are built once per process, not at every
# request (SQLAlchemy spent longer building the five-part UNION than running it).
_OPEN = FollowUp.done.is_(False)
_BY_DUE = (FollowUp.due_date, FollowUp.id)
_FOLLOW_UP_PARTS = {  # part: (group, condition, order)
    "overdue": ("overdue", sa.and_(_OPEN, FollowUp.due_date < sa.bindparam("today")), _BY_DUE),
    "due": ("due", sa.and_(_OPEN, FollowUp.due_date.between(sa.bindparam("today"),
                                                            sa.bindparam("horizon"))), _BY_DUE),
    "later": ("later", sa.and_(_OPEN, FollowUp.due_date > sa.bindparam("horizon")), _BY_DUE),
    "undated": ("later", sa.and_(_OPEN, FollowUp.due_date.is_(None)), (FollowUp.id,)),
    "done": ("done", sa.and_(FollowUp.done.is_(True),
                             FollowUp.done_at >= sa.bindparam("done_since")),
             (FollowUp.done_at.desc(), FollowUp.id.desc())),
}


def _mine() -> sa.Select:
    return (sa.select(FollowUp.id).join(FollowUp.meeting)
            .where(FollowUp.owner_id == sa.bindparam("owner_id")))


@functools.lru_cache(maxsize=32)
def _first_follow_ups(groups: tuple[str, ...], limits: tuple[tuple[str, int], ...]) -> sa.Select:
    """The first rows (up to each group's limit, and one more) of every part of `groups`."""
    limit = dict(limits)
    firsts = [sa.select(top.c.id) for top in (
        _mine().where(condition).order_by(*order).limit(fixed_limit(limit[group] + 1))
        .subquery() for group, condition, order in _FOLLOW_UP_PARTS.values() if group in groups)]
    return access.built_once(
        sa.select(*FOLLOW_UP_COLUMNS).join(FollowUp.meeting).outerjoin(Meeting.event)
        .where(FollowUp.id.in_(sa.union_all(*firsts))))


@functools.lru_cache(maxsize=32)
def _group_sizes(parts: tuple[str, ...]) -> sa.Select:
    """The sizes of these parts, each counted up to COUNTED_UP_TO + 1."""
    return access.built_once(sa.select(*(
        sa.select(sa.func.count()).select_from(
            _mine().where(_FOLLOW_UP_PARTS[part][1])
            .limit(fixed_limit(COUNTED_UP_TO + 1)).subquery())
        .scalar_subquery() for part in parts)))


def _who_was_there(meeting_ids: set[int]) -> dict[int, list[str]]:
    """The names of the people, then the organizations, of these meetings, in the order
    the meeting page shows them: one statement of names rather than hundreds of objects."""
    who: dict[int, list[str]] = {}
    if not meeting_ids:
        return who
    people = (sa.select(meeting_people.c.meeting_id, sa.literal(0).label("kind"),
                        Person.full_name.label("name"))
              .join(Person, meeting_people.c.person_id == Person.id)
              .where(meeting_people.c.meeting_id.in_(meeting_ids)))
    organizations = (sa.select(meeting_organizations.c.meeting_id, sa.literal(1),
                               Organization.name)
                     .join(Organization, meeting_organizations.c.organization_id == Organization.id)
                     .where(meeting_organizations.c.meeting_id.in_(meeting_ids)))
    names = sa.union_all(people, organizations).subquery()
    rows = db.session.execute(
        sa.select(names.c.meeting_id, names.c.name).order_by(names.c.kind, names.c.name)
        .execution_options(include_archived=True))  # as the meeting's own lists
    for meeting_id, name in rows:
        who.setdefault(meeting_id, []).append(name)
    return who
