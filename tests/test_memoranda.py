"""Memoranda: create/edit with parties and terms, the status workflow, references,
attachments, expiry flags, visibility for executives, and the list's query count."""
from __future__ import annotations

import hashlib
import io
import os
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from crm.errors import ValidationFailed
from crm.extensions import db as _db
from crm.memoranda import services
from crm.models import (Attachment, AuditEntry, Memorandum, MemorandumParty, MemorandumStatus,
                        MemorandumTerm, PartyRole, Person, PersonRole, utcnow)
from werkzeug.test import EnvironBuilder

from tests.conftest import csrf_token_from, post_form
from tests.pages import field_error, input_value

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
S = MemorandumStatus


@pytest.fixture
def orgs(make_organization):
    """Kazakhfilm, Tokyo New Cinema and a third studio that is not Tokyo's business."""
    return {
        "kf": make_organization(aliases=["Kazakfilm"]),
        "tnc": make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                                 kind="production_company", country="JP", city="Tokyo"),
        "other": make_organization(name="Shanghai Pictures", local_name="上海影业", country="CN",
                                   city="Shanghai"),
    }


def form_data(**overrides) -> dict:
    """What the new-memorandum form sends, with blank party and term rows."""
    data = {"reference": "MOU-2018-010", "title": "Memorandum of cooperation", "kind": "memorandum",
            "status": "draft", "project": "", "project_id": "", "event_id": "", "signed_on": "",
            "signed_place": "", "effective_from": "", "expires_on": "", "summary": ""}
    for n in range(3):
        data.update({f"parties-{n}-organization": "", f"parties-{n}-organization_id": "",
                     f"parties-{n}-signatory_person": "", f"parties-{n}-signatory_person_id": "",
                     f"parties-{n}-role": "", f"terms-{n}-heading": "", f"terms-{n}-text": ""})
    data.update(overrides)
    return data


def parties_data(*rows) -> dict:
    """rows: (organization, signatory person or None, role), named as a user types them
    (the form's type-ahead fills in names; the ids stay empty until saved)."""
    data = {}
    for n, (org, person, role) in enumerate(rows):
        data.update({f"parties-{n}-organization": org.name, f"parties-{n}-organization_id": "",
                     f"parties-{n}-signatory_person": person.full_name if person else "",
                     f"parties-{n}-signatory_person_id": "",
                     f"parties-{n}-role": role or ""})
    return data


def error_at(page: str, field_id: str) -> str:
    """The message shown under a field; fails if there is none."""
    message = field_error(page, field_id)
    assert message, f"no error shown at {field_id}"
    return message


def fresh(memo_id: int) -> Memorandum:
    _db.session.expire_all()
    return _db.session.get(Memorandum, memo_id)


def signed_memo(make_memorandum, parties, **overrides) -> Memorandum:
    values = {"status": S.SIGNED, "signed_on": date(2018, 5, 14)}
    return make_memorandum(parties=parties, **{**values, **overrides})


# --- create, edit ----------------------------------------------------------------------

