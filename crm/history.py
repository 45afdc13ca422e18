"""History in people's words: what an audit entry changed, as sentences with names, in
the reader's language ("Budget changed from — to US$1,800,000.00"), for the timelines
and the audit trail.

An entry stores `{field: [old, new]}` with plain values: ids, enum values, ISO dates,
decimals as text. `Describer` reads a page of entries, finds the names of every record
they mention in one query per kind (through the access layer, like every read), and
then writes each change as a sentence.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from crm.extensions import db
from crm.formatting import DASH, format_date, format_datetime, format_money, format_share
from crm.links import record_url
from crm.models import (CreditRole, Event, Meeting, MeetingOutcome, Memorandum, MemorandumKind,
                        MemorandumStatus, Organization, OrganizationKind, PartyRole, Person,
                        PersonRole, PipelineStage, Project, ProjectFormat, ProjectStatus, Role,
                        User, stage_name)
from crm.reference import country_name, label

FIELDS = {
    "name": _l("Name"), "local_name": _l("Name in its own script"), "title": _l("Title"),
    "original_title": _l("Original title"), "logline": _l("Logline"), "format": _l("Format"),
    "genre": _l("Genre"), "stage_id": _l("Stage"), "stage": _l("Stage"),
    "status": _l("Status"), "budget": _l("Budget"), "next_step": _l("Next step"),
    "next_step_due": _l("Due"), "notes": _l("Notes"), "country": _l("Country"),
    "city": _l("City"), "kind": _l("Kind"), "website": _l("Website"), "email": _l("Email"),
    "phone": _l("Phone"), "role": _l("Role"), "organization_id": _l("Organization"),
    "origin_event_id": _l("Origin event"), "event_id": _l("Event"),
    "project_id": _l("Project"), "summary": _l("Notes"), "occurred_at": _l("When"),
    "outcome": _l("Outcome"), "location": _l("Where"), "reference": _l("Reference"),
    "signed_on": _l("Signed on"), "effective_from": _l("Effective from"),
    "expires_on": _l("Expires on"), "preferred_language": _l("Language"),
    "active": _l("Active"), "full_name": _l("Name"), "edition": _l("Edition"),
    "start_date": _l("Start date"), "end_date": _l("End date"), "venue": _l("Venue"),
    "parties": _l("Parties"), "people": _l("People"), "person_ids": _l("People"),
    "organization_ids": _l("Organizations"), "project_ids": _l("Projects"),
    "aliases": _l("Other spellings"), "password": _l("Password"), "position": _l("Position"),
    "key": _l("Key"), "name_ru": _l("Name in Russian"), "name_kk": _l("Name in Kazakh"),
    "attachments": _l("Attachments"), "terms": _l("Terms"), "follow_ups": _l("Follow-ups"),
    "timezone": _l("Time zone"), "tokens_revoked": _l("API tokens revoked"),
}
# Fields never shown as sentences: bookkeeping, or said by the entry's own title.
QUIET = frozenset({"id", "created_at", "updated_at", "version", "last_activity_at",
                   "search_text", "archived_at", "budget_currency", "session_token",
                   "last_login_at", "logged_by_id"})
# An enum field's type, by the kind of record (the same name means different things).
ENUMS = {
    ("Project", "status"): ProjectStatus, ("Memorandum", "status"): MemorandumStatus,
    ("Project", "format"): ProjectFormat, ("Organization", "kind"): OrganizationKind,
    ("Memorandum", "kind"): MemorandumKind, ("User", "role"): Role,
    ("Person", "role"): PersonRole, ("Meeting", "outcome"): MeetingOutcome,
}
# Fields that hold the id (or ids) of another record: (model, endpoint of its page).
REFERENCES = {
    "stage_id": (PipelineStage, None), "organization_id": (Organization, "organizations.detail"),
    "origin_event_id": (Event, "events.detail"), "event_id": (Event, "events.detail"),
    "project_id": (Project, "projects.detail"), "person_ids": (Person, "people.detail"),
    "organization_ids": (Organization, "organizations.detail"),
    "project_ids": (Project, "projects.detail"),
}
# The records an entry is about: its object_type -> (model, endpoint of its page).
OBJECTS = {
    "Project": (Project, "projects.detail"), "Organization": (Organization, "organizations.detail"),
    "Person": (Person, "people.detail"), "Event": (Event, "events.detail"),
    "Memorandum": (Memorandum, "memoranda.detail"), "Meeting": (Meeting, "meetings.detail"),
    "PipelineStage": (PipelineStage, None),
    "User": (User, "admin.edit_user"),
}
ACTIONS = {
    "create": _l("Created"), "update": _l("Edited"), "archive": _l("Archived"),
    "restore": _l("Restored"), "delete": _l("Deleted"), "stage_move": _l("Moved to a stage"),
    "reorder": _l("Reordered"), "login": _l("Signed in"), "login_failed": _l("Sign-in refused"),
    "logout": _l("Signed out"), "logout_everywhere": _l("Signed out on every device"),
    "revoke": _l("Token revoked"), "denied": _l("Access refused"),
    "password_change": _l("Password changed"),
    "password_change_failed": _l("Password change refused"),
    "password_reset_requested": _l("Password reset asked for"),
    "password_reset": _l("Password reset"), "invite": _l("Invited"),
    "invitation_accepted": _l("Invitation accepted"),
}


def _name_column(model):
    if model is PipelineStage:
        return stage_name()
    if model is Event:
        edition = sa.func.coalesce(sa.cast(Event.edition, sa.String), "")
        return sa.func.trim(Event.name + " " + edition)
    if model is Meeting:  # the start of its notes, as the meetings list shows it
        return sa.func.substr(Meeting.summary, 1, 60)
    return {Project: Project.title, Person: Person.full_name,
            Memorandum: Memorandum.reference}.get(model, getattr(model, "name", None))


@dataclass(slots=True)
class Mention:
    """A record named in the history, linked when it has a page."""
    name: str
    url: str | None = None


class Describer:
    """Sentences for a page of audit entries (dicts of changes with their object type)."""

    def __init__(self, entries: list[tuple[str | None, int | None, dict | None]]):
        wanted: dict[type, set[int]] = defaultdict(set)
        for object_type, object_id, changes in entries:
            if object_type in OBJECTS and object_id:
                wanted[OBJECTS[object_type][0]].add(object_id)
            for field, change in (changes or {}).items():
                if field in REFERENCES:
                    wanted[REFERENCES[field][0]].update(_ids(change))
                elif field == "parties":
                    wanted[Organization].update(row[0] for side in change if side for row in side)
                elif field == "people":
                    wanted[Person].update(row[0] for side in change if side for row in side)
        self.names: dict[type, dict[int, str]] = {}
        for model, ids in wanted.items():
            ids = {i for i in ids if isinstance(i, int)}
            column = _name_column(model)
            if not ids or column is None:
                continue
            rows = db.session.execute(sa.select(model.id, column).where(model.id.in_(ids)))
            self.names[model] = {ident: name for ident, name in rows}

    def mention(self, model, ident, endpoint: str | None = None) -> Mention:
        name = self.names.get(model, {}).get(ident)
        if name is None:  # gone, or not shared with this reader
            return Mention(gettext("#%(id)s", id=ident))
        return Mention(name, record_url(endpoint, ident) if endpoint else None)

    def object(self, object_type: str | None, object_id: int | None) -> Mention | None:
        if not object_type:
            return None
        model, endpoint = OBJECTS.get(object_type, (None, None))
        if model is None or not object_id:
            return Mention(f"{object_type} #{object_id}" if object_id else object_type)
        return self.mention(model, object_id, endpoint)

    def sentences(self, object_type: str | None, changes: dict | None) -> list[str]:
        """Each change as a sentence, the budget's amount and currency as one."""
        if not changes:
            return []
        said = []
        changes = dict(changes)
        if "budget_amount" in changes or "budget_currency" in changes:
            amounts = changes.pop("budget_amount", [None, None])
            currencies = changes.get("budget_currency") or [None, None]
            changes["budget"] = [_money(amounts[0], currencies[0]),
                                 _money(amounts[1], currencies[1])]
        for field, change in changes.items():
            if field in QUIET or not isinstance(change, (list, tuple)) or len(change) != 2:
                continue
            old, new = (self.value(object_type, field, side) for side in change)
            what = str(FIELDS.get(field, field.replace("_", " ").capitalize()))
            if field == "password":
                said.append(gettext("%(field)s changed", field=what))
            elif change[0] in (None, "", []):
                said.append(gettext("%(field)s set to %(new)s", field=what, new=new))
            elif change[1] in (None, "", []):
                said.append(gettext("%(field)s cleared (was %(old)s)", field=what, old=old))
            else:
                said.append(gettext("%(field)s changed from %(old)s to %(new)s",
                                    field=what, old=old, new=new))
        return said

    def value(self, object_type: str | None, field: str, value) -> str:
        if value in (None, "", []):
            return DASH
        if field == "budget":
            return value
        if field in REFERENCES:
            model, endpoint = REFERENCES[field]
            return ", ".join(self.mention(model, i, endpoint).name for i in _ids(value))
        if field == "parties":
            return "; ".join(self._party(row) for row in value)
        if field == "people":
            return "; ".join(f"{self.mention(Person, row[0]).name} ({label(CreditRole(row[1]))})"
                             for row in value)
        enum = ENUMS.get((object_type, field))
        if enum is not None:
            try:
                return label(enum(value))
            except ValueError:
                return str(value)
        if field == "country":
            return country_name(value)
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
            try:
                return format_date(date.fromisoformat(value))
            except ValueError:
                pass
        if isinstance(value, str) and len(value) > 10 and value[4:5] == "-" and "T" in value:
            try:
                return format_datetime(datetime.fromisoformat(value))
            except ValueError:
                pass
        if isinstance(value, (list, dict)):
            return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return str(value)

    def _party(self, row) -> str:
        organization_id, role, share = (list(row) + [None, None])[:3]
        try:
            role_text = label(PartyRole(role))
        except ValueError:
            role_text = str(role)
        share_text = f", {format_share(Decimal(share))}" if share else ""
        return f"{self.mention(Organization, organization_id).name} ({role_text}{share_text})"


def action_label(action: str) -> str:
    return str(ACTIONS.get(action, action))


def _ids(value) -> list:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        flat = []
        for side in value:
            flat.extend(side if isinstance(side, (list, tuple)) else [side])
        return [i for i in flat if i is not None]
    return [value]


def _money(amount, currency) -> str | None:
    if amount in (None, ""):
        return None
    try:
        return format_money(Decimal(str(amount)), currency)
    except (InvalidOperation, ValueError):
        return str(amount)
