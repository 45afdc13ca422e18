"""The audit trail: who changed what, when, from where, old -> new."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user

from crm.extensions import db
from crm.models import AuditEntry

# Never written to the trail, whatever the object.
SECRET_FIELDS = frozenset({"password_hash", "session_token", "token_hash", "search_text"})


def _plain(value):
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def pending_changes(obj) -> dict[str, list]:
    """{column: [old, new]} for the column attributes changed on `obj` and not yet flushed."""
    changes = {}
    state = sa.inspect(obj)
    for attr in state.mapper.column_attrs:
        if attr.key in SECRET_FIELDS or attr.key in ("updated_at", "version"):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if _plain(old) != _plain(new):
                changes[attr.key] = [_plain(old), _plain(new)]
    return changes


def snapshot(obj) -> dict[str, list]:
    """{column: [None, value]} for a new object's non-empty columns."""
    return {a.key: [None, _plain(getattr(obj, a.key))]
            for a in sa.inspect(type(obj)).column_attrs
            if a.key not in SECRET_FIELDS and a.key not in ("created_at", "updated_at", "version")
            and getattr(obj, a.key) is not None}


def record(action: str, obj=None, changes: dict | None = None, *, actor=None) -> AuditEntry:
    """Add an audit entry to the current transaction (committed with the change itself)."""
    if actor is None and has_request_context() and current_user and current_user.is_authenticated:
        actor = current_user
    entry = AuditEntry(
        action=action,
        object_type=type(obj).__name__ if obj is not None else None,
        object_id=getattr(obj, "id", None),
        changes=changes or None,
        actor_id=getattr(actor, "id", None),
        actor_email=getattr(actor, "email", None),
        ip_address=request.remote_addr if has_request_context() else None,
    )
    db.session.add(entry)
    return entry