def test_create_with_parties_and_terms_keeps_their_order(client, login_as, orgs, make_person,
                                                        make_event):
    login_as("staff")
    ichiyama = make_person()
    cannes = make_event()
    data = form_data(reference="mou-2018-002", status="signed", signed_on="2018-05-14",
                     signed_place="National Pavilion of Kazakhstan", event_id=str(cannes.id),
                     effective_from="2018-05-14", expires_on="2020-05-14",
                     **parties_data((orgs["kf"], None, "Kazakh co-producer"),
                                    (orgs["tnc"], ichiyama, "Japanese co-producer")),
                     **{"terms-0-heading": "Purpose", "terms-0-text": "Make the film.",
                        "terms-1-heading": "Rights", "terms-1-text": "Shared by territory.",
                        "terms-2-heading": "Another", "terms-2-text": "Third in line."})
    response = post_form(client, "/memoranda/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)

    memo = _db.session.scalars(sa.select(Memorandum)).one()
    assert memo.reference == "MOU-2018-002"
    assert [(p.organization.name, p.signatory_person_id, p.role) for p in memo.parties] == [
        ("Kazakhfilm", None, "Kazakh co-producer"),
        ("Tokyo New Cinema", ichiyama.id, "Japanese co-producer")]
    assert [(t.position, t.heading) for t in memo.terms] == [
        (1, "Purpose"), (2, "Rights"), (3, "Another")]
    create = _db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "Memorandum", AuditEntry.action == "create")).one()
    assert create.changes["reference"] == [None, "MOU-2018-002"]

    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert html.index("Purpose") < html.index("Rights") < html.index("Another")
    for text in ("Қазақфильм", "東京ニューシネマ", "市山尚三", "Shozo Ichiyama",
                 "National Pavilion of Kazakhstan", "Festival de Cannes 2018", "14 May 2020"):
        assert text in html


def test_edit_replaces_parties_and_reorders_terms(client, login_as, orgs, make_memorandum):
    login_as("staff")
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]])
    # Positions with gaps (as another client might leave them) are renumbered 1..n.
    memo.terms = [MemorandumTerm(position=2, heading="First", text="a"),
                  MemorandumTerm(position=5, heading="Second", text="b")]
    _db.session.commit()
    url = f"/memoranda/{memo.id}/edit"
    data = form_data(reference=memo.reference, title="Renamed", version="1",
                     **parties_data((orgs["kf"], None, "lead"), (orgs["other"], None, None)),
                     **{"terms-0-heading": "Second", "terms-0-text": "b",
                        "terms-1-heading": "First", "terms-1-text": "a",
                        "terms-2-heading": "Third", "terms-2-text": "c"})
    response = post_form(client, url, data)
    assert response.status_code == 302, response.get_data(as_text=True)

    memo = fresh(memo.id)
    assert memo.title == "Renamed"
    assert sorted(p.organization.name for p in memo.parties) == ["Kazakhfilm", "Shanghai Pictures"]
    assert [(t.position, t.heading) for t in memo.terms] == [
        (1, "Second"), (2, "First"), (3, "Third")]
    assert memo.version == 2
    update = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert update.changes["title"] == ["Memorandum of cooperation", "Renamed"]
    assert "parties" in update.changes and "terms" in update.changes


def test_the_form_names_parties_signatories_and_project_by_typing(
        client, login_as, orgs, make_person, make_project, make_organization):
    """A festival season has thousands of organizations and people: the form lists none of
    them; names are typed (in any script) and suggested by type-ahead."""
    for n in range(60):
        make_organization(name=f"Studio {n:02d}", country="FR")
    ichiyama = make_person()  # Shozo Ichiyama, 市山尚三
    project = make_project(title="The Horse Thieves")
    login_as("staff")
    form = client.get(f"/memoranda/new?project_id={project.id}").get_data(as_text=True)
    assert form.count("<option") < 40  # kinds, statuses, the few events: no organizations
    assert input_value(form, "project") == "The Horse Thieves"
    data = form_data(project="the horse thieves", **{
        "parties-0-organization": "東京ニューシネマ", "parties-0-signatory_person": "市山尚三",
        "parties-1-organization": "Kazakfilm"})  # an alias
    response = post_form(client, "/memoranda/new", data)
    assert response.status_code == 302, response.get_data(as_text=True)
    memo = _db.session.scalars(sa.select(Memorandum)).one()
    assert memo.project_id == project.id
    assert {(p.organization_id, p.signatory_person_id) for p in memo.parties} == {
        (orgs["tnc"].id, ichiyama.id), (orgs["kf"].id, None)}

    edit = client.get(f"/memoranda/{memo.id}/edit").get_data(as_text=True)
    assert input_value(edit, "parties-0-signatory_person") == "Shozo Ichiyama"
    assert input_value(edit, "parties-0-signatory_person_id") == str(ichiyama.id)


