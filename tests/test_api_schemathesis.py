"""Schemathesis over the whole OpenAPI document, against the app in-process (WSGI), with an
administrator's token on the demo data: every operation, with generated valid and invalid
input, answers without a server error, with a documented status and content type, and with
a body and headers that match the document.

Bounded (a few examples per operation) so that it runs in about a minute; raise
SCHEMATHESIS_MAX_EXAMPLES for a longer hunt."""
from __future__ import annotations

import contextvars
import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance,
                                               response_headers_conformance,
                                               response_schema_conformance,
                                               status_code_conformance)

from config import TestConfig
from crm import create_app
from crm.models import PartyRole, Role

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_headers_conformance, response_schema_conformance]
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "12"))


@pytest.fixture
def admin_headers(db, make_user, api_headers, make_organization, make_person, make_event,
                  make_project, make_memorandum, make_meeting):
    """A few records of each kind (ids from 1, which generated ids often hit), and an
    administrator's token."""
    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    person = make_person(organization_id=tnc.id)
    event = make_event()
    project = make_project(origin_event_id=event.id, parties=[
        (kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60), (tnc, PartyRole.MINORITY_COPRODUCER, 40)])
    make_memorandum(project_id=project.id, event_id=event.id, parties=[kazakhfilm, tnc])
    meeting = make_meeting(event_id=event.id)
    meeting.organizations, meeting.people, meeting.projects = [kazakhfilm], [person], [project]
    db.session.commit()
    return api_headers(make_user(Role.ADMIN))


# The document is the same for every instance of the app: read it from a throwaway one at
# collection time (one test per operation), and send the requests to the test app.
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", create_app(
    type("DocumentConfig", (TestConfig,), {"SQLALCHEMY_DATABASE_URI": "sqlite://"})))


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_the_document(case, app, db, admin_headers):
    # Like a separate process (see IsolatedClient in conftest): each request has its own
    # app context and database session.
    db.session.commit()
    contextvars.Context().run(case.call_and_validate, app=app, headers=admin_headers,
                              checks=CHECKS)
