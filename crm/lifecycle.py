"""What every editable record goes through: version checks, edits with an audit entry,
archiving and restoring. Area services call these rather than repeat them."""
from __future__ import annotations

from crm import audit
from crm.errors import StaleObject
from crm.extensions import db
from crm.models import utcnow


def check_version(obj, expected_version) -> None:
    """Refuse an edit made on a copy older than what is stored (optimistic locking)."""
    if expected_version is None:
        return
    try:
        expected = int(expected_version)
    except (TypeError, ValueError):
        raise StaleObject(obj, None) from None
    if expected != obj.version:
        raise StaleObject(obj, expected)


def create(obj, *, extra: dict | None = None):
    """Add `obj` and audit it: its columns, plus `extra` (e.g. the rows it links to), each
    as [None, value] like the columns."""
    db.session.add(obj)
    db.session.flush()
    links = {key: [None, value] for key, value in (extra or {}).items()}
    audit.record("create", obj, {**audit.snapshot(obj), **links})
    return obj


def update(obj, values: dict, expected_version=None, *, extra_changes: dict | None = None) -> dict:
    """Set `values` on `obj`; record what changed (with `extra_changes` the caller made to
    related rows). Returns {field: [old, new]}."""
    check_version(obj, expected_version)
    for key, value in values.items():
        setattr(obj, key, value)
    changes = {**audit.pending_changes(obj), **(extra_changes or {})}
    db.session.flush()
    if changes:
        audit.record("update", obj, changes)
    return changes


def archive(obj, expected_version=None) -> None:
    check_version(obj, expected_version)
    obj.archived_at = utcnow()
    db.session.flush()
    audit.record("archive", obj)


def restore(obj) -> None:
    obj.archived_at = None
    db.session.flush()
    audit.record("restore", obj)