def test_an_unknown_name_is_refused_at_its_row_with_the_input_kept(client, login_as, orgs):
    login_as("staff")
    data = form_data(title="Kept", **{"parties-0-organization": "Kazakhfilm",
                                      "parties-1-organization": "Nowhere Pictures",
                                      "parties-1-role": "partner"})
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert "Nowhere Pictures" in error_at(html, "parties-1-organization")
    assert input_value(html, "parties-1-organization") == "Nowhere Pictures"
    assert 'value="partner"' in html and 'value="Kept"' in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 0


def test_a_party_archived_since_stays_a_party_when_the_memorandum_is_edited(
        client, login_as, orgs, make_memorandum):
    login_as("staff")
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]])
    orgs["tnc"].archived_at = utcnow()
    _db.session.commit()
    url = f"/memoranda/{memo.id}/edit"
    edit = client.get(url).get_data(as_text=True)
    data = {name: input_value(edit, name) or "" for name in (
        "reference", "title", "parties-0-organization", "parties-0-organization_id",
        "parties-1-organization", "parties-1-organization_id")}
    response = post_form(client, url, form_data(**data, summary="Edited", version="1"))
    assert response.status_code == 302, response.get_data(as_text=True)
    assert {p.organization_id for p in fresh(memo.id).parties} == {orgs["kf"].id, orgs["tnc"].id}


def test_the_edit_form_costs_the_same_queries_for_two_parties_or_five(
        client, login_as, orgs, make_memorandum, make_organization, make_person, count_queries):
    login_as("staff")
    few = make_memorandum(reference="MOU-FEW", parties=[orgs["kf"], orgs["tnc"]])
    many = make_memorandum(reference="MOU-MANY", parties=[
        orgs["kf"], orgs["tnc"], orgs["other"],
        make_organization(name="Studio Four", country="FR"),
        make_organization(name="Studio Five", country="DE")])
    for party in many.parties:
        party.signatory = make_person(full_name=f"Signatory of {party.organization.name}")
    _db.session.commit()
    counts = []
    for memo in (few, many):
        url = f"/memoranda/{memo.id}/edit"
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        counts.append(counted.n)
    assert counts[0] == counts[1], counts


