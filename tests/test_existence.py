"""Never reveal existence: to a reader, a record they may not see is a record that does not
exist. As an executive of one studio, with another studio's project, memorandum, meeting
(and what hangs off them: an attachment, a follow-up) hidden, every route that takes an
id, every filter by id and every `*_id` field answers a hidden id exactly as an id that
does not exist: the same status, the same body apart from the id itself, the same headers
that matter; and no response names a hidden id at all.

The tables below are checked for completeness against the app itself: every rule of the
URL map with an `<int:…>` argument, every `*_id` filter of the API's query schemas and of
the pages' filters, and every `*_id(s)` field the API sends must be classified here, so a
new route, filter or field cannot slip through unexamined.

Hidden records get distinctive ids (42420xx) and the ids that do not exist others of the
same length (93930xx): a response that names a hidden id is then easy to spot, and the
two answers can be compared with the id replaced.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import re

import pytest
import sqlalchemy as sa
from marshmallow import Schema, fields
from werkzeug.routing import IntegerConverter

from crm.api import schemas as api_schemas
from crm.extensions import limiter
from crm.meetings.services import MeetingFilters
from crm.memoranda.services import MemorandumFilters
from crm.models import (Attachment, CreditRole, FollowUp, PartyRole, ProjectPerson, Role,
                        StageChange, meeting_projects)
from crm.pipeline.services import PipelineFilters
from tests.conftest import csrf_token_from, stage
from tests.test_pdfs import PDF, poppler  # noqa: F401 - a fixture

HIDDEN = {"project": 4242001, "memorandum": 4242002, "meeting": 4242003,
          "follow_up": 4242004, "attachment": 4242005, "stage_change": 4242006}
UNKNOWN = {"project": 9393001, "memorandum": 9393002, "meeting": 9393003,
           "follow_up": 9393004, "attachment": 9393005, "stage_change": 9393006}
HIDDEN_KINDS = set(HIDDEN)

# What the id in a route's path names, by the argument's name. None: a kind of record
# every signed-in reader sees (or one of their own), so there is nothing to hide.
ARGUMENT_KINDS = {
    "project_id": "project", "memorandum_id": "memorandum", "meeting_id": "meeting",
    "follow_up_id": "follow_up", "attachment_id": "attachment",
    "organization_id": None, "person_id": None, "event_id": None,
    "stage_id": None,  # pipeline stages: admin-edited reference data
    "user_id": None,  # users: administrators' pages
    "token_id": None,  # one's own API tokens
    "object_id": "project",  # /admin/archive/<kind>/<id>/restore, filled with kind=projects
}
# The API's `<int:id>`: named by the collection in the path.
API_COLLECTION_KINDS = {
    "projects": "project", "memoranda": "memorandum", "meetings": "meeting",
    "organizations": None, "people": None, "events": None, "stages": None,
}
STRING_ARGUMENTS = {"kind": "projects"}


def _argument_kind(rule, name: str) -> str | None:
    if name == "id" and rule.rule.startswith("/api/v1/"):
        collection = rule.rule.split("/")[3]
        assert collection in API_COLLECTION_KINDS, \
            f"{rule.rule}: classify the collection {collection!r} in API_COLLECTION_KINDS"
        return API_COLLECTION_KINDS[collection]
    assert name in ARGUMENT_KINDS, f"{rule.rule}: classify <int:{name}> in ARGUMENT_KINDS"
    return ARGUMENT_KINDS[name]


# --- the world: studio A's executive, studio B's deals -----------------------------------

@dataclasses.dataclass
class World:
    executive: object
    headers: dict
    visible: dict  # kind -> a visible record's id (studio A's)
    org_a: int
    org_b: int


@pytest.fixture
def world(app, db, make_organization, make_person, make_event, make_project, make_memorandum,
          make_meeting, make_user, login, api_headers, client):
    org_a = make_organization(name="Studio A", local_name=None)
    org_b = make_organization(name="Studio B", local_name=None)
    # Everyone sees people and events; studio B's deals name them too.
    person = make_person()
    event = make_event()
    shared = [(org_a, PartyRole.COPRODUCER, None)]
    # Studio A's first (so that no visible id falls among the hidden ones'), then B's.
    project_a = make_project(title="Visible deal", parties=shared)
    memo_a = make_memorandum(reference="MOU-A", parties=[org_a])
    meeting_a = make_meeting(organizations=[org_a], projects=[project_a],
                             follow_ups=[FollowUp(description="Call back")])
    attachment_a = _attachment(app, db, memo_a.id)
    project_b = make_project(id=HIDDEN["project"], title="Hidden deal", origin_event=event,
                             parties=[(org_b, PartyRole.COPRODUCER, None)],
                             people=[ProjectPerson(person=person, role=CreditRole.DIRECTOR)])
    make_memorandum(id=HIDDEN["memorandum"], reference="MOU-B", parties=[org_b],
                    project_id=project_b.id, event_id=event.id)
    make_meeting(organizations=[org_b], projects=[project_b], id=HIDDEN["meeting"],
                 event=event, people=[person], summary="Secret talks",
                 follow_ups=[FollowUp(id=HIDDEN["follow_up"], description="Send the script")])
    _attachment(app, db, HIDDEN["memorandum"], HIDDEN["attachment"])
    # Studio A is party to this memorandum, whose project is studio B's alone; the meeting
    # with studio A discussed that project too.
    memo_a.project_id = project_b.id
    meeting_a.projects.append(project_b)
    db.session.add(StageChange(id=HIDDEN["stage_change"], project_id=project_b.id,
                               to_stage_id=stage("lead").id))
    db.session.commit()
    executive = make_user(Role.EXECUTIVE, organization_id=org_a.id)
    assert login(executive).status_code == 302
    client.get("/")  # the welcome message, shown once
    limiter.reset()  # what is compared is the record, never a rate limit
    visible = {"project": project_a.id, "memorandum": memo_a.id, "meeting": meeting_a.id,
               "follow_up": meeting_a.follow_ups[0].id,
               "attachment": attachment_a.id}
    return World(executive, api_headers(executive), visible, org_a.id, org_b.id)


def _attachment(app, db, memo_id: int, ident: int | None = None) -> Attachment:
    data = b"%PDF-1.4 signed scan " + str(memo_id).encode()
    key = hashlib.sha256(data).hexdigest()[:32]
    with open(os.path.join(app.config["UPLOAD_DIR"], key), "wb") as stored:
        stored.write(data)
    attachment = Attachment(id=ident, memorandum_id=memo_id, filename="scan.pdf",
                            content_type="application/pdf", size_bytes=len(data),
                            sha256=hashlib.sha256(data).hexdigest(), storage_key=key)
    db.session.add(attachment)
    db.session.commit()
    return attachment


# --- comparing two answers --------------------------------------------------------------

_IDS = re.compile("|".join(str(i) for i in (*HIDDEN.values(), *UNKNOWN.values())))
_CSRF_VALUES = re.compile(r'(csrf[-_]token"?[^>]*?(?:value|content)=")[^"]*(")')
# Headers a reader (or a script) can tell answers apart by. (Not the rate limit's:
# Retry-After and X-RateLimit-* count the caller's requests and seconds, on every API
# answer alike; no answer here is rate-limited, see `assert_same_answer`.)
COMPARED_HEADERS = ("Content-Type", "Location", "WWW-Authenticate", "Allow", "ETag",
                    "Content-Disposition", "Cache-Control", "Vary", "Content-Length")


def _normalized(response) -> dict:
    data = response.get_data()
    body = f"<{len(data)} bytes of PDF>" if response.mimetype.endswith("pdf") else data.decode()
    body = _CSRF_VALUES.sub(r"\1…\2", _IDS.sub("{id}", body))
    response.close()  # a download's file
    headers = {name: _IDS.sub("{id}", response.headers[name])
               for name in COMPARED_HEADERS if name in response.headers}
    return {"status": response.status_code, "headers": headers, "body": body}


def assert_same_answer(hidden, unknown, what: str) -> None:
    hidden, unknown = _normalized(hidden), _normalized(unknown)
    assert 429 not in (hidden["status"], unknown["status"]), f"{what}: rate-limited"
    assert hidden["status"] == unknown["status"], \
        f"{what}: {hidden['status']} for a hidden id, {unknown['status']} for an unknown one"
    assert hidden["body"] == unknown["body"], what
    assert hidden["headers"] == unknown["headers"], what


def _send(client, world: World, method: str, url: str):
    if url.startswith("/api/"):
        return client.open(url, method=method, headers=world.headers,
                           json={} if method != "GET" else None)
    if method == "GET":
        return client.get(url)
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    data = {"csrf_token": token}
    if url.endswith("/attachments"):
        data["file"] = (io.BytesIO(b"%PDF-1.4 another scan"), "scan.pdf")
    return client.open(url, method=method, data=data)


# --- every route with an id in its path -------------------------------------------------

def _id_routes(app) -> list[tuple[object, str]]:
    return sorted(((rule, method) for rule in app.url_map.iter_rules()
                   for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
                   if any(isinstance(rule._converters[a], IntegerConverter)
                          for a in rule.arguments)),
                  key=lambda pair: (pair[0].rule, pair[1]))


def _cases(app) -> list[tuple[str, str, dict, str]]:
    """(method, endpoint, {argument: kind}, the argument that varies: 'all' = every
    argument of a hidden kind at once) for every route with an id in its path."""
    cases = []
    for rule, method in _id_routes(app):
        kinds = {a: _argument_kind(rule, a) for a in rule.arguments
                 if isinstance(rule._converters[a], IntegerConverter)}
        hidden_args = [a for a, kind in kinds.items() if kind in HIDDEN_KINDS]
        varying = hidden_args + (["all"] if len(hidden_args) > 1 else [])
        cases.extend((method, rule.endpoint, kinds, arg) for arg in varying)
    return cases


def _url(app, endpoint: str, values: dict) -> str:
    """The endpoint's URL with these ids (and STRING_ARGUMENTS for the rest)."""
    from flask import url_for
    arguments = {a for rule in app.url_map.iter_rules(endpoint=endpoint) for a in rule.arguments}
    strings = {name: value for name, value in STRING_ARGUMENTS.items() if name in arguments}
    with app.test_request_context():
        return url_for(endpoint, **strings, **values)


