"""Memoranda: creating and changing them, their status workflow and their attachments (the
same code for pages, API and CLI).

Workflow. A memorandum starts as a *draft*, goes to *negotiating* while the parties talk
(and back to *draft* if the text is reworked), becomes *signed* once signed (a draft may be
signed directly, e.g. at a festival ceremony), and finally *expired* (its term ran out) or
*terminated* (ended early; talks abandoned before signing also end here). Signed is final
for its content: it can only expire or be terminated, never go back to draft or
negotiating. Expired and terminated are final: only an administrator may leave them (or
make any other change of status) to correct a mistake. Whatever the route, *signed* needs
`signed_on` and at least two parties, `expires_on` may not be before `effective_from`,
and each organization is a party at most once. A new memorandum may be recorded in any
status (deals are often entered after the fact); the same rules apply. Every change of
status is an audited update (old → new) through `crm.lifecycle`, like every other edit.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session, aliased, selectinload

from crm import access, audit, lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import (Attachment, Event, Memorandum, MemorandumKind, MemorandumParty,
                        MemorandumStatus, MemorandumTerm, Organization, Person, Project, fold,
                        utcnow)
from crm.reference import label
from crm.postgresql import fixed_limit
from crm.text import download_stem

S = MemorandumStatus

#: Where a status may go next (for everyone but administrators, who may correct anything).
TRANSITIONS: dict[MemorandumStatus, frozenset[MemorandumStatus]] = {
    S.DRAFT: frozenset({S.NEGOTIATING, S.SIGNED, S.TERMINATED}),
    S.NEGOTIATING: frozenset({S.DRAFT, S.SIGNED, S.TERMINATED}),
    S.SIGNED: frozenset({S.EXPIRED, S.TERMINATED}),
    S.EXPIRED: frozenset(),
    S.TERMINATED: frozenset(),
}

EXPIRY_WARNING_DAYS = 60
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
REFERENCE_PREFIX = "MOU"

# Content type -> (magic bytes at the start of the file, extensions that name it).
ATTACHMENT_TYPES: dict[str, tuple[bytes, tuple[str, ...]]] = {
    "application/pdf": (b"%PDF-", (".pdf",)),
    "image/png": (b"\x89PNG\r\n\x1a\n", (".png",)),
    "image/jpeg": (b"\xff\xd8\xff", (".jpg", ".jpeg", ".jpe")),
}
_TYPE_LABELS = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


# --- the workflow ----------------------------------------------------------------------

def next_statuses(current: MemorandumStatus, *, override: bool = False) -> list[MemorandumStatus]:
    """The statuses a memorandum in `current` may move to, in workflow order."""
    allowed = set(MemorandumStatus) - {current} if override else TRANSITIONS[current]
    return [status for status in MemorandumStatus if status in allowed]


def can_move(current: MemorandumStatus, new: MemorandumStatus, *, override: bool = False) -> bool:
    return new == current or new in next_statuses(current, override=override)


def expiry_state(memo: Memorandum, today: date) -> str | None:
    """'soon' when a signed memorandum expires within 60 days, 'passed' when its expiry date
    has gone by but nobody marked it expired yet, else None."""
    if memo.status != S.SIGNED or memo.expires_on is None:
        return None
    if memo.expires_on < today:
        return "passed"
    if memo.expires_on <= today + timedelta(days=EXPIRY_WARNING_DAYS):
        return "soon"
    return None


# --- validation ------------------------------------------------------------------------

def _msg(text, **params) -> str:
    return str(text) % params if params else str(text)


def _add(errors: dict[str, list[str]], field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def normalize_reference(reference: str | None) -> str:
    return unicodedata.normalize("NFC", (reference or "").strip()).upper()


def reference_taken(reference: str, memo: Memorandum | None = None) -> bool:
    """Whether another memorandum than `memo` has this (normalized) reference."""
    stmt = sa.select(Memorandum.id).where(sa.func.upper(Memorandum.reference) == reference)
    if memo is not None and memo.id is not None:
        stmt = stmt.where(Memorandum.id != memo.id)
    # Archived memoranda keep their reference: it stays taken.
    return db.session.scalar(
        stmt.execution_options(include_archived=True).limit(fixed_limit(1))) is not None


def _blank(row: dict, keys) -> bool:
    return not any(row.get(key) not in (None, "") for key in keys)


def _clean_parties(parties: list[dict], errors: dict) -> list[dict]:
    """Check party rows: organization present and known, each organization once, the
    signatory a known person. Rows left entirely empty are skipped (a form's spare rows);
    errors name the row as given: 'parties.<index>.<field>'. Returns the rows with ids."""
    cleaned = []
    org_ids = {p.get("organization_id") for p in parties if p.get("organization_id")}
    person_ids = {p.get("signatory_person_id") for p in parties if p.get("signatory_person_id")}
    orgs = {o.id: o for o in db.session.scalars(
        sa.select(Organization).where(Organization.id.in_(org_ids))
        .execution_options(include_archived=True))} if org_ids else {}
    people = set(db.session.scalars(
        sa.select(Person.id).where(Person.id.in_(person_ids))
        .execution_options(include_archived=True))) if person_ids else set()
    seen: set[int] = set()
    for index, party in enumerate(parties):
        if _blank(party, ("organization_id", "signatory_person_id", "role")):
            continue
        org_id, person_id = party.get("organization_id"), party.get("signatory_person_id")
        role = (party.get("role") or "").strip() or None
        at = f"parties.{index}."
        if not org_id:
            _add(errors, at + "organization_id", str(_l("Choose the organization.")))
        elif org_id not in orgs:
            _add(errors, at + "organization_id", str(_l("Unknown organization.")))
        elif org_id in seen:
            _add(errors, at + "organization_id", _msg(
                _l("%(name)s is already a party: each organization can be a party only once."),
                name=orgs[org_id].name))
        seen.add(org_id)
        if person_id and person_id not in people:
            _add(errors, at + "signatory_person_id",
                 str(_l("The signatory must be a person from the contacts.")))
        if role and len(role) > 80:
            _add(errors, at + "role", str(_l("The role may be at most 80 characters.")))
        cleaned.append({"organization_id": org_id, "signatory_person_id": person_id or None,
                        "role": role})
    return cleaned


def _clean_terms(terms: list[dict], errors: dict) -> list[dict]:
    """Terms in order; empty rows skipped; errors at 'terms.<index>.<field>'."""
    cleaned = []
    for index, term in enumerate(terms):
        heading = (term.get("heading") or "").strip()
        text = (term.get("text") or "").strip()
        if not heading and not text:
            continue
        at = f"terms.{index}."
        if not heading:
            _add(errors, at + "heading", str(_l("Give this term a heading.")))
        elif len(heading) > 200:
            _add(errors, at + "heading", str(_l("The heading may be at most 200 characters.")))
        if not text:
            _add(errors, at + "text", str(_l("Write what the parties agree.")))
        cleaned.append({"heading": heading, "text": text})
    return cleaned


def _validate(memo: Memorandum | None, values: dict, parties: list[dict] | None,
              terms: list[dict] | None, *, override: bool) -> tuple[dict, list | None, list | None]:
    """Check everything before anything is written; raise ValidationFailed with every
    problem at its field. Returns the cleaned values, parties and terms."""
    errors: dict[str, list[str]] = {}
    values = dict(values)
    current = {c: getattr(memo, c) for c in ("reference", "title", "status", "signed_on",
                                               "effective_from", "expires_on")} if memo else {}
    merged = {**current, **values}

    if "reference" in values or memo is None:
        values["reference"] = normalize_reference(values.get("reference"))
        if not values["reference"]:
            _add(errors, "reference", str(_l("A reference is required, e.g. MOU-2018-001.")))
        elif len(values["reference"]) > 40:
            _add(errors, "reference", str(_l("The reference may be at most 40 characters.")))
        elif reference_taken(values["reference"], memo):
            _add(errors, "reference", _msg(
                _l("A memorandum with the reference %(reference)s already exists."),
                reference=values["reference"]))
    if not (merged.get("title") or "").strip():
        _add(errors, "title", str(_l("A title is required.")))
    for field, limit in (("title", 300), ("signed_place", 200)):
        if len(values.get(field) or "") > limit:
            _add(errors, field, _msg(_l("At most %(limit)d characters."), limit=limit))
    if "kind" in values and values["kind"] not in set(MemorandumKind):
        _add(errors, "kind", str(_l("Choose a kind from the list.")))
    # Linked records must exist and be visible to the user (the access layer decides).
    for field, model in (("project_id", Project), ("event_id", Event)):
        ident = values.get(field)
        if ident is not None and db.session.scalar(sa.select(model.id).where(model.id == ident)) is None:
            _add(errors, field, str(_l("No such record, or it is not shared with you.")))

    try:
        status = MemorandumStatus(merged.get("status") or S.DRAFT)
    except ValueError:
        raise ValidationFailed({"status": [str(_l("Choose a status from the list."))]}) from None
    values["status"] = status
    if memo is not None and not can_move(memo.status, status, override=override):
        _add(errors, "status", _msg(
            _l("A memorandum cannot go from %(old)s to %(new)s."),
            old=label(memo.status), new=label(status)) + " " + _allowed_hint(memo.status, override))

    if parties is not None:
        parties = _clean_parties(parties, errors)
    party_count = len(parties) if parties is not None else len(memo.parties if memo else [])
    if terms is not None:
        terms = _clean_terms(terms, errors)

    if status == S.SIGNED:
        if not merged.get("signed_on"):
            _add(errors, "signed_on", str(_l("A signed memorandum needs the date it was signed.")))
        if party_count < 2:
            _add(errors, "parties", str(_l("A signed memorandum needs at least two parties.")))
    effective, expires = merged.get("effective_from"), merged.get("expires_on")
    if effective and expires and expires < effective:
        _add(errors, "expires_on", str(_l("The expiry date is before the date it takes effect.")))

    if errors:
        raise ValidationFailed(errors)
    return values, parties, terms


def _allowed_hint(current: MemorandumStatus, override: bool) -> str:
    allowed = next_statuses(current, override=override)
    if not allowed:
        return str(_l("%(status)s is final; an administrator can correct it.")) % {
            "status": label(current)}
    return str(_l("From here it can become: %(statuses)s.")) % {
        "statuses": ", ".join(label(s) for s in allowed)}


# --- parties and terms -----------------------------------------------------------------

def _describe_parties(memo: Memorandum) -> list[dict]:
    return [{"organization_id": p.organization_id, "signatory_person_id": p.signatory_person_id,
             "role": p.role} for p in memo.parties]


def _describe_terms(memo: Memorandum) -> list[dict]:
    return [{"heading": t.heading, "text": t.text}
            for t in sorted(memo.terms, key=lambda t: t.position)]


def _set_parties(memo: Memorandum, parties: list[dict]) -> None:
    """Match rows by organization (unique per memorandum), so a kept party keeps its row."""
    by_org = {p.organization_id: p for p in memo.parties}
    wanted = []
    for values in parties:
        row = by_org.get(values["organization_id"]) or MemorandumParty(
            organization_id=values["organization_id"])
        row.signatory_person_id = values["signatory_person_id"]
        row.role = values["role"]
        wanted.append(row)
    memo.parties = wanted


def _set_terms(memo: Memorandum, terms: list[dict]) -> None:
    """Rewrite the terms as positions 1..n, reusing rows so no position is ever held twice."""
    existing = sorted(memo.terms, key=lambda t: t.position)
    keep, surplus = existing[:len(terms)], existing[len(terms):]
    for row in surplus:
        memo.terms.remove(row)
    if surplus:
        db.session.flush()
    if any(row.position != n for n, row in enumerate(keep, start=1)):
        for n, row in enumerate(keep, start=1):  # out of the way first
            row.position = -n
        db.session.flush()
    for n, values in enumerate(terms, start=1):
        if n <= len(keep):
            row = keep[n - 1]
            row.position, row.heading, row.text = n, values["heading"], values["text"]
        else:
            memo.terms.append(MemorandumTerm(position=n, **values))


# --- create, update, status, archive ---------------------------------------------------

def suggest_reference(year: int) -> str:
    """The next free reference of `year`: MOU-<year>-<nnn>, one above the highest used
    (archived memoranda included, so a reference is never reused)."""
    prefix = f"{REFERENCE_PREFIX}-{year}-"
    references = db.session.scalars(
        sa.select(Memorandum.reference)
        .where(sa.func.upper(Memorandum.reference).like(f"{prefix}%"))
        .execution_options(include_archived=True))
    numbers = [int(match.group(1)) for ref in references
               if (match := re.fullmatch(rf"{re.escape(prefix)}(\d+)", ref.upper()))]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


def create_memorandum(values: dict, parties: list[dict] = (), terms: list[dict] = (), *,
                      override: bool = False) -> Memorandum:
    """values: the memorandum's columns; parties: [{organization_id, signatory_person_id,
    role}]; terms: [{heading, text}] in order."""
    values, parties, terms = _validate(None, values, list(parties), list(terms),
                                       override=override)
    memo = Memorandum(**values)
    memo.parties = [MemorandumParty(**p) for p in parties]
    memo.terms = [MemorandumTerm(position=n, **t) for n, t in enumerate(terms, start=1)]
    return lifecycle.create(memo)


def update_memorandum(memo: Memorandum, values: dict, parties: list[dict] | None = None,
                      terms: list[dict] | None = None, expected_version=None, *,
                      override: bool = False) -> dict:
    """Change a memorandum; parties/terms (when given) replace the current ones. Returns
    {field: [old, new]}, as recorded in the audit trail."""
    lifecycle.check_version(memo, expected_version)
    values, parties, terms = _validate(memo, values, parties, terms, override=override)
    related = {}
    if parties is not None:
        before = _describe_parties(memo)
        if before != parties:
            _set_parties(memo, parties)
            related["parties"] = [before, parties]
    if terms is not None:
        before = _describe_terms(memo)
        if before != terms:
            _set_terms(memo, terms)
            related["terms"] = [before, terms]
    if related:
        # Touch the row so its version moves on when only parties or terms changed.
        values["updated_at"] = utcnow()
    return lifecycle.update(memo, values, extra_changes=related)


def change_status(memo: Memorandum, status, expected_version=None, *, signed_on: date | None = None,
                  override: bool = False) -> dict:
    """Move a memorandum along the workflow (see the module docstring). `signed_on` may be
    given with the move to signed, when the date was not recorded yet."""
    values: dict = {"status": MemorandumStatus(status)}
    if signed_on is not None:
        values["signed_on"] = signed_on
    return update_memorandum(memo, values, expected_version=expected_version, override=override)


def archive_memorandum(memo: Memorandum, expected_version=None) -> None:
    lifecycle.archive(memo, expected_version)


# --- finding ---------------------------------------------------------------------------

@dataclass(frozen=True)
class MemorandumFilters:
    q: str | None = None
    status: MemorandumStatus | None = None
    kind: str | None = None
    organization_id: int | None = None
    project_id: int | None = None
    event_id: int | None = None
    expiring: bool = False
    organization: str | None = None  # typed: a party whose name (or spelling) contains it
    project: str | None = None  # typed: the project's title contains it


def find_memoranda(filters: MemorandumFilters, *, today: date | None = None) -> sa.Select:
    """Visible memoranda matching the filters, newest first, with what a list shows
    (parties, their organizations and signatories, the project) loaded in a fixed number
    of queries (the API's list)."""
    parties = selectinload(Memorandum.parties)
    return _matching(sa.select(Memorandum).options(
        # A list names the parties; their other spellings are not shown.
        parties.selectinload(MemorandumParty.organization).lazyload(Organization.aliases),
        parties.selectinload(MemorandumParty.signatory),
        selectinload(Memorandum.project),
    ), filters, today)


def memorandum_ids(filters: MemorandumFilters, *, today: date | None = None) -> sa.Select:
    """The ids of the visible memoranda matching the filters, newest first (the page's
    choice: `crm.crud.page_of`)."""
    return _matching(sa.select(Memorandum.id), filters, today)


def _matching(stmt: sa.Select, filters: MemorandumFilters, today: date | None) -> sa.Select:
    stmt = stmt.where(*Memorandum.criteria(filters.q, status=filters.status, kind=filters.kind,
                                           event_id=filters.event_id))
    if filters.organization_id:
        stmt = stmt.where(Memorandum.id.in_(
            sa.select(MemorandumParty.memorandum_id)
            .where(MemorandumParty.organization_id == filters.organization_id)))
    if filters.organization and not filters.organization_id:
        stmt = stmt.where(sa.exists().where(
            MemorandumParty.memorandum_id == Memorandum.id,
            MemorandumParty.organization_id == Organization.id,
            Organization.search_text.contains(fold(filters.organization), autoescape=True)))
    if filters.project_id:  # a memorandum may be visible while its project is not
        stmt = stmt.where(access.refers_to(Memorandum.project_id, Project, filters.project_id))
    elif filters.project:
        stmt = stmt.where(Memorandum.project_id.in_(sa.select(Project.id).where(
            Project.search_text.contains(fold(filters.project), autoescape=True))))
    if filters.expiring:
        stmt = stmt.where(*expiring_criteria(today or utcnow().date()))
    return stmt.order_by(Memorandum.created_at.desc(), Memorandum.id.desc())


@dataclass(frozen=True, slots=True)
class ListedMemorandum:
    """A memorandum as the list shows it: its own columns, its project's title (None when
    it has none, or one the viewer may not see) and its parties."""
    id: int
    reference: str
    title: str
    kind: MemorandumKind
    status: MemorandumStatus
    signed_on: date | None
    expires_on: date | None
    project: str | None
    parties: list  # rows of (name, local_name, signatory, signatory_local), in party order


def list_rows(ids: list[int]) -> list[ListedMemorandum]:
    """What the memoranda list shows of these memoranda (a page of ids), in the list's
    order: two statements of plain rows, through the access layer like every read."""
    if not ids:
        return []
    signatory = aliased(Person)
    parties: dict[int, list] = {}
    for row in db.session.execute(
            sa.select(MemorandumParty.memorandum_id, Organization.name, Organization.local_name,
                      signatory.full_name.label("signatory"),
                      signatory.local_name.label("signatory_local"))
            .join(Organization, Organization.id == MemorandumParty.organization_id)
            .outerjoin(signatory, signatory.id == MemorandumParty.signatory_person_id)
            .where(MemorandumParty.memorandum_id.in_(ids))
            .order_by(MemorandumParty.id)):
        parties.setdefault(row.memorandum_id, []).append(row)
    return [ListedMemorandum(m.id, m.reference, m.title, m.kind, m.status, m.signed_on,
                             m.expires_on, m.project, parties.get(m.id, []))
            for m in db.session.execute(
                sa.select(Memorandum.id, Memorandum.reference, Memorandum.title, Memorandum.kind,
                          Memorandum.status, Memorandum.signed_on, Memorandum.expires_on,
                          Project.title.label("project"))
                .outerjoin(Project, Project.id == Memorandum.project_id)
                .where(Memorandum.id.in_(ids))
                .order_by(Memorandum.created_at.desc(), Memorandum.id.desc()))]


def expiring_criteria(today: date, days: int = EXPIRY_WARNING_DAYS) -> tuple:
    """Signed memoranda whose expiry date falls within `days` from `today`."""
    return (Memorandum.status == S.SIGNED, Memorandum.expires_on.is_not(None),
            Memorandum.expires_on >= today, Memorandum.expires_on <= today + timedelta(days=days))


def expiring_memoranda(today: date, limit: int, days: int = EXPIRY_WARNING_DAYS) -> list:
    """For the dashboard: the signed memoranda that expire soonest within `days` (rows of
    id, reference, title, expires_on)."""
    return db.session.execute(
        sa.select(Memorandum.id, Memorandum.reference, Memorandum.title, Memorandum.expires_on)
        .where(*expiring_criteria(today, days))
        .order_by(Memorandum.expires_on, Memorandum.id).limit(fixed_limit(limit))).all()


def filter_options(filters: MemorandumFilters) -> dict:
    """What the list's filter shows: the events that appear on a visible memorandum (a
    short list); organizations and projects are typed (thousands of them), so only the
    names of those the query string picks by id, to show them in their boxes."""
    events = db.session.execute(
        sa.select(Event.id, Event.label.label("label"))
        .where(Event.id.in_(sa.select(Memorandum.event_id)))
        .order_by(Event.start_date.desc().nulls_last(), Event.name)).all()
    organization = (db.session.scalar(sa.select(Organization.name)
                                      .where(Organization.id == filters.organization_id))
                    if filters.organization_id else None)
    project = (db.session.scalar(sa.select(Project.title).where(Project.id == filters.project_id))
               if filters.project_id else None)  # through the access layer
    return {"events": events, "organization": organization or filters.organization,
            "project": project or filters.project}


def file_kind(content_type: str) -> str:
    """An attachment's type as people call it (PDF, PNG, JPEG)."""
    return _TYPE_LABELS.get(content_type, content_type)


def load_for_detail(memo: Memorandum) -> Memorandum:
    """Load everything the detail page shows in a fixed number of queries."""
    db.session.scalars(sa.select(Memorandum).where(Memorandum.id == memo.id).options(
        selectinload(Memorandum.parties).selectinload(MemorandumParty.organization),
        selectinload(Memorandum.parties).selectinload(MemorandumParty.signatory),
        selectinload(Memorandum.terms), selectinload(Memorandum.attachments),
        selectinload(Memorandum.project), selectinload(Memorandum.event),
    ).execution_options(include_archived=True)).all()
    return memo


# --- attachments -----------------------------------------------------------------------

def sniff_content_type(data: bytes) -> str | None:
    for content_type, (magic, _extensions) in ATTACHMENT_TYPES.items():
        if data.startswith(magic):
            return content_type
    return None


def _clean_filename(filename: str) -> str:
    """The name as the user knows it (for display): no folders, no control characters."""
    name = unicodedata.normalize("NFC", filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip()
    if len(name) > 255:
        stem, ext = os.path.splitext(name)
        name = stem[:255 - len(ext)] + ext
    return name


def add_attachment(memo: Memorandum, filename: str, data: bytes, *,
                   uploaded_by_id: int | None = None) -> Attachment:
    """Store a PDF, PNG or JPEG (at most 10 MB) for `memo`. The content decides the type
    (magic bytes), and the name's extension must agree with it. The file goes under
    UPLOAD_DIR with a random key, never the user's name; its SHA-256 is recorded. Should
    the transaction end without a commit (an error later in the request), the file is
    removed again (`_remove_files_not_committed`)."""
    name = _clean_filename(filename)
    if not name:
        raise ValidationFailed({"file": [str(_l("Choose a file to attach."))]})
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise ValidationFailed({"file": [_msg(
            _l("“%(name)s” is %(size).1f MB; attachments may be at most 10 MB."),
            name=name, size=len(data) / (1024 * 1024))]})
    if not data:
        raise ValidationFailed({"file": [_msg(_l("“%(name)s” is empty."), name=name)]})
    extension = os.path.splitext(name)[1].lower()
    named_as = next((ct for ct, (_m, exts) in ATTACHMENT_TYPES.items() if extension in exts), None)
    content_type = sniff_content_type(data)
    if named_as is None:
        raise ValidationFailed({"file": [str(_l(
            "Only PDF, PNG and JPEG files can be attached (.pdf, .png, .jpg)."))]})
    if content_type is None:
        raise ValidationFailed({"file": [_msg(_l(
            "“%(name)s” is not what its name says: it is not a %(type)s file."),
            name=name, type=_TYPE_LABELS[named_as])]})
    if content_type != named_as:
        raise ValidationFailed({"file": [_msg(_l(
            "“%(name)s” is not what its name says: its content is a %(actual)s file, "
            "not %(named)s."), name=name, actual=_TYPE_LABELS[content_type],
            named=_TYPE_LABELS[named_as])]})

    storage_key = secrets.token_hex(16)
    folder = current_app.config["UPLOAD_DIR"]
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, storage_key)
    with open(path, "xb") as stored:
        stored.write(data)
    db.session.info.setdefault(_FILES_WRITTEN, []).append(path)
    attachment = Attachment(
        memorandum=memo, filename=name, content_type=content_type, size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(), storage_key=storage_key,
        uploaded_by_id=uploaded_by_id)
    db.session.add(attachment)
    db.session.flush()
    audit.record("update", memo, {"attachments": [None, {
        "id": attachment.id, "filename": name, "sha256": attachment.sha256}]})
    return attachment


# Files written in the current transaction: kept by its commit, removed if it ends
# otherwise (rolled back, or closed after an error), so no file is left without its row.
_FILES_WRITTEN = "crm_files_written"


@sa.event.listens_for(Session, "after_commit")
def _keep_committed_files(session: Session) -> None:
    session.info.pop(_FILES_WRITTEN, None)


@sa.event.listens_for(Session, "after_transaction_end")
def _remove_files_not_committed(session: Session, transaction) -> None:
    if transaction.parent is not None:
        return  # a savepoint: the outer transaction decides
    for path in session.info.pop(_FILES_WRITTEN, ()):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def attachment_path(attachment: Attachment) -> str:
    # storage_key is ours (hex), never user input, so joining is safe.
    return os.path.join(current_app.config["UPLOAD_DIR"], attachment.storage_key)


def download_name(attachment: Attachment) -> str:
    """A filename that is safe in a Content-Disposition header, in the name's own script
    (crm.text.download_stem), with the extension its content type allows."""
    stem, extension = os.path.splitext(attachment.filename)
    extension = extension.lower()
    if extension not in ATTACHMENT_TYPES.get(attachment.content_type, (b"", ()))[1]:
        extension = ATTACHMENT_TYPES.get(attachment.content_type, (b"", (".bin",)))[1][0]
    return f"{download_stem(stem) or 'attachment'}{extension}"
