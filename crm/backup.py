"""Backups that restore everything: every row of every table and every attachment file,
in one archive that restores on SQLite and on PostgreSQL alike.

The archive (`crm backup PATH`) is a zip file:

- `tables/<table>.jsonl`: the table's rows, one JSON object per line, ordered by primary
  key. Values are written by column type (dates and times in ISO 8601 with their offset,
  money as decimal strings, enums as their values), so a dump of SQLite loads into
  PostgreSQL and back. Secrets are included (password hashes, token hashes, sign-ins): a
  restore has to give back accounts that can sign in. **The archive is therefore as
  secret as the database**: it is created readable by its owner only (mode 0600).
- `attachments/<storage_key>`: every file an attachment row of the backup refers to.
- `manifest.json`: format, alembic revision, created_at, rows per table, and the SHA-256
  and size of every other member.

Why a zip rather than a tarball: a member can be written as a stream whose size is not
known in advance (a table's rows go straight from the database cursor into the archive,
never all in memory, with no temporary files), each member is compressed or stored on its
own (PDF and JPEG scans are compressed already), and a truncated zip has no central
directory, so it cannot be mistaken for a shorter backup.

Consistency. Every row is read in one snapshot: a REPEATABLE READ, read-only transaction
on PostgreSQL; one read transaction on SQLite (under WAL, the app keeps writing
meanwhile). A meeting logged while the backup runs is either wholly in it (with its
people, projects, follow-ups and audit entry) or not at all. Attachment files are written
to UPLOAD_DIR *before* their row is committed, and removed again if it never is
(crm.memoranda.services), so every attachment row of the snapshot has its file; a file
whose row is not yet committed is simply not part of the backup.

Restore (`crm restore PATH`) replaces the configured database's rows and UPLOAD_DIR's
files with the backup's. It first checks everything and touches nothing when anything is
wrong: every member against the manifest (a corrupted, truncated or altered archive is
refused), the database's migration revision against the backup's, and that nobody else
is connected to the database (the app must be stopped; see `_sole_connection`). Then the
files are put back (each written beside its final name and renamed into place), the rows
are replaced in one transaction (the restore's own connection's, committed as its
`with conn.begin()` block ends: the app's session and crm.transactions are not involved),
and only once that is committed are the files that the restored rows do not refer to
moved aside into a `replaced-by-restore-<time>` folder of UPLOAD_DIR (never deleted: an
attachment is a signed scan; delete the folder when sure).

The manifest detects corruption and truncation; it is not a signature. Someone who may
rewrite the archive may rewrite its manifest too: keep backups where only those who may
read the database can write.

`crm export-json` is something else: every table in one JSON document *without* secrets,
readable by other tools (a hand-over, a spreadsheet), not a backup and not loadable.
"""
from __future__ import annotations

import contextlib
import enum
import hashlib
import json
import os
import re
import sqlite3
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import IO

import sqlalchemy as sa
from flask import current_app

from crm.audit import SECRET_FIELDS
from crm.extensions import db

FORMAT = "crm-backup/1"
EXPORT_FORMAT = "crm-export/1"
MANIFEST = "manifest.json"
TABLES = "tables/"
ATTACHMENTS = "attachments/"
# The keys add_attachment gives files (secrets.token_hex(16)); a restore writes only
# names like these, and moves aside only such files.
STORAGE_KEY = re.compile(r"[0-9a-f]{32}")
BATCH = 1000  # rows fetched, and inserted, at a time
CHUNK = 1024 * 1024
# How long a restore waits for a lock before concluding that someone else is using the
# database after all (the app started again meanwhile).
LOCK_WAIT_MS = 5000


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do.
    Nothing was changed."""


@dataclass
class Manifest:
    created_at: str
    alembic_revision: str
    database: str
    tables: dict[str, int] = field(default_factory=dict)
    members: dict[str, dict] = field(default_factory=dict)

    @property
    def attachments(self) -> list[str]:
        """The storage keys of the files in the backup."""
        return [name[len(ATTACHMENTS):] for name in self.members
                if name.startswith(ATTACHMENTS)]

    def as_json(self) -> dict:
        return {"format": FORMAT, "created_at": self.created_at,
                "alembic_revision": self.alembic_revision, "database": self.database,
                "tables": self.tables, "members": self.members}


# --- values <-> JSON -------------------------------------------------------------------

def _encode(value):
    """json.dumps' `default`: the column values JSON has no type for."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return value.hex()
    raise TypeError(f"cannot write a {type(value).__name__} to a backup")


