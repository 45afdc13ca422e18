"""Creating and changing organizations (the same code for pages, API and CLI)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm import lifecycle
from crm.errors import InUse, ValidationFailed
from crm.extensions import db
from crm.models import (Memorandum, MemorandumParty, Organization, OrganizationAlias,
                        OrganizationKind, Person, PipelineStage, Project, ProjectParty, fold,
                        stage_name)
from crm.models.base import column_length
from crm.reference import is_country, with_codes_normalized
from crm.postgresql import fixed_limit
from crm.text import BLANK, NOT_IN_A_LINE, line_problem


WEBSITE_MESSAGE = _l("Enter a full address, starting with https://")
# A web address: http(s)://, a host with a dot, no white space (of any kind, spelled out so
# that the API's document says exactly the same, crm.text).
_NOT_IN_ADDRESS = NOT_IN_A_LINE + BLANK
_WEBSITE_CORE = rf"https?://[^{_NOT_IN_ADDRESS}/$.?#][^{_NOT_IN_ADDRESS}]*\.[^{_NOT_IN_ADDRESS}]+"
_WEBSITE = re.compile(_WEBSITE_CORE)
#: The rule for the OpenAPI document: the address, or nothing (blanks around are removed).
WEBSITE_PATTERN = f"^[{BLANK}]*({_WEBSITE_CORE})?[{BLANK}]*$"
ALIAS_MAX = column_length(OrganizationAlias.name)


def website_problem(website: str | None) -> str | None:
    """Why `website` is not a web address to link to (None when it is, or is empty). The
    one rule for the pages' form, the API and the CLI."""
    if website and not _WEBSITE.fullmatch(website):
        return str(WEBSITE_MESSAGE)
    return None


def alias_problem(alias: str) -> str | None:
    """Why `alias` cannot be another spelling of an organization (None when it can)."""
    if len(alias) > ALIAS_MAX:
        return str(_l("Each spelling may be at most %(n)d characters.", n=ALIAS_MAX))
    return line_problem(alias)


