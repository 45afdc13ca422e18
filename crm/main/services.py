"""The dashboard's figures and the one search box over every area."""
from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db
from crm.models import Event, Organization, Person, fold

SEARCH_LIMIT = 20


def search_everything(q: str) -> dict[str, list]:
    """Records whose names (Latin, local script, other spellings) or titles contain `q`.
    Every query goes through the access layer like any other."""
    needle = fold(q)
    if not needle:
        return {}
    results = {}
    for key, model, order in (("organizations", Organization, Organization.name),
                              ("people", Person, Person.full_name),
                              ("events", Event, Event.start_date.desc())):
        stmt = (sa.select(model).where(model.search_text.contains(needle, autoescape=True))
                .order_by(order).limit(SEARCH_LIMIT))
        results[key] = db.session.scalars(stmt).all()
    return results


def directory_counts() -> dict[str, int]:
    return {
        key: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for key, model in (("organizations", Organization), ("people", Person), ("events", Event))
    }