def _decoder(column: sa.Column) -> Callable | None:
    """What turns the column's JSON value back into what the column takes (None: as is)."""
    type_ = column.type
    while isinstance(type_, sa.types.TypeDecorator):  # e.g. UTCDateTime: by what it stores
        type_ = type_.impl_instance
    if isinstance(type_, sa.JSON):
        return None
    try:
        python_type = type_.python_type
    except NotImplementedError:
        return None
    if issubclass(python_type, enum.Enum):
        return python_type
    return {datetime: datetime.fromisoformat, date: date.fromisoformat,
            time: time.fromisoformat, Decimal: Decimal, bytes: bytes.fromhex}.get(python_type)


def _json_line(row) -> bytes:
    return (json.dumps(dict(row), default=_encode, ensure_ascii=False,
                       separators=(",", ":")) + "\n").encode("utf-8")


# --- reading one snapshot --------------------------------------------------------------

@contextlib.contextmanager
def _snapshot() -> Iterator[sa.Connection]:
    """A connection that reads the whole database as it was at its first statement."""
    options = {}
    if db.engine.dialect.name == "postgresql":
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    with db.engine.connect().execution_options(**options) as conn, conn.begin():
        yield conn


def _revision(conn: sa.Connection) -> str:
    try:
        revisions = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all()
    except sa.exc.DBAPIError:
        revisions = []
    if not revisions:
        raise BackupError("the database is not migrated: run `flask --app wsgi db upgrade` "
                          "first")
    return " ".join(sorted(revisions))


def _rows(conn: sa.Connection, table: sa.Table) -> Iterator[sa.RowMapping]:
    """The table's rows in primary key order, fetched BATCH at a time (a server-side
    cursor on PostgreSQL)."""
    statement = (sa.select(table).order_by(*table.primary_key.columns)
                 .execution_options(yield_per=BATCH))
    yield from conn.execute(statement).mappings()


class _Digest:
    """A writable stream that passes bytes on, counting and hashing them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.stream, self.sha256, self.size = stream, hashlib.sha256(), 0

    def write(self, data: bytes) -> None:
        self.stream.write(data)
        self.sha256.update(data)
        self.size += len(data)

    def summary(self) -> dict:
        return {"sha256": self.sha256.hexdigest(), "size": self.size}


def _private_file(path: Path) -> IO[bytes]:
    """A new file at `path` that only its owner can read; never an existing one."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BackupError(f"{path} exists; choose a new file name") from None
    return os.fdopen(descriptor, "wb")


@contextlib.contextmanager
def _written_in_place(target: Path) -> Iterator[IO[bytes]]:
    """Write a new private file that appears under `target` only once complete (a backup
    interrupted half-way leaves no archive that looks whole)."""
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    stream = _private_file(partial)
    try:
        with stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            raise BackupError(f"{target} exists; choose a new file name")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def _attachment_problem(row: dict, problem: str) -> str:
    return (f"attachment {row['id']} of memorandum {row['memorandum_id']} "
            f"({row['filename']!r}, file {row['storage_key']}): {problem}")