def test_every_route_with_an_id_is_classified(app):
    """Every `<int:…>` argument of the URL map is in the tables above: a route added
    later with an id of a new kind fails here until it is classified (and then tested)."""
    routes = _id_routes(app)
    assert len(routes) > 30
    for rule, _method in routes:
        for name in rule.arguments:
            if isinstance(rule._converters[name], IntegerConverter):
                _argument_kind(rule, name)
    tested = {(method, endpoint) for method, endpoint, _k, _a in _cases(app)}
    for must in (("POST", "memoranda.upload_attachment"), ("GET", "api.memorandum"),
                 ("GET", "memoranda.download_attachment"), ("POST", "api.project_stage"),
                 ("POST", "meetings.complete_follow_up"), ("GET", "reports.memorandum_summary")):
        assert must in tested, must


def pytest_generate_tests(metafunc):
    if "id_route" in metafunc.fixturenames:
        from config import TestConfig
        from crm import create_app
        app = create_app(type("CollectConfig", (TestConfig,),
                              {"SQLALCHEMY_DATABASE_URI": "sqlite://"}))
        cases = _cases(app)
        metafunc.parametrize("id_route", cases,
                             ids=[f"{m} {e} {a}" for m, e, _k, a in cases])


def test_a_hidden_id_in_a_path_answers_as_an_unknown_one(app, client, world, id_route):
    method, endpoint, kinds, varying = id_route
    base = {a: (world.visible[k] if k in world.visible else 1) if k else _unrestricted(a)
            for a, k in kinds.items()}
    hidden, unknown = dict(base), dict(base)
    for argument, kind in kinds.items():
        if argument == varying or (varying == "all" and kind in HIDDEN_KINDS):
            hidden[argument], unknown[argument] = HIDDEN[kind], UNKNOWN[kind]
    hidden_url = _url(app, endpoint, hidden)
    unknown_url = _url(app, endpoint, unknown)
    assert_same_answer(_send(client, world, method, hidden_url),
                       _send(client, world, method, unknown_url),
                       f"{method} {hidden_url} / {unknown_url}")


