"""Flush-time rules that hold for every model, whatever path changed it (form, API, CLI):
text is stored NFC-normalised, and the folded search copy follows the names."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from crm.models.base import SearchableMixin, nfc
from crm.models.organizations import OrganizationAlias


def _normalize_text(obj) -> None:
    for column in sa.inspect(type(obj)).columns:
        if isinstance(column.type, sa.String) and column.key in obj.__dict__:
            value = obj.__dict__[column.key]
            if isinstance(value, str):
                normalized = nfc(value)
                if normalized != value:
                    setattr(obj, column.key, normalized)


@event.listens_for(Session, "before_flush")
def _before_flush(session: Session, _flush_context, _instances) -> None:
    searchable = set()
    for obj in (*session.new, *session.dirty):
        _normalize_text(obj)
        if isinstance(obj, SearchableMixin):
            searchable.add(obj)
        elif isinstance(obj, OrganizationAlias) and obj.organization is not None:
            searchable.add(obj.organization)
    for obj in session.deleted:
        if isinstance(obj, OrganizationAlias) and obj.organization is not None:
            searchable.add(obj.organization)
    for obj in searchable:
        if obj not in session.deleted:
            obj.refresh_search_text()
