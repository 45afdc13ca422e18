"""One number that goes up with every committed change to the data.

`crm_data_version` holds a single row. `crm.pagecache` bumps it inside every transaction
that wrote anything, just before the commit, so a page rendered at version n shows exactly
what the database held at n; a worker that sees a different number knows its rendered
pages are out of date.
"""
from __future__ import annotations

import sqlalchemy as sa

from crm.extensions import db

DATA_VERSION_TABLE = "crm_data_version"

data_version = sa.Table(
    DATA_VERSION_TABLE, db.metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("n", sa.BigInteger, nullable=False, server_default="0"),
    sa.CheckConstraint("id = 1", name="single_row"),
)

READ_VERSION = f"SELECT n FROM {DATA_VERSION_TABLE} WHERE id = 1"
BUMP_VERSION = f"UPDATE {DATA_VERSION_TABLE} SET n = n + 1 WHERE id = 1"