def write_backup(target: Path) -> Manifest:
    """Write every row (one snapshot) and every attachment file of it to a new archive at
    `target` (mode 0600). Safe while the app is serving. Raises BackupError, leaving no
    archive, if `target` exists or an attachment's file is missing or not the file its
    row recorded (a backup that could not give it back would not restore everything)."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    attachments_table = db.metadata.tables["attachments"]
    with _written_in_place(target) as stream, \
            zipfile.ZipFile(stream, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        attachments: list[dict] = []
        with _snapshot() as conn:
            manifest = Manifest(created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                                alembic_revision=_revision(conn),
                                database=conn.dialect.name)
            for table in db.metadata.sorted_tables:
                name = f"{TABLES}{table.name}.jsonl"
                count = 0
                with archive.open(_member(name, zipfile.ZIP_DEFLATED), "w",
                                  force_zip64=True) as member:
                    digest = _Digest(member)
                    lines = []
                    for row in _rows(conn, table):
                        lines.append(_json_line(row))
                        if table is attachments_table:
                            attachments.append(dict(row))
                        if len(lines) == BATCH:
                            digest.write(b"".join(lines))
                            lines.clear()
                        count += 1
                    digest.write(b"".join(lines))
                manifest.tables[table.name] = count
                manifest.members[name] = digest.summary()
        # Files outlive the snapshot unchanged (written once, under a new key each).
        problems = []
        for row in attachments:
            name = ATTACHMENTS + row["storage_key"]
            try:
                source = open(upload_dir / row["storage_key"], "rb")
            except FileNotFoundError:
                problems.append(_attachment_problem(row, f"missing from {upload_dir}"))
                continue
            # Stored, not compressed: scans (PDF, JPEG, PNG) are compressed already.
            with source, archive.open(_member(name, zipfile.ZIP_STORED), "w") as member:
                digest = _Digest(member)
                while chunk := source.read(CHUNK):
                    digest.write(chunk)
            manifest.members[name] = digest.summary()
            if (digest.sha256.hexdigest(), digest.size) != (row["sha256"], row["size_bytes"]):
                problems.append(_attachment_problem(
                    row, "the file is not the one uploaded (its SHA-256 or size differs)"))
        if problems:
            raise BackupError("no backup written: " + "; ".join(problems))
        archive.writestr(_member(MANIFEST, zipfile.ZIP_DEFLATED),
                         json.dumps(manifest.as_json(), ensure_ascii=False, indent=1))
    return manifest


def _member(name: str, compression: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, datetime.now().timetuple()[:6])
    info.compress_type = compression
    info.external_attr = (stat.S_IFREG | 0o600) << 16  # unzipped, still its owner's only
    return info


# --- checking an archive ---------------------------------------------------------------

def read_manifest(archive: zipfile.ZipFile) -> Manifest:
    """The archive's manifest, once every member has been read and found to be exactly
    what the manifest says (and nothing else is in the archive). Raises BackupError."""
    try:
        text = archive.read(MANIFEST)
    except KeyError:
        raise BackupError(f"the archive has no {MANIFEST}: not a CRM backup") from None
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BackupError(f"{MANIFEST} cannot be read from the archive ({error})") from None
    try:
        document = json.loads(text)
        if document.get("format") != FORMAT:
            raise BackupError(f"not a CRM backup of format {FORMAT} "
                              f"(format {document.get('format')!r})")
        manifest = Manifest(created_at=str(document["created_at"]),
                            alembic_revision=str(document["alembic_revision"]),
                            database=str(document["database"]),
                            tables={str(k): int(v) for k, v in document["tables"].items()},
                            members={str(k): {"sha256": str(v["sha256"]), "size": int(v["size"])}
                                     for k, v in document["members"].items()})
    except (KeyError, ValueError, TypeError, AttributeError):
        raise BackupError(f"the archive's {MANIFEST} is damaged") from None

    names = set(archive.namelist()) - {MANIFEST}
    listed = set(manifest.members)
    if names != listed:
        missing, extra = sorted(listed - names), sorted(names - listed)
        raise BackupError("the archive does not match its manifest"
                          + (f"; missing: {', '.join(missing[:5])}" if missing else "")
                          + (f"; not listed: {', '.join(extra[:5])}" if extra else ""))
    expected_tables = {f"{TABLES}{name}.jsonl" for name in manifest.tables}
    for name in sorted(listed):
        if not (name in expected_tables or (name.startswith(ATTACHMENTS) and
                                           STORAGE_KEY.fullmatch(name[len(ATTACHMENTS):]))):
            raise BackupError(f"the archive holds an unexpected member {name!r}")
        digest = hashlib.sha256()
        size = 0
        try:
            with archive.open(name) as member:
                while chunk := member.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile) as error:
            raise BackupError(f"{name} cannot be read from the archive ({error})") from None
        if {"sha256": digest.hexdigest(), "size": size} != manifest.members[name]:
            raise BackupError(f"{name} is not what the manifest says (SHA-256 or size "
                              "differs): the archive was changed or damaged")
    if set(expected_tables) - listed:
        raise BackupError("the manifest counts rows of tables the archive does not hold")
    return manifest


@contextlib.contextmanager
def open_backup(path: Path) -> Iterator[tuple[zipfile.ZipFile, Manifest]]:
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist") from None
    except (zipfile.BadZipFile, OSError) as error:
        raise BackupError(f"{path} is not a complete CRM backup (truncated or not a zip "
                          f"archive: {error})") from None
    with archive:
        yield archive, read_manifest(archive)


# --- restoring -------------------------------------------------------------------------

@dataclass
class RestoreResult:
    manifest: Manifest
    files_written: int
    moved_aside: Path | None


def restore_backup(path: Path) -> RestoreResult:
    """Replace every row of the configured database and every attachment file in
    UPLOAD_DIR with the backup's. Refuses (BackupError, nothing changed) a damaged or
    altered archive, a backup of another migration revision, and a database someone else
    is connected to (the app must be stopped first)."""
    upload_dir = Path(current_app.config["UPLOAD_DIR"])
    with open_backup(path) as (archive, manifest):
        # This process's own pooled connections would count as someone else's.
        db.session.remove()
        db.engine.dispose()
        with db.engine.connect() as conn:
            _check_revision(conn, manifest)
            _check_tables(manifest)
            with _sole_connection(conn):
                written = _put_files_back(archive, manifest, upload_dir)
                try:
                    with conn.begin():
                        _replace_rows(conn, archive, manifest)
                except sa.exc.DBAPIError as error:
                    _remove(written)
                    reason = ("the database is in use (stop the app and try again)"
                              if _lock_refused(error) else "the rows could not be restored")
                    raise BackupError(f"{reason}; nothing was changed: {error.orig}") from None
                except BaseException:
                    _remove(written)
                    raise
        moved_aside = _move_aside_files_not_in(manifest, upload_dir)
    return RestoreResult(manifest, len(written), moved_aside)


def _lock_refused(error: sa.exc.DBAPIError) -> bool:
    """Whether the database refused a lock (someone connected after all)."""
    return (getattr(error.orig, "sqlstate", None) == "55P03"  # PostgreSQL: lock_not_available
            or "database is locked" in str(error.orig))


def _remove(files: list[Path]) -> None:
    for stored in files:
        stored.unlink(missing_ok=True)


def _check_revision(conn: sa.Connection, manifest: Manifest) -> None:
    with conn.begin():
        current = _revision(conn)
    if current != manifest.alembic_revision:
        raise BackupError(
            f"the backup is of database revision {manifest.alembic_revision}, this database "
            f"is at {current}. Restore it into an empty database migrated to that revision "
            f"(`flask --app wsgi db upgrade {manifest.alembic_revision}`), then run "
            "`flask --app wsgi db upgrade`.")


def _check_tables(manifest: Manifest) -> None:
    known = set(db.metadata.tables)
    if set(manifest.tables) != known:
        unknown, absent = set(manifest.tables) - known, known - set(manifest.tables)
        raise BackupError("the backup's tables are not this app's"
                          + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else "")
                          + (f"; absent: {', '.join(sorted(absent))}" if absent else ""))


@contextlib.contextmanager
def _sole_connection(conn: sa.Connection) -> Iterator[None]:
    """Make sure nobody else is connected to the database while it is replaced.

    PostgreSQL: no other client connection to this database in pg_stat_activity (the
    refusal names them by application_name); the restore's transaction
    then truncates every table at once, which locks them all, so a server started during
    the restore waits and then sees the restored data.

    SQLite has no list of connections, but leaving WAL mode needs every other connection
    to be closed: the journal mode is switched to DELETE for the restore (and back to WAL
    after it), which fails while a server (any worker that has served a request) holds the
    database open. A server started during the restore waits for its lock, then fails
    its requests (database is locked) until the restore is over; it never sees half."""
    if conn.dialect.name == "postgresql":
        with conn.begin():
            others = conn.execute(sa.text(
                "SELECT coalesce(nullif(application_name, ''), 'unnamed') AS name, count(*) "
                "FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
                "GROUP BY 1 ORDER BY 1")).all()
        if others:
            who = ", ".join(f"{count} from {name}" for name, count in others)
            raise BackupError(f"other connections to this database are open ({who}): stop "
                              "the app (every server and worker) and try again")
        yield
        return
    if conn.dialect.name != "sqlite" or conn.engine.url.database in (None, "", ":memory:"):
        yield
        return
    from crm.sqlite import BUSY_TIMEOUT_MS
    raw = conn.connection.dbapi_connection
    raw.execute("PRAGMA busy_timeout=0")  # another connection is not going to go away
    try:
        mode = raw.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        mode = None
    raw.execute(f"PRAGMA busy_timeout={LOCK_WAIT_MS}")
    try:
        if mode != "delete":
            raise BackupError("another connection has the database open: stop the app "
                              "(every server and worker) and try again")
        yield
    finally:
        with contextlib.suppress(sqlite3.OperationalError):
            raw.execute("PRAGMA journal_mode=WAL")
        raw.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")


def _put_files_back(archive: zipfile.ZipFile, manifest: Manifest, upload_dir: Path) -> list[Path]:
    """Write the backup's attachment files into UPLOAD_DIR, each beside its final name and
    then renamed into place; a file already there with the right contents is kept.
    Returns the files that were not there before."""
    upload_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for key in manifest.attachments:
        final = upload_dir / key
        expected = manifest.members[ATTACHMENTS + key]
        existed = final.exists()
        if existed and _file_digest(final) == expected:
            continue
        partial = upload_dir / f".{key}.restoring"
        try:
            with archive.open(ATTACHMENTS + key) as member, open(partial, "wb") as stored:
                while chunk := member.read(CHUNK):
                    stored.write(chunk)
                stored.flush()
                os.fsync(stored.fileno())
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        if not existed:
            written.append(final)
    return written


def _file_digest(path: Path) -> dict:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as stored:
        while chunk := stored.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return {"sha256": digest.hexdigest(), "size": size}


def _replace_rows(conn: sa.Connection, archive: zipfile.ZipFile, manifest: Manifest) -> None:
    """In the caller's transaction: empty every table, load the backup's rows in
    dependency order, and move PostgreSQL's id sequences past the restored ids."""
    tables = db.metadata.sorted_tables
    postgresql = conn.dialect.name == "postgresql"
    if postgresql:
        conn.exec_driver_sql(f"SET LOCAL lock_timeout = {LOCK_WAIT_MS}")
        conn.exec_driver_sql("TRUNCATE " + ", ".join(
            conn.dialect.identifier_preparer.format_table(t) for t in tables))
    else:
        for table in reversed(tables):
            conn.execute(table.delete())
    for table in tables:
        count = _load_table(conn, table, archive)
        if count != manifest.tables[table.name]:
            raise BackupError(f"{table.name}: {count} rows in the archive, the manifest "
                              f"says {manifest.tables[table.name]}")
    if postgresql:
        _move_sequences_past_restored_ids(conn, tables)
    else:
        _rebuild_notes_index(conn)


