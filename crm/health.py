"""`GET /healthz`: may the proxy send this server requests?

200 `ok` when the database answers and its Alembic revision is the head of migrations/
(a server started before `flask db upgrade`, or against a database left behind by an
older release, answers 503 and gets no traffic). Whoever asks learns that and nothing
else: no version, no error text, no session, no cookie, no rate limit.

The head is read once, when the app is created, from the revision files themselves
(two assignments per file): the web workers never import Alembic (crm.extensions).
"""
from __future__ import annotations

import ast
from pathlib import Path

import sqlalchemy as sa
from flask import Blueprint, Flask, Response, current_app

from crm.extensions import db, limiter

bp = Blueprint("health", __name__)
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"
_HEADS = "crm_migration_heads"


def migration_heads(versions: Path = MIGRATIONS) -> frozenset[str]:
    """The revisions no other revision file revises (one, unless branches are open)."""
    revisions: set[str] = set()
    revised: set[str] = set()
    for path in versions.glob("*.py"):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and \
                    isinstance(node.targets[0], ast.Name) and \
                    node.targets[0].id in ("revision", "down_revision"):
                values[node.targets[0].id] = ast.literal_eval(node.value)
        if values.get("revision"):
            revisions.add(values["revision"])
            down = values.get("down_revision")
            revised.update((down,) if isinstance(down, str) else (down or ()))
    return frozenset(revisions - revised)


def _database_revisions() -> frozenset[str]:
    with db.engine.connect() as conn:
        return frozenset(conn.execute(sa.text("SELECT version_num FROM alembic_version"))
                         .scalars())


@bp.get("/healthz")
@limiter.exempt
def healthz() -> Response:
    try:
        current = _database_revisions() == current_app.extensions[_HEADS]
    except sa.exc.SQLAlchemyError:
        current = False
    if current:
        return Response("ok\n", 200, mimetype="text/plain")
    return Response("unavailable\n", 503, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.extensions[_HEADS] = migration_heads()
    app.register_blueprint(bp)
