"""Finding people, organizations, projects and events by name, the same way everywhere:
the type-ahead (`GET /lookup/<kind>?q=`, static/meetings.js and static/filters.js), the
chips of picked records, and names typed as plain text (a form without JavaScript, or
text left in a type-ahead box), which `match_names` resolves to ids.

A name is found folded (case, width, script-neutral; see `crm.models.fold`) in the
record's `search_text`: its name, local name and other spellings, one per line. Every
query goes through the access layer like every other one, so an executive is offered only
the projects their organization is party to. Suggestions and chips read only the columns
they show (rows, not records); `records_by_ids` gives records, for linking them.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from crm.extensions import db
from crm.models import (Event, Organization, OrganizationAlias, Person, PipelineStage, Project,
                        fold, stage_name)
from crm.reference import label
from crm.postgresql import fixed_limit

LOOKUP_LIMIT = 10
MAX_NAMES = 50  # names resolved from one field


def unique_in_order(values: Iterable | None, key: Callable[[object], Hashable] | None = None) -> list:
    """`values` without repeats, each kept where it first appears (compared by `key(value)`
    when given). The one order-keeping de-duplication of the app: picked ids, typed names."""
    seen, out = set(), []
    for value in values or ():
        marker = value if key is None else key(value)
        if marker not in seen:
            seen.add(marker)
            out.append(value)
    return out


@dataclass(frozen=True)
class Kind:
    """One kind of record found by name: how it is named and ordered."""

    key: str
    model: type
    name: sa.ColumnElement  # the name as shown (an event's carries its edition)
    local: sa.ColumnElement | None  # the name in its own script, or the original title
    order: tuple  # among suggestions that start (or not) with the text alike


KINDS = {
    "people": Kind("people", Person, Person.full_name, Person.local_name, (Person.full_name,)),
    "organizations": Kind("organizations", Organization, Organization.name,
                          Organization.local_name, (Organization.name,)),
    "projects": Kind("projects", Project, Project.title, Project.original_title,
                     (Project.title,)),
    "events": Kind("events", Event, Event.label, None,
                   (Event.start_date.desc().nulls_last(), Event.name)),
}


def _term_starts(column, needle: str):
    """A name (one line of search_text) starts with `needle`."""
    return sa.or_(column.startswith(needle, autoescape=True),
                  column.contains("\n" + needle, autoescape=True))


def _term_equals(column, needle: str):
    """A name (one line of search_text) is exactly `needle`."""
    return sa.or_(column == needle,
                  column.startswith(needle + "\n", autoescape=True),
                  column.endswith("\n" + needle, autoescape=True),
                  column.contains("\n" + needle + "\n", autoescape=True))


def _names(kind: Kind) -> sa.Select:
    """id, name, local of `kind`'s records (what a message naming candidates shows)."""
    local = kind.local if kind.local is not None else sa.null()
    return sa.select(kind.model.id, kind.name.label("name"), local.label("local"))


def _summaries_statement(kind: Kind) -> sa.Select:
    """What a suggestion or a chip shows, as columns: the names, the search text (is the
    match exact?) and the hint's parts."""
    stmt = _names(kind).add_columns(kind.model.search_text)
    if kind.model is Person:
        return stmt.add_columns(Person.role, Organization.name.label("organization")) \
            .outerjoin(Person.organization)
    if kind.model is Organization:
        return stmt.add_columns(Organization.kind, Organization.country)
    if kind.model is Project:
        return stmt.add_columns(stage_name().label("stage")).outerjoin(Project.stage)
    return stmt.add_columns(Event.city, Event.country)


def record_summary(kind_key: str, row, needle: str = "", alias: str | None = None) -> dict:
    """How a record (a row of `_summaries_statement`) is shown in the type-ahead and on its
    chip: {id, label, local_name, hint, exact}; `alias`: the other spelling that matched."""
    if kind_key == "people":
        hint = [label(row.role), row.organization]
    elif kind_key == "organizations":
        hint = [label(row.kind), row.country]
        if alias:
            hint.append(_("also “%(alias)s”", alias=alias))
    elif kind_key == "projects":
        hint = [row.stage]
    else:
        hint = [row.city, row.country]
    return {"id": row.id, "label": row.name, "local_name": row.local or None,
            "hint": " · ".join(str(h) for h in hint if h),
            "exact": bool(needle) and needle in (row.search_text or "").split("\n")}


def lookup(kind_key: str, q: str, limit: int = LOOKUP_LIMIT) -> list[dict]:
    """At most `limit` visible records whose name, local name or other spelling contains
    `q` (folded), names starting with it first, as `record_summary` shows them."""
    kind = KINDS[kind_key]
    needle = fold(q)[:100]
    if not needle:
        return []
    column = kind.model.search_text
    rows = db.session.execute(
        _summaries_statement(kind).where(column.contains(needle, autoescape=True))
        .order_by(sa.case((_term_starts(column, needle), 0), else_=1), *kind.order,
                  kind.model.id)
        .limit(fixed_limit(limit))).all()
    aliases = _matching_aliases(rows, needle) if kind.model is Organization else {}
    return [record_summary(kind_key, row, needle, aliases.get(row.id)) for row in rows]