def test_add_row_without_javascript_keeps_input(client, login_as, orgs):
    login_as("staff")
    data = form_data(title="Typed but not saved", add_party="Add a party",
                     **parties_data((orgs["kf"], None, "lead")))
    response = post_form(client, "/memoranda/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'name="parties-3-organization_id"' in html  # a fourth row
    assert 'value="Typed but not saved"' in html
    assert input_value(html, "parties-0-organization") == "Kazakhfilm"
    assert 'is-invalid' not in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 0


def test_new_form_suggests_the_next_free_reference(client, login_as, make_memorandum):
    make_memorandum(reference="MOU-2018-001")
    make_memorandum(reference="MOU-2018-007", archived_at=utcnow())  # archived still counts
    make_memorandum(reference="MOU-2018-draft")
    assert services.suggest_reference(2018) == "MOU-2018-008"
    assert services.suggest_reference(2019) == "MOU-2019-001"

    login_as("staff")
    html = client.get("/memoranda/new").get_data(as_text=True)
    assert f'value="MOU-{utcnow().year}-001"' in html


def test_duplicate_reference_is_refused_at_the_field_and_input_kept(client, login_as, orgs,
                                                                    make_memorandum):
    make_memorandum(reference="MOU-2018-001")
    login_as("staff")
    data = form_data(reference="MOU-2018-001", title="A second memorandum",
                     summary="Everything I typed", **parties_data((orgs["tnc"], None, "partner")))
    response = post_form(client, "/memoranda/new", data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already exists" in error_at(html, "reference")
    assert 'value="A second memorandum"' in html
    assert "Everything I typed" in html
    assert 'value="partner"' in html
    assert input_value(html, "parties-0-organization") == "Tokyo New Cinema"
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 1


def test_signed_without_signed_on_is_refused_at_signed_on(client, login_as, orgs):
    login_as("staff")
    data = form_data(status="signed", **parties_data((orgs["kf"], None, None),
                                                     (orgs["tnc"], None, None)))
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert "needs the date it was signed" in error_at(html, "signed_on")
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 0


def test_signed_with_one_party_is_refused(client, login_as, orgs):
    login_as("staff")
    data = form_data(status="signed", signed_on="2018-05-14",
                     **parties_data((orgs["kf"], None, None)))
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert 'id="parties-errors"' in html
    assert "at least two parties" in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 0


def test_expiry_before_effect_is_refused_at_expires_on(client, login_as):
    login_as("staff")
    data = form_data(effective_from="2018-05-14", expires_on="2018-05-01")
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert "before the date it takes effect" in error_at(html, "expires_on")
    assert 'value="2018-05-01"' in html


def test_an_organization_is_a_party_only_once(client, login_as, orgs):
    login_as("staff")
    data = form_data(**parties_data((orgs["kf"], None, "one"), (orgs["kf"], None, "two")))
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert "Kazakhfilm is already a party" in error_at(html, "parties-1-organization")
    assert 'value="two"' in html
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(MemorandumParty)) == 0


def test_a_term_needs_a_heading(client, login_as):
    login_as("staff")
    # The second row: the error must land on it, not on the first (empty) row.
    data = form_data(**{"terms-1-text": "Text without heading"})
    html = post_form(client, "/memoranda/new", data).get_data(as_text=True)
    assert "Give this term a heading." in error_at(html, "terms-1-heading")
    assert "Text without heading" in html


def test_stale_version_edit_is_refused(client, login_as, make_memorandum):
    memo = make_memorandum()
    login_as("staff")
    url = f"/memoranda/{memo.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert 'name="version" type="hidden" value="1"' in page
    memo.title = "Changed by someone else"
    _db.session.commit()
    response = post_form(client, url, form_data(reference=memo.reference, title="My edit",
                                                version="1"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Someone else changed this record" in html
    assert 'value="My edit"' in html
    assert fresh(memo.id).title == "Changed by someone else"


# --- the status workflow ---------------------------------------------------------------

@pytest.mark.parametrize("old, new, allowed", [
    (S.DRAFT, S.NEGOTIATING, True),
    (S.DRAFT, S.SIGNED, True),
    (S.NEGOTIATING, S.DRAFT, True),
    (S.NEGOTIATING, S.SIGNED, True),
    (S.NEGOTIATING, S.TERMINATED, True),
    (S.SIGNED, S.EXPIRED, True),
    (S.SIGNED, S.TERMINATED, True),
    (S.SIGNED, S.DRAFT, False),
    (S.SIGNED, S.NEGOTIATING, False),
    (S.DRAFT, S.EXPIRED, False),
    (S.EXPIRED, S.SIGNED, False),
    (S.TERMINATED, S.NEGOTIATING, False),
])
def test_status_workflow(app, orgs, make_memorandum, old, new, allowed):
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]], status=old,
                           signed_on=date(2018, 5, 14))
    if allowed:
        changes = services.change_status(memo, new, expected_version=memo.version)
        assert changes["status"] == [old.value, new.value]
        assert memo.status == new
    else:
        # (messages are translated, and the locale is chosen per request)
        with app.test_request_context(), pytest.raises(ValidationFailed) as failure:
            services.change_status(memo, new, expected_version=memo.version)
        assert "cannot go from" in failure.value.errors["status"][0]