def _load_table(conn: sa.Connection, table: sa.Table, archive: zipfile.ZipFile) -> int:
    decoders = {column.name: _decoder(column) for column in table.columns}
    count, batch = 0, []
    with archive.open(f"{TABLES}{table.name}.jsonl") as member:
        for line_number, line in enumerate(member, start=1):
            try:
                row = json.loads(line)
                unknown = set(row) - set(decoders)
                if unknown:
                    raise ValueError(f"unknown columns {', '.join(sorted(unknown))}")
                batch.append({name: value if value is None or decoders[name] is None
                              else decoders[name](value) for name, value in row.items()})
            except (ValueError, TypeError) as error:
                raise BackupError(f"{table.name}, line {line_number}: {error}") from None
            if len(batch) == BATCH:
                conn.execute(table.insert(), batch)
                count += len(batch)
                batch = []
    if batch:
        conn.execute(table.insert(), batch)
        count += len(batch)
    return count


def _move_sequences_past_restored_ids(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """Each id sequence continues after the highest restored id (and never goes back, so
    an id once handed out here is not handed out again)."""
    for table in tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, sa.Integer):
            continue
        sequence = conn.execute(sa.select(sa.func.pg_get_serial_sequence(
            table.name, columns[0].name))).scalar()
        if sequence is None:
            continue
        conn.execute(sa.text(
            f"SELECT setval(:sequence, greatest((SELECT max({columns[0].name}) FROM "
            f"{conn.dialect.identifier_preparer.format_table(table)}), "
            f"(SELECT last_value FROM {sequence}), 1))"), {"sequence": sequence})