def _matching_aliases(rows, needle: str) -> dict[int, str]:
    """organization id -> the other spelling that matched, for those found only by one
    (read only then: most suggestions match by name)."""
    by_alias = [row.id for row in rows
                if needle not in fold(row.name) and needle not in fold(row.local or "")]
    if not by_alias:
        return {}
    found: dict[int, str] = {}
    for organization_id, name in db.session.execute(
            sa.select(OrganizationAlias.organization_id, OrganizationAlias.name)
            .where(OrganizationAlias.organization_id.in_(by_alias))
            .order_by(OrganizationAlias.name)):
        if organization_id not in found and needle in fold(name):
            found[organization_id] = name
    return found


def summaries_by_ids(kind_key: str, ids: list[int]) -> list[dict]:
    """The visible records with these ids, in the given order, as chips show them."""
    if not ids:
        return []
    kind = KINDS[kind_key]
    rows = {row.id: row for row in db.session.execute(
        _summaries_statement(kind).where(kind.model.id.in_(ids)))}
    return [record_summary(kind_key, rows[i]) for i in ids if i in rows]


def records_by_ids(kind_key: str, ids: list[int]) -> tuple[list, list[int]]:
    """The visible records with these ids, in the given order, and the ids not found."""
    kind = KINDS[kind_key]
    if not ids:
        return [], []
    found = {r.id: r for r in db.session.scalars(
        sa.select(kind.model).where(kind.model.id.in_(ids)))}
    return [found[i] for i in ids if i in found], [i for i in ids if i not in found]


def visible_ids(wanted: dict[str, list[int]]) -> dict[str, set[int]]:
    """{kind: ids} -> {kind: those of them that exist and the caller may see}, in one
    statement (for linking records by id without loading them)."""
    selects = [sa.select(sa.literal(kind_key).label("kind"), KINDS[kind_key].model.id.label("id"))
               .where(KINDS[kind_key].model.id.in_(ids)) for kind_key, ids in wanted.items() if ids]
    found: dict[str, set[int]] = {kind_key: set() for kind_key in wanted}
    if selects:
        union = sa.union_all(*selects).subquery()
        for kind_key, ident in db.session.execute(sa.select(union.c.kind, union.c.id)):
            found[kind_key].add(ident)
    return found


# --- names typed as text ----------------------------------------------------------------

_SEPARATORS = re.compile(r"[,;،、，]")


def split_names(text: str | None) -> list[str]:
    """Lines of `text`, without blanks or repeats (commas are resolved by match_names)."""
    lines = (" ".join(line.split()) for line in (text or "").splitlines())
    return unique_in_order((line for line in lines if line), key=fold)


def match_names(kind_key: str, text: str | None, *,
                inline_creation: bool = True) -> tuple[list[int], list[str]]:
    """Resolve typed names (one per line, or separated by commas) to record ids.

    A line is first matched whole ("Pathé, Inc."), then split at commas. Returns the ids
    of names that match exactly one record, and one message per name that matches none
    or several (with the candidates, so the user can type a more precise name).
    `inline_creation`: the form can create what is not found (the meeting log)."""
    kind = KINDS[kind_key]
    ids: list[int] = []
    problems: list[str] = []
    for line in split_names(text)[:MAX_NAMES]:
        candidates = {line: _exact_matches(kind, line)}
        if not candidates[line] and _SEPARATORS.search(line):
            candidates = {part: _exact_matches(kind, part)
                          for part in (p.strip() for p in _SEPARATORS.split(line)) if part}
        for name, matches in candidates.items():
            if len(matches) == 1:
                ids.append(matches[0].id)
            elif matches:
                problems.append(_("“%(name)s” matches several: %(candidates)s. Type the name "
                                  "as it is written in the CRM, or pick one from the list.",
                                  name=name, candidates=_candidates(matches)))
            else:
                problems.append(_not_found_message(kind, name, inline_creation))
    return unique_in_order(ids), problems


def _exact_matches(kind: Kind, name: str) -> list:
    stmt = _names(kind).where(_term_equals(kind.model.search_text, fold(name)))
    return db.session.execute(stmt.order_by(*kind.order, kind.model.id).limit(fixed_limit(6))).all()


def _candidates(rows) -> str:
    return ", ".join(f"{r.name} ({r.local})" if r.local and r.local != r.name else r.name
                     for r in rows[:5])


def _not_found_message(kind: Kind, name: str, inline_creation: bool = True) -> str:
    similar = db.session.execute(
        _names(kind).where(kind.model.search_text.contains(fold(name), autoescape=True))
        .order_by(*kind.order, kind.model.id).limit(fixed_limit(5))).all()
    if kind.key == "people":
        message = _("Nobody called “%(name)s” is in the CRM.", name=name)
        fix = (_("To add them, put the name under “New people”.") if inline_creation
               else _("Add them on the People page first."))
    elif kind.key == "organizations":
        message = _("No organization called “%(name)s” is in the CRM.", name=name)
        fix = (_("To add it, put the name under “New organizations”.") if inline_creation
               else _("Add it on the Organizations page first."))
    elif kind.key == "projects":
        message = _("No project called “%(name)s” is in the CRM.", name=name)
        fix = _("Projects are added on the Projects page.")
    else:
        message = _("No event called “%(name)s” is in the CRM.", name=name)
        fix = _("Events are added on the Events page.")
    if similar:
        return " ".join((message, _("Did you mean: %(candidates)s?",
                                    candidates=_candidates(similar)), fix))
    return " ".join((message, fix))
