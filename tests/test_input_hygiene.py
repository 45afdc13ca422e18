"""What typed text may hold (crm.text), how the API takes a body it cannot parse safely,
and the smaller edges of trust around them: documents' download names, the docs page
for a token holder, a sign-in that moves between networks, and redirect targets."""
from __future__ import annotations

from urllib.parse import unquote

import pytest
import sqlalchemy as sa

from crm.models import Meeting, Organization, Role
from tests.conftest import PASSWORD, post_form

NEW_ORG = {"name": "Tokyo New Cinema", "local_name": "東京ニューシネマ",
           "kind": "production_company", "country": "JP"}
RLO, LRI = "\u202e", "\u2066"


def org_count(db) -> int:
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organization))


@pytest.mark.parametrize("name, problem", [
    (f"Kazakhfilm{RLO}fdp.exe", "direction-override"),
    (f"{LRI}Kazakhfilm", "direction-override"),
    ("Kazakh\tfilm", "one line"),
    ("Kazakh\x07film", "one line"),
    ("Kazakh\u2028film", "one line"),
])
def test_a_one_line_field_refuses_controls_and_direction_overrides_next_to_the_field(
        client, db, login_as, name, problem):
    login_as("staff")

    response = post_form(client, "/organizations/new", {**NEW_ORG, "name": name})

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    field = html.split('id="name"')[1].split("</div>")[0]
    assert problem in field  # the message sits under the field …
    assert "東京ニューシネマ" in html  # … and what was typed is still there
    assert org_count(db) == 0


def test_a_multi_line_field_keeps_lines_and_tabs_and_drops_the_rest(client, db, login_as):
    login_as("staff")
    notes = f"Met at the pavilion\r\n\tscript sent{RLO}\x07\rbudget next"

    response = post_form(client, "/organizations/new", {**NEW_ORG, "notes": notes})

    assert response.status_code == 302
    db.session.rollback()
    stored = db.session.scalars(sa.select(Organization.notes)).one()
    assert stored == "Met at the pavilion\n\tscript sent\nbudget next"


def test_every_alias_is_one_line(client, db, login_as):
    login_as("staff")

    response = post_form(client, "/organizations/new",
                         {**NEW_ORG, "aliases": f"TNC\nTokyo{RLO}"})

    assert response.status_code == 200
    assert "direction-override" in response.get_data(as_text=True)
    assert org_count(db) == 0


def test_the_api_refuses_a_control_in_a_name_and_cleans_multi_line_text(
        client, db, make_user, api_headers):
    headers = api_headers(make_user(Role.STAFF))

    refused = client.post("/api/v1/organizations", headers=headers,
                          json={**NEW_ORG, "name": f"Tokyo{RLO} New Cinema"})
    assert refused.status_code == 422
    assert "direction-override" in refused.json["errors"]["name"][0]
    assert org_count(db) == 0

    created = client.post("/api/v1/organizations", headers=headers,
                          json={**NEW_ORG, "notes": "one\r\ntwo\x0bthree"})
    assert created.status_code == 201, created.json
    assert created.json["notes"] == "one\ntwothree"


def test_a_meeting_summary_from_the_api_keeps_its_lines(client, db, make_user, api_headers):
    headers = api_headers(make_user(Role.STAFF))

    response = client.post("/api/v1/meetings", headers=headers, json={
        "occurred_at": "2018-05-14T12:00:00+02:00",
        "summary": "Discussed the budget.\r\nNext: the script\u2029in Japanese."})

    assert response.status_code == 201, response.json
    db.session.rollback()
    assert db.session.scalars(sa.select(Meeting.summary)).one() == (
        "Discussed the budget.\nNext: the script\nin Japanese.")


@pytest.mark.parametrize("body", [
    "[" * 1000 + "]" * 1000,
    '{"name": ' + "[" * 1000 + "]" * 1000 + "}",
    '{"name": "Kazakhfilm", "aliases": ' + '{"a": ' * 1000 + "1" + "}" * 1000 + "}",
])
def test_deeply_nested_json_is_a_bad_request_not_a_server_error(
        client, db, make_user, api_headers, body):
    headers = api_headers(make_user(Role.STAFF))

    response = client.post("/api/v1/organizations", data=body, headers=headers,
                           content_type="application/json")

    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "nested too deeply" in response.json["detail"]
    assert org_count(db) == 0


def test_json_nested_within_reason_gets_the_schema_s_answer(client, make_user, api_headers):
    headers = api_headers(make_user(Role.STAFF))

    response = client.post("/api/v1/organizations", headers=headers,
                           data='{"name": ' + "[" * 50 + "]" * 50 + "}",
                           content_type="application/json")

    assert response.status_code == 422
    assert "name" in response.json["errors"]


def test_the_api_docs_page_answers_a_token_holder(client, make_user, api_headers):
    headers = api_headers(make_user(Role.EXECUTIVE))

    response = client.get("/api/v1/docs", headers=headers)

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "/api/v1/organizations" in html
    assert "csrf_token" not in html  # /api/ has no session to keep a token in
    assert "Set-Cookie" not in response.headers


def test_a_pdf_keeps_a_non_latin_name_through_filename_star(client, login_as, make_event):
    event = make_event(name="Алматы кинофестивалі", edition=2018, country="KZ",
                       city="Алматы")
    login_as("staff")

    response = client.get(f"/events/{event.id}/meetings.pdf")

    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    readable = unquote(disposition.split("filename*=UTF-8''")[1])
    assert readable.startswith("Алматы_кинофестивалі") and readable.endswith("-meetings.pdf")


def test_a_sign_in_survives_a_phone_moving_between_networks(client, login_as):
    login_as("staff")
    first = client.get("/", environ_base={"REMOTE_ADDR": "10.1.1.7"},
                       headers={"User-Agent": "Pavilion phone"})
    moved = client.get("/", environ_base={"REMOTE_ADDR": "100.64.20.3"},
                       headers={"User-Agent": "Pavilion phone"})

    assert first.status_code == moved.status_code == 200
    assert "Sign out" in moved.get_data(as_text=True)
    assert "Set-Cookie" not in moved.headers  # no session rewritten on every request


def test_a_line_break_in_next_at_sign_in_goes_to_the_dashboard(client, make_user):
    user = make_user(Role.STAFF)

    response = post_form(client, "/login?next=/x%0D%0AX:1",
                         {"email": user.email, "password": PASSWORD},
                         page="/login")

    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X" not in response.headers


def test_the_document_s_text_patterns_say_exactly_what_the_server_refuses(app):
    """The OpenAPI patterns (ECMA-262 classes) and crm.text's rule agree on every
    character of the Basic Multilingual Plane: in a name, and as a name on its own."""
    import re

    from crm.text import NON_BLANK_LINE_PATTERN, ONE_LINE_PATTERN, line_problem

    one_line, non_blank = re.compile(ONE_LINE_PATTERN), re.compile(NON_BLANK_LINE_PATTERN)
    with app.test_request_context():
        disagree = []
        for code in range(0x10000):
            if 0xD800 <= code < 0xE000:  # surrogates are not text (the API refuses them)
                continue
            ch = chr(code)
            refused = line_problem(f"a{ch}b") is not None
            if refused == bool(one_line.match(f"a{ch}b")):
                disagree.append(f"U+{code:04X} in a line")
            if not refused and (ch.strip() == "") == bool(non_blank.match(ch)):
                disagree.append(f"U+{code:04X} alone")
    assert disagree == []
