"""Property tests: whatever a user or a script sends — any Unicode, very long text,
boundary numbers and dates, malformed ids — the app never answers with a server error and
never writes half a record."""
from decimal import Decimal

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crm.errors import ValidationFailed
from crm.models import Organization, OrganizationKind, Project, ProjectParty, fold
from crm.organizations.services import create_organization
from crm.projects.services import create_project
from tests.conftest import csrf_token_from, stage

SETTINGS = settings(max_examples=30, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
# Any text, including surrogate-free astral characters, controls and combining marks.
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=400)
long_text = st.text(min_size=190, max_size=30_000)
id_like = st.one_of(st.integers(-2**63, 2**63), st.text(max_size=30), st.just(""),
                    st.just("1e9"), st.just("0x10"), st.just("١٢"), st.just(str(2**63)),
                    st.just("99999999999999999999999"))


def _count(db, model):
    db.session.rollback()
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


@SETTINGS
@given(name=any_text, local_name=any_text, country=st.one_of(st.none(), st.text(max_size=3)),
       aliases=st.lists(any_text, max_size=4))
def test_create_organization_service_either_refuses_or_stores_exactly(db, name, local_name,
                                                                      country, aliases):
    values = {"name": name[:200], "local_name": local_name[:200] or None, "country": country,
              "kind": OrganizationKind.STUDIO, "aliases": [a[:200] for a in aliases]}
    try:
        org = create_organization(values)
        db.session.flush()
    except ValidationFailed as failure:
        assert failure.errors and all(isinstance(m, str) for ms in failure.errors.values() for m in ms)
        db.session.rollback()
        return
    import unicodedata
    assert org.name == unicodedata.normalize("NFC", values["name"])
    assert fold(values["name"]) in org.search_text
    db.session.rollback()


@SETTINGS
@given(shares=st.lists(st.one_of(st.none(), st.decimals(allow_nan=False, allow_infinity=False,
                                                        places=2, min_value=-1000,
                                                        max_value=1000)), min_size=1, max_size=4))
def test_project_shares_are_in_range_and_sum_to_at_most_100_or_refused(db, make_organization,
                                                                      shares):
    orgs = [make_organization(name=f"Studio {i}") for i in range(len(shares))]
    parties = [{"organization_id": o.id, "role": "coproducer", "share_percent": s}
               for o, s in zip(orgs, shares)]
    before = _count(db, Project)
    try:
        create_project({"title": "Deal", "format": "feature", "stage_id": stage("lead").id},
                       parties)
        db.session.commit()
    except ValidationFailed:
        db.session.rollback()
        assert _count(db, Project) == before
    else:
        given_shares = [Decimal(s) for s in shares if s is not None]
        assert all(Decimal(0) < s <= 100 for s in given_shares)
        assert sum(given_shares, Decimal(0)) <= 100
    db.session.execute(sa.delete(ProjectParty))
    db.session.execute(sa.delete(Project))
    db.session.execute(sa.delete(Organization))
    db.session.commit()


@SETTINGS
@given(name=st.one_of(any_text, long_text), website=any_text, country=any_text, notes=long_text,
       kind=st.text(max_size=20))
def test_organization_form_never_fails_and_never_half_writes(client, db, login_as, name, website,
                                                             country, notes, kind):
    if not getattr(client, "_signed_in", False):
        login_as("staff")
        client._signed_in = True
    token = csrf_token_from(client.get("/organizations/new").get_data(as_text=True))
    before = _count(db, Organization)
    response = client.post("/organizations/new", data={
        "name": name, "website": website, "country": country, "notes": notes, "kind": kind,
        "aliases": name, "csrf_token": token})
    assert response.status_code in (200, 302)
    after = _count(db, Organization)
    assert after == before + (1 if response.status_code == 302 else 0)


@SETTINGS
@given(ident=id_like, stage_id=id_like, note=st.one_of(any_text, long_text))
def test_malformed_ids_are_not_found_or_refused_never_errors(client, db, login_as, make_project,
                                                             ident, stage_id, note):
    if not getattr(client, "_signed_in", False):
        login_as("staff")
        client._signed_in = True
        client._project = make_project()
    project = client._project
    for url in (f"/projects/{ident}", f"/organizations/{ident}", f"/projects?organization_id={ident}",
                f"/pipeline?event_id={ident}&country={ident}", f"/search?q={ident}"):
        assert client.get(url).status_code in (200, 404), url
    token = csrf_token_from(client.get(f"/projects/{project.id}/move").get_data(as_text=True))
    response = client.post(f"/projects/{project.id}/move",
                           data={"stage_id": str(stage_id), "note": note, "csrf_token": token})
    assert response.status_code in (200, 302)