def _unrestricted(argument: str) -> int:
    """A real id for an argument of a kind everyone sees (the first row of its table)."""
    from crm.extensions import db
    from tests.test_routes_roles import _model_for
    model = _model_for(argument, {})
    return (db.session.scalar(sa.select(sa.func.min(model.id))) if model else None) or 1


# --- every filter by id -----------------------------------------------------------------

# Where each filter is answered: the API's query schemas and the pages' filters.
API_QUERIES = {
    "MemorandumQuery": ["/api/v1/memoranda"], "MeetingQuery": ["/api/v1/meetings"],
    "ProjectQuery": ["/api/v1/projects"], "PersonQuery": ["/api/v1/people"],
    "PipelineQuery": ["/api/v1/reports/pipeline.pdf"],
}
PAGE_FILTERS = {
    MemorandumFilters: ["/memoranda", "/memoranda/new"],
    MeetingFilters: ["/meetings", "/meetings/new"],
    PipelineFilters: ["/projects", "/pipeline", "/reports/pipeline.pdf"],
}
PAGE_ONLY_FILTERS = {("/people", "organization_id"), ("/people/new", "organization_id"),
                     ("/admin/audit", "object_id")}
FILTER_KINDS = {"project_id": "project", "organization_id": None, "event_id": None,
                "person_id": None, "object_id": None}  # the audit trail: administrators'