def _rebuild_notes_index(conn: sa.Connection) -> None:
    """SQLite's full-text index of meeting notes (crm.notes), rebuilt from the restored
    notes (its triggers kept it in step row by row; a rebuild makes sure)."""
    from crm.notes import NOTES_TABLE
    exists = conn.execute(sa.text("SELECT 1 FROM sqlite_master WHERE type = 'table' "
                                  "AND name = :name"), {"name": NOTES_TABLE}).first()
    if exists:
        conn.exec_driver_sql(f"INSERT INTO {NOTES_TABLE}({NOTES_TABLE}) VALUES ('rebuild')")


def _move_aside_files_not_in(manifest: Manifest, upload_dir: Path) -> Path | None:
    """Files in UPLOAD_DIR named like attachments that no restored row refers to go into
    a `replaced-by-restore-<time>` folder there (nothing refers to them any more; they
    are kept, not deleted, in case one is missed). Returns that folder, if any."""
    keep = set(manifest.attachments)
    strays = sorted(path for path in upload_dir.iterdir()
                    if STORAGE_KEY.fullmatch(path.name) and path.name not in keep
                    and path.is_file())
    if not strays:
        return None
    folder = upload_dir / f"replaced-by-restore-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    folder.mkdir(exist_ok=True)
    for path in strays:
        os.replace(path, folder / path.name)
    return folder


