"""Backups: `crm backup` taken while meetings and scans are being stored restores, with
`crm restore`, to exactly the rows and files of its snapshot, on SQLite and PostgreSQL
and from one to the other; a damaged, altered or foreign archive is refused, and so is a
restore while someone else is connected; the JSON export holds everything but secrets."""
from __future__ import annotations

import hashlib
import io
import json
import os
import sqlite3
import stat
import threading
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig
from crm import create_app
from crm.backup import open_backup
from crm.demo import DEMO_USERS, seed_demo
from crm.extensions import db as _db
from crm.extensions import init_migrate
from crm.models import AuditEntry, Attachment, Meeting, Memorandum, Organization, User

from tests.conftest import PASSWORD, csrf_token_from, post_form

MIGRATIONS = str(Path(__file__).resolve().parents[1] / "migrations")


def scan(n: int) -> bytes:
    return b"%PDF-1.4\n" + f"signed scan {n}\n".encode() + os.urandom(2000)


def _row_counts(connection) -> dict[str, int]:
    return {t.name: connection.execute(sa.select(sa.func.count()).select_from(t)).scalar()
            for t in _db.metadata.sorted_tables}


def row_counts() -> dict[str, int]:
    with _db.engine.connect() as conn:
        return _row_counts(conn)


def file_hashes(folder: Path) -> dict[str, str]:
    """{name: sha256} of the files directly in `folder` (attachments, not sub-folders)."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.iterdir() if p.is_file()}


@pytest.fixture
def upload_dir(app, tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_DIR", str(folder))
    return folder


@pytest.fixture
def cli(app):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=list(args))


def release_connections() -> None:
    """What stopping the app does: this process keeps no connection to the database."""
    _db.session.commit()
    _db.session.remove()
    _db.engine.dispose()


def upload(client, memo_id: int, data: bytes, name: str):
    page = f"/memoranda/{memo_id}"
    token = csrf_token_from(client.get(page).get_data(as_text=True))
    return client.post(f"{page}/attachments", content_type="multipart/form-data",
                       data={"file": (io.BytesIO(data), name), "csrf_token": token})


def fresh_database_url(database_url: str, tmp_path: Path, dialect: str | None = None) -> str:
    """An empty database beside the tests' own: a new SQLite file, or `<name>_restore` on
    the same PostgreSQL server (created if missing, emptied if not)."""
    dialect = dialect or sa.engine.make_url(database_url).get_backend_name()
    if dialect == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    url = sa.engine.make_url(database_url)
    fresh = url.set(database=f"{url.database}_restore")
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        if not conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                            {"name": fresh.database}).first():
            conn.exec_driver_sql(f'CREATE DATABASE "{fresh.database}"')
    server.dispose()
    engine = sa.create_engine(fresh)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    engine.dispose()
    return fresh.render_as_string(hide_password=False)


@pytest.fixture
def migrated_app():
    """migrated_app(url, upload_dir): an app on a new database, migrated; its connections
    are closed when the test ends (a restore there would otherwise see them)."""
    apps = []

    def make(url: str, upload_dir: Path):
        class Config(TestConfig):
            SQLALCHEMY_DATABASE_URI = url
            UPLOAD_DIR = str(upload_dir)

        app = create_app(Config)
        init_migrate(app)
        with app.app_context():
            upgrade(directory=MIGRATIONS)
            _db.engine.dispose()
        apps.append(app)
        return app
    yield make
    for app in apps:
        with app.app_context():
            _db.engine.dispose()


def restore_into(app, archive: Path):
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["crm", "restore", str(archive)])
        counts = row_counts()
        _db.engine.dispose()
    assert result.exit_code == 0, result.output
    return counts


def signs_in(app, email: str, password: str = PASSWORD) -> bool:
    client = app.test_client()
    return post_form(client, "/login", {"email": email, "password": password}).status_code == 302


class MeetingWriter(threading.Thread):
    """Staff at the stand: logs a meeting through the API and attaches a scan through
    the memorandum's page, again and again, until told to stop. `held` pauses it
    between two meetings."""

    def __init__(self, app, headers: dict, page_client, memo_id: int, person_id: int,
                 owner_id: int) -> None:
        super().__init__(daemon=True)
        self.api = app.test_client()
        self.page_client, self.headers = page_client, headers
        self.memo_id, self.person_id, self.owner_id = memo_id, person_id, owner_id
        self.held, self.stop = threading.Lock(), threading.Event()
        self.wrote = threading.Condition()
        self.done, self.errors = 0, []

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                with self.held:
                    self.write_one()
                with self.wrote:
                    self.done += 1
                    self.wrote.notify_all()
        except Exception as error:  # noqa: BLE001 - reported by the test
            self.errors.append(error)
            with self.wrote:
                self.wrote.notify_all()

    def write_one(self) -> None:
        response = self.api.post("/api/v1/meetings", headers=self.headers, json={
            "occurred_at": "2018-05-12T10:00:00+02:00", "summary": f"Stand talk {self.done}",
            "person_ids": [self.person_id], "organization_ids": [], "project_ids": [],
            "follow_ups": [{"description": "Send the script", "owner_id": self.owner_id,
                            "due_date": "2018-06-01"}]})
        assert response.status_code == 201, response.get_data(as_text=True)
        response = upload(self.page_client, self.memo_id, scan(self.done), f"scan {self.done}.pdf")
        assert response.status_code == 302, response.get_data(as_text=True)

    def wait_for(self, done: int) -> None:
        with self.wrote:
            assert self.wrote.wait_for(lambda: self.done >= done or self.errors, timeout=120)
        assert not self.errors, self.errors


def pause_at_snapshot(writer: MeetingWriter, seen: dict):
    """Listeners that stop the backup right after its snapshot began (its first statement
    reads the migration revision), note what was committed then, and let the writer log
    two more meetings with scans before the backup reads any table."""
    backup_thread = threading.current_thread()

    def before(_conn, _cursor, statement, *_args):
        if (threading.current_thread() is backup_thread and "alembic_version" in statement
                and "counts" not in seen):
            writer.held.acquire()  # no meeting half-stored while counting
            seen["counts"] = row_counts()
            seen["files"] = set(_db.session.scalars(sa.select(Attachment.storage_key)))
            _db.session.rollback()

    def after(_conn, _cursor, statement, *_args):
        if (threading.current_thread() is backup_thread and "alembic_version" in statement
                and "resumed" not in seen):
            seen["resumed"] = True
            done = writer.done
            writer.held.release()
            writer.wait_for(done + 2)
    return before, after


def test_a_backup_taken_while_meetings_are_logged_restores_its_snapshot_exactly(
        app, db, database_url, client, cli, login_as, api_headers, make_person,
        make_memorandum, upload_dir, migrated_app, tmp_path):
    seed_demo()
    staff = login_as("staff")
    headers = api_headers(staff)
    person, memo = make_person(full_name="Lisa Takeba"), make_memorandum(reference="MOU-2018-777")
    assert upload(client, memo.id, scan(0), "first.pdf").status_code == 302
    writer = MeetingWriter(app, headers, client, memo.id, person.id, staff.id)
    db.session.commit()
    writer.start()
    writer.wait_for(2)

    seen: dict = {}
    before, after = pause_at_snapshot(writer, seen)
    sa.event.listen(db.engine, "before_cursor_execute", before)
    sa.event.listen(db.engine, "after_cursor_execute", after)
    archive = tmp_path / "crm.backup.zip"
    try:
        result = cli("crm", "backup", str(archive))
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", before)
        sa.event.remove(db.engine, "after_cursor_execute", after)
        writer.stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert not writer.errors, writer.errors
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600  # it holds password hashes

    # The backup is its snapshot: what was committed when it began, nothing written after.
    with open_backup(archive) as (_zip, manifest):
        assert manifest.tables == seen["counts"]
        assert set(manifest.attachments) == seen["files"]
    later = row_counts()
    assert later["meetings"] >= seen["counts"]["meetings"] + 2
    assert later["attachments"] >= seen["counts"]["attachments"] + 2

    # Restored into an empty database: every row, every file, working accounts.
    fresh_uploads = tmp_path / "fresh-uploads"
    fresh = migrated_app(fresh_database_url(database_url, tmp_path), fresh_uploads)
    assert restore_into(fresh, archive) == seen["counts"]
    originals = file_hashes(upload_dir)
    assert file_hashes(fresh_uploads) == {key: originals[key] for key in seen["files"]}
    with fresh.app_context():
        recorded = dict(_db.session.execute(
            sa.select(Attachment.storage_key, Attachment.sha256)).all())
        summaries = _db.session.scalars(sa.select(Meeting.summary)).all()
        _db.session.remove()
        _db.engine.dispose()
    assert recorded == file_hashes(fresh_uploads)
    assert len(summaries) == seen["counts"]["meetings"]
    assert signs_in(fresh, staff.email)
    email, password = DEMO_USERS[0][:2]
    assert signs_in(fresh, email, password)
    # The API token works too, and new meetings get new ids (sequences moved on).
    response = fresh.test_client().post("/api/v1/meetings", headers=headers, json={
        "occurred_at": "2018-05-13T10:00:00+02:00", "summary": "After the restore",
        "person_ids": [], "organization_ids": [], "project_ids": []})
    assert response.status_code == 201, response.get_data(as_text=True)


def test_restore_puts_back_the_rows_and_files_of_the_backup(
        app, db, client, cli, login_as, make_memorandum, make_user, upload_dir, tmp_path):
    seed_demo()
    staff = login_as("staff")
    memo = make_memorandum(reference="MOU-2018-777")
    for n in range(2):
        assert upload(client, memo.id, scan(n), f"scan {n}.pdf").status_code == 302
    archive = tmp_path / "crm.backup.zip"
    assert cli("crm", "backup", str(archive)).exit_code == 0
    expected, expected_files = row_counts(), file_hashes(upload_dir)

    # Afterwards: a scan more, one lost from the disk, a password changed, a row gone.
    assert upload(client, memo.id, scan(9), "later.pdf").status_code == 302
    lost = sorted(expected_files)[0]
    (upload_dir / lost).unlink()
    email, memo_id = staff.email, memo.id
    db.session.get(User, staff.id).set_password("another long password")
    db.session.execute(sa.delete(AuditEntry))
    release_connections()

    result = cli("crm", "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert row_counts() == expected
    assert file_hashes(upload_dir) == expected_files
    moved = [p for p in upload_dir.iterdir() if p.is_dir()]
    assert len(moved) == 1 and len(list(moved[0].iterdir())) == 1  # the later scan, kept
    assert signs_in(app, email)
    assert not signs_in(app, email, "another long password")
    with client.get(f"/memoranda/{memo_id}/attachments/"
                    f"{db.session.scalars(sa.select(Attachment.id)).first()}") as download:
        assert download.status_code == 200 and download.data.startswith(b"%PDF")


def test_a_backup_of_sqlite_restores_into_postgresql(database_url, migrated_app, tmp_path):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    source_uploads, target_uploads = tmp_path / "sqlite-uploads", tmp_path / "pg-uploads"
    source = migrated_app(fresh_database_url(database_url, tmp_path, "sqlite"), source_uploads)
    archive = tmp_path / "from-sqlite.zip"
    with source.app_context():
        from crm.memoranda.services import add_attachment
        seed_demo()
        memo = _db.session.scalars(sa.select(Memorandum)).first()
        add_attachment(memo, "signed.pdf", scan(1))
        _db.session.commit()
        expected = row_counts()
        result = source.test_cli_runner().invoke(args=["crm", "backup", str(archive)])
        _db.session.remove()
        _db.engine.dispose()
    assert result.exit_code == 0, result.output
    target = migrated_app(fresh_database_url(database_url, tmp_path), target_uploads)
    assert restore_into(target, archive) == expected
    assert file_hashes(target_uploads) == file_hashes(source_uploads)
    with target.app_context():
        names = _db.session.scalars(sa.select(Organization.local_name)).all()
        _db.session.remove()
        _db.engine.dispose()
    assert "Қазақфильм" in names and "東京ニューシネマ" in names


@pytest.fixture
def backed_up(db, client, cli, login_as, make_memorandum, upload_dir, tmp_path):
    """A backup of the demo data with one scan, and the state it was taken in."""
    seed_demo()
    login_as("staff")
    memo = make_memorandum(reference="MOU-2018-777")
    assert upload(client, memo.id, scan(1), "scan.pdf").status_code == 302
    archive = tmp_path / "crm.backup.zip"
    assert cli("crm", "backup", str(archive)).exit_code == 0
    db.session.execute(sa.delete(AuditEntry))  # after the backup
    release_connections()
    return archive, row_counts(), file_hashes(upload_dir)


def rewritten(archive: Path, change) -> Path:
    """A copy of the archive with `change(name, data) -> data` applied to each member."""
    target = archive.with_name("changed.zip")
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for name in source.namelist():
            copy.writestr(name, change(name, source.read(name)))
    return target


def assert_refused(cli, archive: Path, message: str, before, upload_dir: Path) -> None:
    counts, files = before
    result = cli("crm", "restore", str(archive))
    assert result.exit_code != 0
    assert message in result.output, result.output
    assert row_counts() == counts
    assert file_hashes(upload_dir) == files


def flip_last_byte(data: bytes) -> bytes:
    return data[:-1] + bytes([data[-1] ^ 1])


@pytest.mark.parametrize("change, message", [
    (lambda name, data: flip_last_byte(data) if name.startswith("attachments/") else data,
     "is not what the manifest says"),
    (lambda name, data: data.replace(b"Kazakhfilm", b"Kazakhfilm!")
     if name == "tables/organizations.jsonl" else data, "is not what the manifest says"),
    (lambda name, data: json.dumps({**json.loads(data), "alembic_revision": "0123abcd"}).encode()
     if name == "manifest.json" else data, "revision 0123abcd"),
])
def test_an_altered_archive_is_refused_and_nothing_is_touched(cli, backed_up, upload_dir,
                                                              change, message):
    archive, counts, files = backed_up
    assert_refused(cli, rewritten(archive, change), message, (counts, files), upload_dir)


def test_a_truncated_archive_is_refused(cli, backed_up, upload_dir):
    archive, counts, files = backed_up
    truncated = archive.with_name("truncated.zip")
    data = archive.read_bytes()
    truncated.write_bytes(data[:len(data) // 2])
    assert_refused(cli, truncated, "not a complete CRM backup", (counts, files), upload_dir)
    not_a_backup = archive.with_name("notes.zip")
    with zipfile.ZipFile(not_a_backup, "w") as other:
        other.writestr("notes.txt", "hello")
    assert_refused(cli, not_a_backup, "not a CRM backup", (counts, files), upload_dir)


def test_restore_refuses_while_someone_else_is_connected(cli, backed_up, database_url,
                                                         upload_dir):
    archive, counts, files = backed_up
    if database_url.startswith("postgresql"):
        other = sa.create_engine(database_url, connect_args={"application_name": "crm"})
        with other.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
            assert_refused(cli, archive, "1 from crm", (counts, files), upload_dir)
        other.dispose()
    else:
        path = sa.engine.make_url(database_url).database
        worker = sqlite3.connect(path)
        worker.execute("SELECT count(*) FROM users").fetchone()
        try:
            assert_refused(cli, archive, "another connection has the database open",
                           (counts, files), upload_dir)
        finally:
            worker.close()
        check = sqlite3.connect(path)
        assert check.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # as it was
        check.close()
    release_connections()
    result = cli("crm", "restore", str(archive))  # once everyone has gone
    assert result.exit_code == 0, result.output


def test_backup_never_overwrites_a_file(db, cli, upload_dir, tmp_path):
    target = tmp_path / "existing.zip"
    target.write_bytes(b"keep me")
    result = cli("crm", "backup", str(target))
    assert result.exit_code != 0 and "exists" in result.output
    assert target.read_bytes() == b"keep me"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["existing.zip"]  # no leftovers


def test_backup_refuses_when_a_scan_is_missing_from_the_upload_dir(
        db, client, cli, login_as, make_memorandum, upload_dir, tmp_path):
    login_as("staff")
    memo = make_memorandum(reference="MOU-2018-777")
    assert upload(client, memo.id, scan(1), "signed.pdf").status_code == 302
    for path in upload_dir.iterdir():
        path.unlink()
    result = cli("crm", "backup", str(tmp_path / "crm.zip"))
    assert result.exit_code != 0
    assert "'signed.pdf'" in result.output and "missing" in result.output
    assert [p.name for p in tmp_path.iterdir() if "crm.zip" in p.name] == []


def test_export_json_has_every_table_and_no_secrets(db, cli, tmp_path):
    seed_demo()
    db.session.commit()
    target = tmp_path / "export.json"
    result = cli("crm", "export-json", str(target))
    assert result.exit_code == 0, result.output
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["format"] == "crm-export/1"
    assert {k: len(v) for k, v in document["tables"].items()} == row_counts()
    users = document["tables"]["users"]
    assert users and all("password_hash" not in u and "session_token" not in u for u in users)
    assert any(o["local_name"] == "Қазақфильм" for o in document["tables"]["organizations"])
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
