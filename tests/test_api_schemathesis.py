"""Schemathesis over the whole OpenAPI document with every check (`--checks all`), the way
a client's tooling would run it: the CLI, against the app served on a local port, with an
administrator's token on a few records of each kind.

All four phases run (examples, coverage, fuzzing, stateful). The only check narrowed is
`positive_data_acceptance`, for refusals that depend on stored data or compare fields,
each named with its reason in tests/schemathesis_hooks.py. A server error, a status or
content type the document does not list, a body or header that does not match it, a
request the document forbids that is accepted, or one it allows that is refused for any
other reason fails the test.

Bounded so that it runs in a minute or two; raise SCHEMATHESIS_MAX_EXAMPLES for a longer
hunt, or set SCHEMATHESIS_SEED to try another sequence."""
from __future__ import annotations

import logging
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from crm.models import PartyRole, Role

ROOT = Path(__file__).resolve().parent.parent
MAX_EXAMPLES = os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "10")
SEED = os.environ.get("SCHEMATHESIS_SEED", "1")


@pytest.fixture
def admin_token(db, make_user, make_organization, make_person, make_event, make_project,
                make_memorandum, make_meeting):
    """A few records of each kind (ids from 1, which generated ids often hit), and an
    administrator's token."""
    from crm.account.services import create_token

    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    person = make_person(organization_id=tnc.id)
    event = make_event()
    project = make_project(origin_event_id=event.id, parties=[
        (kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60), (tnc, PartyRole.MINORITY_COPRODUCER, 40)])
    make_memorandum(project_id=project.id, event_id=event.id, parties=[kazakhfilm, tnc])
    meeting = make_meeting(event_id=event.id)
    meeting.organizations, meeting.people, meeting.projects = [kazakhfilm], [person], [project]
    _token, secret = create_token(make_user(Role.ADMIN), "schemathesis")
    db.session.commit()
    return secret


@pytest.fixture
def served(app, monkeypatch):
    """The test app on a free local port, in a thread (each request in its own app
    context and database session, as under gunicorn)."""
    # Thousands of requests in a minute or two: the per-token limit is not what is tested.
    monkeypatch.setitem(app.config, "API_RATELIMIT", "1000000 per minute")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def test_the_whole_api_keeps_its_own_document(served, admin_token, tmp_path):
    excused_log = tmp_path / "excused.txt"
    command = [
        str(Path(sys.executable).with_name("schemathesis")), "run",
        f"{served}/api/v1/openapi.json",
        "--checks", "all", "--exclude-checks", "positive_data_acceptance",
        "-H", f"Authorization: Bearer {admin_token}",
        # the messages the excuses name are English; PATCH /me may change the token
        # owner's own language along the way
        "-H", "Accept-Language: en",
        "--max-examples", MAX_EXAMPLES, "--seed", SEED, "--workers", "2",
        # Generation efficiency, not a finding: dates carry both a format and the pattern
        # of their years (1900–2200), so many generated values are drawn and set aside.
        "--suppress-health-check", "filter_too_much",
        "--no-color",
    ]
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "tests.schemathesis_hooks",
           "PYTHONPATH": str(ROOT), "CRM_EXCUSED_LOG": str(excused_log)}

    run = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True,
                         timeout=900)

    output = run.stdout + run.stderr
    assert run.returncode == 0, output[-12000:]
    selected = re.search(r"Operations:\s+(\d+) selected / (\d+) total", output)
    assert selected and selected[1] == selected[2], output[:2000]  # every operation ran
    assert "Stateful" in output
    assert "Authentication failed" not in output  # the token worked throughout