def alias_lines(text: str | None) -> list[str]:
    """The spellings typed one per line (blank lines skipped)."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _validate(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [str(_l("A name is required."))]
    if values.get("country") and not is_country(values["country"]):
        errors["country"] = [str(_l("Unknown country code."))]
    if problem := website_problem(values.get("website")):
        errors["website"] = [problem]
    alias_problems = {p for p in map(alias_problem, values.get("aliases") or ()) if p}
    if alias_problems:
        errors["aliases"] = sorted(alias_problems)
    if errors:
        raise ValidationFailed(errors)


def _set_aliases(org: Organization, names: list[str]) -> None:
    wanted: dict[str, str] = {}
    for name in names:
        name = unicodedata.normalize("NFC", name.strip())
        if name and fold(name) not in (fold(org.name), *map(fold, wanted.values())):
            wanted[name] = name
    keep = [a for a in org.aliases if a.name in wanted]
    org.aliases = keep + [OrganizationAlias(name=n) for n in wanted
                          if n not in {a.name for a in keep}]


def create_organization(values: dict) -> Organization:
    values = with_codes_normalized(values, "country")
    _validate(values)
    values = dict(values)
    aliases = values.pop("aliases", [])
    org = Organization(**values)
    _set_aliases(org, aliases)
    return lifecycle.create(org)


def update_organization(org: Organization, values: dict, expected_version=None) -> dict:
    values = with_codes_normalized(values, "country")
    _validate({**{"name": org.name}, **values})
    values = dict(values)
    aliases = values.pop("aliases", None)
    lifecycle.check_version(org, expected_version)
    alias_change = {}
    if aliases is not None:
        before = org.alias_names
        _set_aliases(org, aliases)
        if org.alias_names != before:
            alias_change["aliases"] = [before, org.alias_names]
    return lifecycle.update(org, values, extra_changes=alias_change)


def archive_organization(org: Organization, expected_version=None) -> None:
    """Archive `org`, unless a deal that is not archived still has it as a party: an
    archived party would drop out of lists and type-ahead while the deal still counts on
    it. The reason names the deals (a few of them), for the user to archive or change."""
    deals = db.session.scalars(
        sa.select(Project.title).join(ProjectParty, ProjectParty.project_id == Project.id)
        .where(ProjectParty.organization_id == org.id, Project.archived_at.is_(None))
        .union(sa.select(Memorandum.reference)
               .join(MemorandumParty, MemorandumParty.memorandum_id == Memorandum.id)
               .where(MemorandumParty.organization_id == org.id,
                      Memorandum.archived_at.is_(None)))
        .limit(IN_USE_NAMED + 1)).all()
    if deals:
        named = ", ".join(deals[:IN_USE_NAMED]) + (", …" if len(deals) > IN_USE_NAMED else "")
        raise InUse(str(_l("“%(name)s” is a party to deals that are not archived (%(deals)s): "
                           "archive them, or take it out of them, first.",
                           name=org.name, deals=named)))
    lifecycle.archive(org, expected_version)


IN_USE_NAMED = 3  # the deals a refusal to archive names


def find_organizations(q: str | None = None, *, kind=None, country=None,
                       of: sa.Select | None = None) -> sa.Select:
    """Organizations matching name, local name or alias, by name: `of` what (default: the
    organizations), e.g. `sa.select(Organization.id)` to page through ids."""
    stmt = of if of is not None else sa.select(Organization)
    return (stmt.where(*Organization.criteria(q, kind=kind, country=country))
            .order_by(Organization.name, Organization.id))


@dataclass(frozen=True)
class ListedOrganization:
    id: int
    name: str
    local_name: str | None
    kind: OrganizationKind
    country: str | None
    city: str | None
    alias_names: list[str]


def list_rows(ids: list[int]) -> list[ListedOrganization]:
    """What the organizations list shows of these organizations (a page of ids), in the
    list's order, with their other spellings: two statements for the page."""
    if not ids:
        return []
    aliases: dict[int, list[str]] = {}
    for organization_id, name in db.session.execute(
            sa.select(OrganizationAlias.organization_id, OrganizationAlias.name)
            .where(OrganizationAlias.organization_id.in_(ids)).order_by(OrganizationAlias.name)):
        aliases.setdefault(organization_id, []).append(name)
    rows = db.session.execute(
        sa.select(Organization.id, Organization.name, Organization.local_name, Organization.kind,
                  Organization.country, Organization.city)
        .where(Organization.id.in_(ids)).order_by(Organization.name, Organization.id))
    return [ListedOrganization(*row, alias_names=aliases.get(row.id, [])) for row in rows]


PROJECTS_SHOWN = 50  # the most recently active; the projects list has them all


@dataclass(frozen=True)
class OrganizationPage:
    """What an organization's page shows besides the record: rows of plain columns."""

    people: list  # (id, full_name, local_name, position)
    projects: list  # (id, title, stage): the most recently active
    project_count: int  # all of them


def organization_page(org: Organization) -> OrganizationPage:
    """People and projects of `org`, as the viewer may see them, in three statements."""
    people = db.session.execute(
        sa.select(Person.id, Person.full_name, Person.local_name, Person.position)
        .where(Person.organization_id == org.id).order_by(Person.full_name, Person.id)).all()
    # Counted from the organization's side (its index), apart from the newest ones: a
    # count over the same rows as a window made PostgreSQL walk every project by date.
    project_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(ProjectParty)
        .join(Project, Project.id == ProjectParty.project_id)
        .where(ProjectParty.organization_id == org.id))
    projects = db.session.execute(
        sa.select(Project.id, Project.title, stage_name().label("stage"))
        .join(PipelineStage, PipelineStage.id == Project.stage_id)
        .where(Project.id.in_(sa.select(ProjectParty.project_id)
                              .where(ProjectParty.organization_id == org.id)))
        .order_by(Project.last_activity_at.desc(), Project.id.desc())
        .limit(fixed_limit(PROJECTS_SHOWN))).all() if project_count else []
    return OrganizationPage(people=people, projects=projects, project_count=project_count)