def test_the_service_refuses_what_a_form_would_not_send(app, orgs):
    """The API calls the same service: a missing reference or an unknown status is a field
    error, not a database error."""
    with app.test_request_context(), pytest.raises(ValidationFailed) as failure:
        services.create_memorandum({"title": "No reference", "kind": "memorandum"})
    assert "reference" in failure.value.errors
    with app.test_request_context(), pytest.raises(ValidationFailed) as failure:
        services.create_memorandum({"reference": "MOU-1", "title": "T", "kind": "memorandum",
                                    "status": "approved"})
    assert list(failure.value.errors) == ["status"]
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Memorandum)) == 0


def test_an_administrator_may_correct_a_final_status(orgs, make_memorandum):
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]], status=S.EXPIRED,
                           signed_on=date(2018, 5, 14))
    services.change_status(memo, S.SIGNED, override=True)
    assert memo.status == S.SIGNED


def test_status_change_through_the_detail_page_is_audited(client, login_as, orgs,
                                                          make_memorandum):
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]])
    login_as("staff")
    detail = f"/memoranda/{memo.id}"
    html = client.get(detail).get_data(as_text=True)
    assert 'name="status" value="negotiating"' in html

    # To signed without the date: refused, asked for the date at the field.
    response = post_form(client, f"{detail}/status", {"status": "signed", "version": "1"},
                         page=detail)
    assert "needs the date it was signed" in error_at(response.get_data(as_text=True), "signed_on")
    assert fresh(memo.id).status == S.DRAFT

    response = post_form(client, f"{detail}/status",
                         {"status": "signed", "signed_on": "2018-05-14", "version": "1"},
                         page=detail)
    assert response.status_code == 302
    memo = fresh(memo.id)
    assert (memo.status, memo.signed_on) == (S.SIGNED, date(2018, 5, 14))
    entry = _db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert entry.changes["status"] == ["draft", "signed"]
    assert entry.object_id == memo.id


def test_a_forbidden_move_is_explained_and_changes_nothing(client, login_as, orgs,
                                                           make_memorandum):
    memo = signed_memo(make_memorandum, [orgs["kf"], orgs["tnc"]])
    login_as("staff")
    detail = f"/memoranda/{memo.id}"
    response = post_form(client, f"{detail}/status", {"status": "draft", "version": "1"},
                         page=detail)
    html = response.get_data(as_text=True)
    assert "A memorandum cannot go from Signed to Draft." in html
    assert fresh(memo.id).status == S.SIGNED


def test_expiring_within_60_days_is_flagged_on_the_list(client, login_as, orgs, make_memorandum):
    today = utcnow().date()
    soon = signed_memo(make_memorandum, [orgs["kf"], orgs["tnc"]], reference="MOU-SOON",
                       expires_on=today + timedelta(days=20))
    signed_memo(make_memorandum, [orgs["kf"], orgs["tnc"]], reference="MOU-LATER",
                expires_on=today + timedelta(days=200))
    make_memorandum(reference="MOU-DRAFT", expires_on=today + timedelta(days=10))
    login_as("executive")
    html = client.get("/memoranda").get_data(as_text=True)
    assert html.count("Expires in 20 days") == 1
    items = re.findall(r'<a class="list-group-item.*?</a>', html, re.S)
    flagged = [item for item in items if "Expires in" in item]
    assert len(items) == 3 and len(flagged) == 1 and "MOU-SOON" in flagged[0]

    filtered = client.get("/memoranda?expiring=1").get_data(as_text=True)
    assert "MOU-SOON" in filtered and "MOU-LATER" not in filtered and "MOU-DRAFT" not in filtered
    assert f"/memoranda/{soon.id}" in client.get("/memoranda?q=mou-soon").get_data(as_text=True)


# --- attachments -----------------------------------------------------------------------

