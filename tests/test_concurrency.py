"""Several workers log meetings at the same moment into one file-backed SQLite database:
every meeting is stored, nobody sees "database is locked" or a server error."""
import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from flask_migrate import upgrade

from config import TestConfig
from crm import create_app
from crm.extensions import db as _db
from crm.extensions import init_migrate
from crm.models import Meeting, Person, Role, User

ROOT = Path(__file__).resolve().parents[1]
WORKERS, MEETINGS_EACH = 4, 12


def test_four_processes_log_meetings_at_once_and_every_meeting_is_stored(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = database_url

    app = create_app(Config)
    init_migrate(app)
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        user = User(email="stand@crm.example", name="Stand", role=Role.STAFF)
        user.set_password("a long enough password")
        _db.session.add(user)
        _db.session.commit()
        _db.engine.dispose()

    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    workers = [subprocess.Popen(
        [sys.executable, "-m", "tests.concurrency_worker", database_url, "stand@crm.example",
         "a long enough password", str(n), str(MEETINGS_EACH)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(WORKERS)]
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=240)
        assert worker.returncode == 0, err[-3000:]
        assert "database is locked" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))

    for result in results:
        assert result["statuses"] == [302] * MEETINGS_EACH, result["errors"]
    with app.app_context():
        meetings = _db.session.scalar(sa.select(sa.func.count()).select_from(Meeting))
        guests = _db.session.scalar(sa.select(sa.func.count()).select_from(Person))
        summaries = set(_db.session.scalars(sa.select(Meeting.summary)))
        _db.engine.dispose()
    assert meetings == guests == WORKERS * MEETINGS_EACH
    assert f"Worker 3 meeting {MEETINGS_EACH - 1} — Қазақфильм" in summaries