# --- the JSON export -------------------------------------------------------------------

def export_json(target: Path) -> dict[str, int]:
    """Write every table (archived rows included, secrets left out) to one new JSON file,
    read in one snapshot: {"format", "exported_at", "tables": {name: [row, ...]}}, one row
    per line. It is for reading elsewhere, not for restoring (`crm backup` is). Returns
    rows per table."""
    counts: dict[str, int] = {}
    with _written_in_place(Path(target)) as stream, _snapshot() as conn:
        exported_at = datetime.now().astimezone().isoformat()
        stream.write(f'{{"format": {json.dumps(EXPORT_FORMAT)}, '
                     f'"exported_at": {json.dumps(exported_at)}, "tables": {{'.encode())
        for number, table in enumerate(db.metadata.sorted_tables):
            columns = [c for c in table.columns if c.name not in SECRET_FIELDS]
            stream.write(("," if number else "").encode()
                         + f"\n{json.dumps(table.name)}: [".encode())
            count = 0
            statement = (sa.select(*columns).order_by(*table.primary_key.columns)
                         .execution_options(yield_per=BATCH))
            for row in conn.execute(statement).mappings():
                stream.write(b"," if count else b"")
                stream.write(b"\n" + _json_line(row)[:-1])
                count += 1
            stream.write(b"]")
            counts[table.name] = count
        stream.write(b"\n}}\n")
    return counts