def upload(client, memo, data: bytes, filename: str):
    """Post a file from the memorandum's page, closing the temporary file the test client
    spools a large body into (it would otherwise leak as a ResourceWarning)."""
    detail = f"/memoranda/{memo.id}"
    token = csrf_token_from(client.get(detail).get_data(as_text=True))
    builder = EnvironBuilder(path=f"{detail}/attachments", method="POST",
                             data={"file": (io.BytesIO(data), filename), "csrf_token": token})
    try:
        environ = builder.get_environ()
        try:
            return client.open(environ)
        finally:
            environ["wsgi.input"].close()
    finally:
        builder.close()


def test_pdf_upload_is_stored_safely_and_downloaded_as_an_attachment(app, client, login_as,
                                                                     make_memorandum):
    memo = make_memorandum()
    login_as("staff")
    response = upload(client, memo, PDF, "../Signed scan.pdf")
    assert response.status_code == 302, response.get_data(as_text=True)

    attachment = _db.session.scalars(sa.select(Attachment)).one()
    assert attachment.filename == "Signed scan.pdf"
    assert attachment.content_type == "application/pdf"
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{32}", attachment.storage_key)
    with open(os.path.join(app.config["UPLOAD_DIR"], attachment.storage_key), "rb") as stored:
        assert stored.read() == PDF

    html = client.get(f"/memoranda/{memo.id}").get_data(as_text=True)
    link = f"/memoranda/{memo.id}/attachments/{attachment.id}"
    assert link in html and "Signed scan.pdf" in html
    with client.get(link) as download:
        assert download.status_code == 200
        body = download.get_data()
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] in (
        "attachment; filename=Signed_scan.pdf", 'attachment; filename="Signed_scan.pdf"')
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert body == PDF


@pytest.mark.parametrize("ending", ["rollback", "close after an error", "commit"])
def test_a_stored_file_lives_only_as_long_as_its_row(app, make_memorandum, ending):
    """A file written for an attachment whose transaction then fails is removed again:
    no file without its row (and the commit keeps it)."""
    from crm.memoranda.services import add_attachment, attachment_path
    memo = make_memorandum()
    attachment = add_attachment(memo, "scan.pdf", PDF)
    path = attachment_path(attachment)
    assert os.path.exists(path)
    if ending == "rollback":
        _db.session.rollback()
    elif ending == "close after an error":
        _db.session.remove()  # what the end of a failed request does
    else:
        _db.session.commit()
    assert os.path.exists(path) == (ending == "commit")


def test_a_name_in_another_script_is_sent_as_rfc_5987(client, login_as, make_memorandum):
    memo = make_memorandum()
    login_as("staff")
    assert upload(client, memo, b"\xff\xd8\xff\xe0" + b"\x00" * 64, "覚書 署名.JPG").status_code == 302
    attachment = _db.session.scalars(sa.select(Attachment)).one()
    with client.get(f"/memoranda/{memo.id}/attachments/{attachment.id}") as download:
        disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=UTF-8''%E8%A6%9A%E6%9B%B8_%E7%BD%B2%E5%90%8D.jpg" in disposition


@pytest.mark.parametrize("data, filename, message", [
    (PNG, "scan.pdf", "is not what its name says: its content is a PNG file, not PDF"),
    (b"MZ\x90\x00 not a pdf", "scan.pdf", "is not what its name says: it is not a PDF file"),
    (PDF, "scan.exe", "Only PDF, PNG and JPEG files can be attached"),
    (b"%PDF-" + b"0" * (10 * 1024 * 1024), "big.pdf", "attachments may be at most 10 MB"),
], ids=["png-named-pdf", "unknown-content", "wrong-extension", "over-10-mb"])
def test_bad_uploads_are_refused_with_a_clear_message(client, login_as, make_memorandum, data,
                                                      filename, message):
    memo = make_memorandum()
    login_as("staff")
    response = upload(client, memo, data, filename)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in error_at(html, "file")
    assert _db.session.scalar(sa.select(sa.func.count()).select_from(Attachment)) == 0