def _query_schemas() -> dict[str, type[Schema]]:
    return {name: cls for name, cls in vars(api_schemas).items()
            if isinstance(cls, type) and issubclass(cls, Schema) and name.endswith("Query")}


def _filters() -> list[tuple[str, str]]:
    found = set(PAGE_ONLY_FILTERS)
    for name, schema in _query_schemas().items():
        id_fields = [f for f in schema._declared_fields if f.endswith("_id")]
        if id_fields:
            assert name in API_QUERIES, f"say where {name} is answered in API_QUERIES"
        found |= {(url, f) for url in API_QUERIES.get(name, []) for f in id_fields}
    for filters_class, urls in PAGE_FILTERS.items():
        found |= {(url, f.name) for url in urls for f in dataclasses.fields(filters_class)
                  if f.name.endswith("_id")}
    return sorted(found)


FILTERS = _filters()


def test_every_filter_by_id_is_classified():
    for _url_, name in FILTERS:
        assert name in FILTER_KINDS, f"classify the filter {name} in FILTER_KINDS"
    assert ("/api/v1/memoranda", "project_id") in FILTERS
    assert ("/meetings", "project_id") in FILTERS


@pytest.mark.parametrize("url,name", [f for f in FILTERS if FILTER_KINDS[f[1]]],
                         ids=[f"{u}?{n}" for u, n in FILTERS if FILTER_KINDS[n]])
def test_a_filter_by_a_hidden_id_answers_as_by_an_unknown_one(client, world, url, name):
    kind = FILTER_KINDS[name]
    hidden = _send(client, world, "GET", f"{url}?{name}={HIDDEN[kind]}")
    unknown = _send(client, world, "GET", f"{url}?{name}={UNKNOWN[kind]}")
    assert_same_answer(hidden, unknown, f"{url}?{name}=")


# --- every *_id field -------------------------------------------------------------------

# What each `*_id` / `*_ids` field the API sends names (nested fields as dotted paths).
FIELD_KINDS = {
    "MemorandumSchema.project_id": "project",
    "MeetingSchema.project_ids": "project",
    "MemorandumSchema.event_id": None, "MemorandumSchema.parties.organization_id": None,
    "MemorandumSchema.parties.signatory_person_id": None,
    "MeetingSchema.event_id": None, "MeetingSchema.organization_ids": None,
    "MeetingSchema.person_ids": None, "MeetingSchema.logged_by_id": None,
    "MeetingSchema.follow_ups.owner_id": None,  # users
    "ProjectSchema.origin_event_id": None, "ProjectSchema.parties.organization_id": None,
    "ProjectSchema.people.person_id": None, "ProjectSchema.stage_history.changed_by_id": None,
    "PersonSchema.organization_id": None, "MeSchema.organization_id": None,
    # the nested schemas, on their own
    "ProjectPartySchema.organization_id": None, "ProjectCreditSchema.person_id": None,
    "StageChangeSchema.changed_by_id": None, "MemorandumPartySchema.organization_id": None,
    "MemorandumPartySchema.signatory_person_id": None, "FollowUpSchema.owner_id": None,
}
# Where a visible record naming a hidden one is read: (collection, the world's record).
READS = {"MemorandumSchema": "memoranda", "MeetingSchema": "meetings"}
COLLECTION_RECORDS = {"memoranda": "memorandum", "meetings": "meeting"}


def _id_fields(schema: Schema, prefix: str) -> list[str]:
    found = []
    for name, field in schema.fields.items():
        if field.load_only:
            continue
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested) and not isinstance(field, fields.Pluck):
            found += _id_fields(inner.schema, f"{prefix}.{name}")
        elif name.endswith(("_id", "_ids")):
            found.append(f"{prefix}.{name}")
    return found


def _dump_schemas() -> dict[str, type[Schema]]:
    return {name: cls for name, cls in vars(api_schemas).items()
            if isinstance(cls, type) and issubclass(cls, Schema) and name.endswith("Schema")
            and not name.endswith(("CreateSchema", "PatchSchema")) and cls is not Schema}


