"""Reference data: ISO country and currency codes, and the human labels of enum values."""
from __future__ import annotations

import functools

import pycountry
from babel import Locale
from flask import g, has_request_context
from flask_babel import lazy_gettext as _l

from crm.collation import sort_key
from crm.i18n import current_language
from crm.models import (CreditRole, MeetingOutcome, MemorandumKind, MemorandumStatus,
                        OrganizationKind, PartyRole, PersonRole, ProjectFormat, ProjectStatus,
                        Role)


@functools.cache
def countries() -> dict[str, str]:
    """ISO 3166-1 alpha-2 code -> English short name, sorted by name."""
    pairs = ((c.alpha_2, getattr(c, "common_name", None) or c.name) for c in pycountry.countries)
    return dict(sorted(pairs, key=lambda p: p[1]))


@functools.cache
def currencies() -> dict[str, str]:
    """ISO 4217 code -> name, sorted by code."""
    return dict(sorted((c.alpha_3, c.name) for c in pycountry.currencies))


@functools.lru_cache(maxsize=4)
def country_names(language: str) -> dict[str, str]:
    """Code -> the country's name in `language` (CLDR's, through Babel; pycountry's
    English name where CLDR has none), in the order of that language's alphabet."""
    local = Locale.parse(language).territories
    names = {code: local.get(code) or name for code, name in countries().items()}
    return dict(sorted(names.items(), key=lambda item: sort_key(item[1], language)))


def country_name(code: str | None) -> str:
    return country_names(current_language()).get(code or "", code or "")


def with_codes_normalized(values: dict, *fields: str) -> dict:
    """A copy of `values` with ISO code fields stripped and upper-cased; empty -> None.
    ('kz ' is KZ; an unknown code is then refused by the caller's validation.)"""
    values = dict(values)
    for name in fields:
        if name in values and isinstance(values[name], str):
            values[name] = values[name].strip().upper() or None
    return values


def is_country(code: str | None) -> bool:
    return code in countries()


def is_currency(code: str | None) -> bool:
    return code in currencies()


LABELS = {
    OrganizationKind: {
        OrganizationKind.STUDIO: _l("Studio"),
        OrganizationKind.PRODUCTION_COMPANY: _l("Production company"),
        OrganizationKind.DISTRIBUTOR: _l("Distributor"),
        OrganizationKind.SALES_AGENT: _l("Sales agent"),
        OrganizationKind.BROADCASTER: _l("Broadcaster"),
        OrganizationKind.FUND: _l("Fund"),
        OrganizationKind.FESTIVAL: _l("Festival"),
        OrganizationKind.GOVERNMENT: _l("Government"),
        OrganizationKind.OTHER: _l("Other"),
    },
    PersonRole: {
        PersonRole.PRODUCER: _l("Producer"),
        PersonRole.DIRECTOR: _l("Director"),
        PersonRole.EXECUTIVE: _l("Executive"),
        PersonRole.WRITER: _l("Writer"),
        PersonRole.ACTOR: _l("Actor"),
        PersonRole.SALES: _l("Sales"),
        PersonRole.OTHER: _l("Other"),
    },
    ProjectFormat: {
        ProjectFormat.FEATURE: _l("Feature"),
        ProjectFormat.DOCUMENTARY: _l("Documentary"),
        ProjectFormat.SHORT: _l("Short"),
        ProjectFormat.SERIES: _l("Series"),
        ProjectFormat.ANIMATION: _l("Animation"),
    },
    ProjectStatus: {
        ProjectStatus.ACTIVE: _l("Active"),
        ProjectStatus.ON_HOLD: _l("On hold"),
        ProjectStatus.DROPPED: _l("Dropped"),
        ProjectStatus.COMPLETED: _l("Completed"),
    },
    PartyRole: {
        PartyRole.MAJORITY_COPRODUCER: _l("Majority co-producer"),
        PartyRole.MINORITY_COPRODUCER: _l("Minority co-producer"),
        PartyRole.COPRODUCER: _l("Co-producer"),
        PartyRole.FINANCIER: _l("Financier"),
        PartyRole.DISTRIBUTOR: _l("Distributor"),
        PartyRole.SALES_AGENT: _l("Sales agent"),
    },
    CreditRole: {
        CreditRole.DIRECTOR: _l("Director"),
        CreditRole.PRODUCER: _l("Producer"),
        CreditRole.EXECUTIVE_PRODUCER: _l("Executive producer"),
        CreditRole.WRITER: _l("Writer"),
        CreditRole.COMPOSER: _l("Composer"),
        CreditRole.CINEMATOGRAPHER: _l("Cinematographer"),
        CreditRole.ACTOR: _l("Actor"),
        CreditRole.OTHER: _l("Other"),
    },
    MemorandumKind: {
        MemorandumKind.MEMORANDUM: _l("Memorandum"),
        MemorandumKind.DEAL_MEMO: _l("Deal memo"),
        MemorandumKind.LETTER_OF_INTENT: _l("Letter of intent"),
        MemorandumKind.COPRODUCTION_AGREEMENT: _l("Co-production agreement"),
    },
    MemorandumStatus: {
        MemorandumStatus.DRAFT: _l("Draft"),
        MemorandumStatus.NEGOTIATING: _l("Negotiating"),
        MemorandumStatus.SIGNED: _l("Signed"),
        MemorandumStatus.EXPIRED: _l("Expired"),
        MemorandumStatus.TERMINATED: _l("Terminated"),
    },
    MeetingOutcome: {
        MeetingOutcome.POSITIVE: _l("Positive"),
        MeetingOutcome.NEUTRAL: _l("Neutral"),
        MeetingOutcome.NEGATIVE: _l("Negative"),
    },
    Role: {
        Role.ADMIN: _l("Administrator"),
        Role.STAFF: _l("Pavilion staff"),
        Role.EXECUTIVE: _l("Studio executive"),
    },
}


def label(value) -> str:
    """The human label of an enum value ('production_company' -> 'Production company'),
    translated once per request and language (a board shows the same few labels a
    hundred times)."""
    if value is None:
        return ""
    translated = g.setdefault("crm_labels", {}) if has_request_context() else {}
    key = (current_language(), value)  # a document in another language (?lang=) too
    text = translated.get(key)
    if text is None:
        labels = LABELS.get(type(value))
        text = translated[key] = str(labels[value]) if labels and value in labels else str(value)
    return text


def choices(enum_cls) -> list[tuple[str, str]]:
    return [(member.value, LABELS[enum_cls][member]) for member in enum_cls]