def test_a_body_over_the_request_limit_gets_the_friendly_413(client, login_as, make_memorandum):
    memo = make_memorandum()
    login_as("staff")
    response = upload(client, memo, PDF + b"0" * (11 * 1024 * 1024), "huge.pdf")
    assert response.status_code == 413
    assert "The upload is larger than allowed." in response.get_data(as_text=True)


# --- who may see and do what -----------------------------------------------------------

def test_an_executive_sees_only_their_organizations_memoranda(app, client, login_as, orgs,
                                                             make_memorandum, make_event):
    theirs = signed_memo(make_memorandum, [orgs["kf"], orgs["tnc"]], reference="MOU-2018-001",
                         title="Horse Thieves memorandum")
    hidden = make_memorandum(parties=[orgs["kf"], orgs["other"]], reference="MOU-2018-002",
                             title="Composer memorandum",
                             event=make_event(name="Shanghai International Film Festival"))
    stored = "f" * 32
    with open(os.path.join(app.config["UPLOAD_DIR"], stored), "wb") as f:
        f.write(PDF)
    secret = Attachment(memorandum=hidden, filename="secret.pdf", content_type="application/pdf",
                        size_bytes=len(PDF), sha256=hashlib.sha256(PDF).hexdigest(),
                        storage_key=stored)
    _db.session.add(secret)
    _db.session.commit()

    login_as("executive", organization=orgs["tnc"])
    listing = client.get("/memoranda").get_data(as_text=True)
    assert "Horse Thieves memorandum" in listing
    for secret_name in ("Composer memorandum", "Shanghai Pictures", "Shanghai International"):
        assert secret_name not in listing  # neither in the list nor in its filters
    assert client.get(f"/memoranda/{theirs.id}").status_code == 200
    assert client.get(f"/memoranda/{hidden.id}").status_code == 404
    assert client.get(f"/memoranda/{hidden.id}/attachments/{secret.id}").status_code == 404
    assert client.get(f"/memoranda/{hidden.id}/edit").status_code == 404
    assert client.get(f"/memoranda/{theirs.id}/edit").status_code == 403


def test_the_list_names_a_project_only_to_those_who_may_see_it(client, login_as, orgs,
                                                               make_memorandum, make_project):
    """The list reads plain rows, not records: the project's title still comes through the
    access layer (an executive whose studio is party to the memorandum but not to its
    project sees the memorandum without it)."""
    project = make_project(title="The Composer", parties=[(orgs["kf"], PartyRole.MAJORITY_COPRODUCER, 60),
                                                          (orgs["other"], PartyRole.MINORITY_COPRODUCER, 40)])
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]], project=project,
                           title="Distribution memorandum")
    memo.parties[0].signatory = Person(full_name="Akan Sataev", local_name="Ақан Сатаев",
                                      role=PersonRole.DIRECTOR)
    _db.session.commit()
    login_as("executive", organization=orgs["kf"])
    listing = client.get("/memoranda").get_data(as_text=True)
    assert "Project: The Composer" in listing
    assert re.search(r"signed by\s*<span[^>]*>Akan Sataev</span>\s*<span[^>]*>Ақан Сатаев", listing)
    post_form(client, "/logout", {}, page="/memoranda")
    login_as("executive", organization=orgs["tnc"])
    listing = client.get("/memoranda").get_data(as_text=True)
    assert "Distribution memorandum" in listing
    assert "The Composer" not in listing


def test_an_executive_may_look_but_not_change(client, login_as, make_memorandum, orgs):
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]])
    login_as("executive")
    assert client.get("/memoranda/new").status_code == 403
    assert client.get(f"/memoranda/{memo.id}/edit").status_code == 403
    detail = client.get(f"/memoranda/{memo.id}").get_data(as_text=True)
    assert "Memorandum of cooperation" in detail
    assert f"/memoranda/{memo.id}/edit" not in detail
    assert f"/memoranda/{memo.id}/status" not in detail
    assert 'enctype="multipart/form-data"' not in detail
    for action, data in (("status", {"status": "negotiating"}), ("archive", {}),
                         ("attachments", {"file": (io.BytesIO(PDF), "scan.pdf")})):
        response = post_form(client, f"/memoranda/{memo.id}/{action}", data,
                             page=f"/memoranda/{memo.id}")
        assert response.status_code == 403, action
    memo = fresh(memo.id)
    assert (memo.status, memo.archived_at, memo.attachments) == (S.DRAFT, None, [])