def test_every_id_field_is_classified():
    for name, schema in _dump_schemas().items():
        for path in _id_fields(schema(), name):
            assert path in FIELD_KINDS, f"classify the field {path} in FIELD_KINDS"
    for path, kind in FIELD_KINDS.items():
        if kind:
            assert path.split(".")[0] in READS, path


def _ids_named(value, key: str = "") -> set[int]:
    """Every id the JSON names under a key ending in _id or _ids (or `id`)."""
    if isinstance(value, dict):
        return set().union(*(_ids_named(v, k) for k, v in value.items()))
    if isinstance(value, list):
        return set().union(*(_ids_named(v, key) for v in value))
    if isinstance(value, int) and not isinstance(value, bool) and \
            (key == "id" or key.endswith(("_id", "_ids"))):
        return {value}
    return set()


@pytest.mark.parametrize("path", [p for p, k in FIELD_KINDS.items() if k])
def test_an_id_field_never_names_a_hidden_record(client, world, path):
    """The visible memorandum (studio A's) is about studio B's project and the visible
    meeting discussed it too: they answer as if that project did not exist (null, or left
    out of the list), in the record and in the list alike."""
    schema, *fields_path = path.split(".")
    collection = READS[schema]
    ident = world.visible[COLLECTION_RECORDS[collection]]
    one = client.get(f"/api/v1/{collection}/{ident}", headers=world.headers)
    assert one.status_code == 200
    listed = client.get(f"/api/v1/{collection}?per_page=200", headers=world.headers)
    assert listed.status_code == 200
    item = next(i for i in listed.get_json()["items"] if i["id"] == ident)
    for record in (one.get_json(), item):
        value = record
        for name in fields_path:
            value = value[name]
        if isinstance(value, list):
            assert HIDDEN[FIELD_KINDS[path]] not in value, path
            assert value, f"{path}: the visible ones are still listed"
        else:
            assert value is None, path
        assert not _ids_named(record) & set(HIDDEN.values()), path


def test_the_association_tables_do_hold_the_hidden_links(db, world):
    """The test's world really has what must not show (else the tests above prove
    nothing): the visible meeting is linked to the hidden project."""
    links = set(db.session.execute(sa.select(meeting_projects.c.project_id).where(
        meeting_projects.c.meeting_id == world.visible["meeting"])).scalars())
    assert HIDDEN["project"] in links


# --- nothing a reader is sent names a hidden id ------------------------------------------

def _readable_urls(app, world: World) -> list[str]:
    """Every page and API GET the executive may read, filled with visible ids."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or rule.endpoint.endswith("static") or \
                rule.endpoint.startswith(("admin.", "auth.", "account.")) or \
                any(not isinstance(rule._converters[a], IntegerConverter)
                    for a in rule.arguments):
            continue
        values = {}
        for argument in rule.arguments:
            kind = _argument_kind(rule, argument)
            values[argument] = world.visible[kind] if kind else _unrestricted(argument)
        urls.append(_url(app, rule.endpoint, values))
    return sorted(urls)


def test_no_page_or_api_answer_names_a_hidden_record(app, client, world, poppler, tmp_path):
    """Every page, document and API answer the executive may read (with visible ids),
    studio B's organization page, the people and event its deals name, lists, search and
    type-ahead: none names a hidden record, by id or by its words."""
    urls = _readable_urls(app, world)
    urls += ["/meetings?project_id=%d" % world.visible["project"], "/reports/pipeline.pdf",
             "/memoranda?organization_id=%d" % world.org_a, "/search?q=deal",
             "/lookup/projects?q=deal", f"/organizations/{world.org_b}",
             f"/api/v1/projects?organization_id={world.org_b}"]
    read = 0
    for url in urls:
        response = _send(client, world, "GET", url)
        data = response.get_data()
        response.close()  # a download's file
        if response.status_code != 200:
            continue
        read += 1
        if "/attachments/" in url:  # the stored scan itself (here not a real PDF)
            continue
        body = PDF(data, tmp_path).text if response.mimetype == "application/pdf" \
            else data.decode()
        for kind, ident in HIDDEN.items():
            assert str(ident) not in body, f"{url} names the hidden {kind} {ident}"
        for secret in ("Hidden deal", "MOU-B", "Secret talks", "Send the script"):
            assert secret not in body, f"{url} shows {secret!r}"
    assert read > 20
