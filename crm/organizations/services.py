"""Creating and changing organizations (the same code for pages, API and CLI)."""
from __future__ import annotations

import re
import unicodedata

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from crm import lifecycle
from crm.errors import ValidationFailed
from crm.models import Organization, OrganizationAlias, fold
from crm.reference import is_country, with_codes_normalized


def _validate(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [str(_l("A name is required."))]
    if values.get("country") and not is_country(values["country"]):
        errors["country"] = [str(_l("Unknown country code."))]
    website = values.get("website")
    if website and not re.fullmatch(r"https?://[^\s/$.?#][^\s]*\.[^\s]+", website):
        errors["website"] = [str(_l("Enter a full address, starting with https://"))]
    if any(len(alias) > 200 for alias in values.get("aliases") or ()):
        errors["aliases"] = [str(_l("Each spelling may be at most 200 characters."))]
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


def find_organizations(q: str | None = None, *, kind=None, country=None) -> sa.Select:
    """A query of organizations matching name, local name or alias, by name."""
    stmt = sa.select(Organization)
    if q:
        stmt = stmt.where(Organization.search_text.contains(fold(q), autoescape=True))
    if kind:
        stmt = stmt.where(Organization.kind == kind)
    if country:
        stmt = stmt.where(Organization.country == country)
    return stmt.order_by(Organization.name, Organization.id)