def test_staff_can_edit(client, login_as, make_memorandum, orgs):
    memo = make_memorandum(parties=[orgs["kf"], orgs["tnc"]])
    login_as("staff")
    assert f"/memoranda/{memo.id}/edit" in client.get(f"/memoranda/{memo.id}").get_data(
        as_text=True)
    response = post_form(client, f"/memoranda/{memo.id}/edit",
                         form_data(reference=memo.reference, title="Staff edit", version="1",
                                   **parties_data((orgs["kf"], None, None),
                                                  (orgs["tnc"], None, None))))
    assert response.status_code == 302
    assert fresh(memo.id).title == "Staff edit"


def test_archiving_hides_the_memorandum(client, login_as, make_memorandum):
    memo = make_memorandum(title="To be archived")
    login_as("staff")
    detail = f"/memoranda/{memo.id}"
    response = post_form(client, f"{detail}/archive", {}, page=detail)
    assert response.status_code == 302
    assert "To be archived" not in client.get("/memoranda").get_data(as_text=True)
    assert client.get(detail).status_code == 404
    assert _db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.object_type == "Memorandum", AuditEntry.object_id == memo.id)).all() == [
        "archive"]


# --- performance -----------------------------------------------------------------------

def queries_for(client, url: str) -> int:
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_the_list_issues_the_same_number_of_queries_for_3_and_30(app, client, login_as, orgs,
                                                                 make_person, make_project,
                                                                 make_memorandum):
    person = make_person()
    project = make_project()

    made = []

    def add(n: int) -> None:
        for _ in range(n):
            made.append(None)
            memo = make_memorandum(reference=f"MOU-2030-{len(made):03d}", project=project,
                                   status=S.SIGNED, signed_on=date(2030, 1, 1),
                                   expires_on=utcnow().date() + timedelta(days=len(made)))
            memo.parties = [MemorandumParty(organization=orgs["kf"], signatory=person),
                            MemorandumParty(organization=orgs["tnc"])]
            _db.session.commit()

    login_as("executive", organization=orgs["tnc"])
    add(3)
    few = queries_for(client, "/memoranda")
    add(27)
    many = queries_for(client, "/memoranda")
    assert few == many, (few, many)
    assert "東京ニューシネマ" in client.get("/memoranda").get_data(as_text=True)


def test_list_filters_by_typed_organization_and_project_names(
        client, login_as, make_memorandum, make_organization, make_project):
    tnc = make_organization(name="Tokyo New Cinema", country="JP", aliases=["TNC"])
    other = make_organization(name="Kazakhfilm")
    horse = make_project(title="The Horse Thieves")
    make_memorandum(reference="MOU-TNC-1", parties=[tnc], project=horse)
    make_memorandum(reference="MOU-KZ-1", parties=[other])
    login_as("staff")
    for query in ("organization=tnc", "organization=Tokyo", "project=horse+thie"):
        page = client.get(f"/memoranda?{query}").get_data(as_text=True)
        assert "MOU-TNC-1" in page and "MOU-KZ-1" not in page, query
    page = client.get(f"/memoranda?organization_id={other.id}").get_data(as_text=True)
    assert "MOU-KZ-1" in page and "MOU-TNC-1" not in page
    assert 'value="Kazakhfilm"' in page  # the chosen one is named in its box
    assert f'<option value="{tnc.id}"' not in page  # no list of every organization
