"""Record links built from a kept pattern are exactly what url_for builds."""
import pytest
from flask import url_for

from crm.links import record_url


@pytest.mark.parametrize("endpoint, argument", [
    ("projects.detail", "project_id"), ("organizations.detail", "organization_id"),
    ("people.detail", "person_id"), ("meetings.detail", "meeting_id"),
    ("reports.memorandum_summary", "memorandum_id"), ("reports.event_meetings", "event_id")])
@pytest.mark.parametrize("root", ["", "/crm"])
def test_record_url_is_url_for(app, endpoint, argument, root):
    for ident in (1, 42, 10**9):
        with app.test_request_context("/", base_url=f"http://localhost{root}/"):
            assert record_url(endpoint, ident) == url_for(endpoint, **{argument: ident})
