"""Projects: create and edit with parties and people, the share rules, moving through the
pipeline with history, the timeline, archiving, and who may do what."""
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa

from crm.models import (AuditEntry, FollowUp, PartyRole, Project, ProjectStatus,
                        StageChange)
from tests.conftest import PASSWORD, post_form, stage


def _project_form(**overrides):
    data = {"title": "The Horse Thieves", "original_title": "Жылқы ұрылары", "format": "feature",
            "status": "active", "stage_id": str(stage("lead").id), "budget_amount": "",
            "budget_currency": "", "origin_event_id": "", "next_step": "", "next_step_due": "",
            "logline": "", "genre": "", "notes": ""}
    data.update(overrides)
    return data


def _party(i, org, role="coproducer", share=""):
    return {f"parties-{i}-organization_id": str(org.id), f"parties-{i}-role": role,
            f"parties-{i}-share_percent": share}


def test_staff_creates_a_project_with_parties_people_and_first_stage(
        client, db, login_as, make_organization, make_person):
    kazakhfilm = make_organization()
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    director = make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов")
    login_as("staff")
    response = post_form(client, "/projects/new", {
        **_project_form(budget_amount="1500000.50", budget_currency="USD"),
        **_party(0, kazakhfilm, "majority_coproducer", "60"),
        **_party(1, tnc, "minority_coproducer", "40"),
        "people-0-person_id": str(director.id), "people-0-role": "director"})
    assert response.status_code == 302, re.findall(r'invalid-feedback[^>]*>([^<]+)', response.get_data(as_text=True))
    project = db.session.scalars(sa.select(Project)).one()
    assert [(p.organization.name, p.share_percent) for p in project.parties] == [
        ("Kazakhfilm", Decimal("60.00")), ("Tokyo New Cinema", Decimal("40.00"))]
    assert project.budget_amount == Decimal("1500000.50")
    assert [c.person.full_name for c in project.people] == ["Yerlan Nurmukhambetov"]
    assert [c.to_stage.key for c in project.stage_changes] == ["lead"]
    page = client.get(response.location).get_data(as_text=True)
    for text in ("Kazakhfilm", "Қазақфильм", "東京ニューシネマ", "Ерлан Нұрмұхамбетов", "60\xa0%",
                 "US$1,500,000.50", "Entered the pipeline at Lead"):
        assert text in page


def test_share_above_100_is_refused_at_the_row_and_input_is_kept(
        client, db, login_as, make_organization):
    org = make_organization()
    login_as("staff")
    response = post_form(client, "/projects/new", {**_project_form(title="Kept title"),
                                                   **_party(0, org, share="150")})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "A share is above 0 and at most 100." in page
    assert 'value="Kept title"' in page and 'value="150"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_shares_summing_above_100_are_refused(client, db, login_as, make_organization):
    a = make_organization()
    b = make_organization(name="Tokyo New Cinema", country="JP")
    login_as("staff")
    response = post_form(client, "/projects/new", {**_project_form(), **_party(0, a, share="70"),
                                                   **_party(1, b, share="40")})
    assert "they may not exceed 100" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_same_organization_twice_is_refused(client, db, login_as, make_organization):
    org = make_organization()
    login_as("staff")
    response = post_form(client, "/projects/new", {**_project_form(), **_party(0, org),
                                                   **_party(1, org)})
    assert "already a party" in response.get_data(as_text=True)


def test_unknown_currency_and_budget_without_currency(client, login_as):
    login_as("staff")
    page = post_form(client, "/projects/new", _project_form(
        budget_amount="100", budget_currency="XXQ")).get_data(as_text=True)
    assert "Unknown currency code" in page
    page = post_form(client, "/projects/new", _project_form(
        budget_amount="100")).get_data(as_text=True)
    assert "Give the currency of the budget." in page


def test_add_another_party_without_javascript_keeps_input(client, login_as, make_organization):
    org = make_organization()
    login_as("staff")
    page = post_form(client, "/projects/new", {**_project_form(title="Draft"),
                                               **_party(0, org, share="55"),
                                               "add_party": "Add another party"}).get_data(as_text=True)
    assert 'value="Draft"' in page and 'value="55"' in page
    assert 'id="parties-2-organization_id"' in page  # two blank rows + one more


def test_financing_warning_when_active_shares_do_not_make_100(
        client, login_as, make_project, make_organization):
    org = make_organization()
    project = make_project(parties=[(org, PartyRole.COPRODUCER, 60)])
    login_as("executive")
    assert "add up to 60 %, not 100 %" in client.get(f"/projects/{project.id}").get_data(as_text=True)


def test_edit_project_changes_fields_and_parties(client, db, login_as, make_project,
                                                 make_organization):
    org = make_organization()
    other = make_organization(name="Tokyo New Cinema", country="JP")
    project = make_project(parties=[(org, PartyRole.COPRODUCER, 50)])
    login_as("staff")
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="50.00"' in page
    response = post_form(client, f"/projects/{project.id}/edit", {
        **_project_form(title="The Horse Thieves (2019)", next_step="Send budget",
                        next_step_due="2030-01-15"),
        **_party(0, org, share="50"), **_party(1, other, share="50"),
        "version": str(project.version)})
    assert response.status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.title == "The Horse Thieves (2019)"
    assert project.next_step_due == date(2030, 1, 15)
    assert len(project.parties) == 2 and project.version == 2
    edit = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert edit.changes["title"] == ["The Horse Thieves", "The Horse Thieves (2019)"]


def test_stale_edit_is_refused_and_input_kept(client, db, login_as, make_project):
    project = make_project()
    login_as("staff")
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    project.title = "Changed meanwhile"
    db.session.commit()
    from tests.conftest import csrf_token_from
    response = client.post(f"/projects/{project.id}/edit", data={
        **_project_form(title="My edit"), "version": "1", "csrf_token": csrf_token_from(page)})
    body = response.get_data(as_text=True)
    assert "changed this record since you opened it" in body
    assert 'value="My edit"' in body
    theirs = body[body.index("stale-differences"):]
    assert "Changed meanwhile" in theirs and "My edit" in theirs  # their version, next to mine
    db.session.expire_all()
    assert db.session.get(Project, project.id).title == "Changed meanwhile"


def test_move_with_note_is_kept_in_history_and_timeline(client, db, login_as, make_project):
    project = make_project(stage_key="negotiating")
    user = login_as("staff")
    response = post_form(client, f"/projects/{project.id}/move",
                         {"stage_id": str(stage("mou_signed").id), "note": "Signed in Cannes"})
    assert response.status_code == 302
    change = db.session.scalars(sa.select(StageChange).where(
        StageChange.project_id == project.id)).one()
    assert (change.from_stage.key, change.to_stage.key, change.note, change.changed_by_id) == (
        "negotiating", "mou_signed", "Signed in Cannes", user.id)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Moved from Negotiating to MoU signed" in page and "Signed in Cannes" in page
    assert db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "stage_move")).one()


def test_timeline_is_newest_first_with_meetings_and_follow_ups(
        client, db, login_as, make_project, make_meeting):
    project = make_project()
    meeting = make_meeting(occurred_at=datetime(2017, 5, 20, 9, tzinfo=UTC),
                           summary="Met Shozo Ichiyama at the pavilion")
    meeting.projects = [project]
    meeting.follow_ups = [FollowUp(description="Send the script", due_date=date(2017, 6, 1))]
    later = make_meeting(occurred_at=datetime(2018, 5, 14, 10, tzinfo=UTC), summary="Signing")
    later.projects = [project]
    db.session.commit()
    login_as("staff")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert page.index("Signing") < page.index("Send the script") < page.index("Met Shozo Ichiyama")


def test_archived_project_disappears_and_admin_restores_it(
        app, client, login_as, make_project, make_user):
    project = make_project(title="Archived deal")
    login_as("staff")
    post_form(client, f"/projects/{project.id}/archive", {}, page=f"/projects/{project.id}")
    assert client.get(f"/projects/{project.id}").status_code == 404
    assert "Archived deal" not in client.get("/pipeline").get_data(as_text=True)
    admin_client = app.test_client()
    admin = make_user("admin")
    post_form(admin_client, "/login", {"email": admin.email, "password": PASSWORD})
    assert "Archived deal" in admin_client.get("/admin/archive").get_data(as_text=True)
    post_form(admin_client, f"/admin/archive/projects/{project.id}/restore", {},
              page="/admin/archive")
    assert admin_client.get(f"/projects/{project.id}").status_code == 200


def test_executive_sees_only_their_organizations_projects(
        client, login_as, make_project, make_organization):
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    kazakhfilm = make_organization()
    chinese = make_organization(name="Unnamed Chinese co-producer", country="CN")
    visible = make_project(title="The Horse Thieves",
                           parties=[(kazakhfilm, PartyRole.COPRODUCER, None),
                                    (tnc, PartyRole.COPRODUCER, None)])
    hidden = make_project(title="The Composer",
                          parties=[(kazakhfilm, PartyRole.COPRODUCER, None),
                                   (chinese, PartyRole.COPRODUCER, None)])
    login_as("executive", organization=tnc)
    assert client.get(f"/projects/{visible.id}").status_code == 200
    assert client.get(f"/projects/{hidden.id}").status_code == 404
    for url in ("/pipeline", "/projects", "/", "/search?q=the", f"/organizations/{kazakhfilm.id}"):
        body = client.get(url).get_data(as_text=True)
        assert "The Composer" not in body, url
    assert "The Horse Thieves" in client.get("/pipeline").get_data(as_text=True)


def test_executive_cannot_create_edit_or_move(client, login_as, make_project):
    project = make_project()
    login_as("executive")
    assert client.get("/projects/new").status_code == 403
    assert client.get(f"/projects/{project.id}/edit").status_code == 403
    assert client.get(f"/projects/{project.id}/move").status_code == 403


def test_project_detail_query_count_does_not_grow_with_data(
        client, db, login_as, make_project, make_organization, make_meeting, count_queries):
    login_as("staff")

    def detail_queries(n):
        orgs = [make_organization(name=f"Org {n}-{i}", country="KZ") for i in range(3)]
        project = make_project(title=f"Deal {n}", parties=[(o, PartyRole.COPRODUCER, 10) for o in orgs])
        for i in range(n):
            meeting = make_meeting(summary=f"Meeting {i}")
            meeting.projects = [project]
            meeting.organizations = orgs
        db.session.commit()
        url = f"/projects/{project.id}"
        db.session.commit()  # not counted: the test's own session reading the id back
        with count_queries() as counted:
            assert client.get(url).status_code == 200
        return counted.n

    # the signed-in user, the project, its parties, people and the stages of the move
    # form in one statement, the whole timeline with the memoranda in one statement (and
    # SQLite's BEGIN)
    begin = 1 if db.engine.dialect.name == "sqlite" else 0
    assert detail_queries(2) == detail_queries(20) == 4 + begin


def test_project_page_shows_its_parties_people_memoranda_and_origin_event(
        client, db, login_as, make_project, make_organization, make_person, make_memorandum,
        make_event):
    from crm.models import CreditRole, ProjectPerson
    org = make_organization()
    director = make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов")
    cannes = make_event()
    project = make_project(parties=[(org, PartyRole.MAJORITY_COPRODUCER, 60)], origin_event=cannes,
                           budget_amount=Decimal("1500000.50"), budget_currency="USD",
                           next_step="Send the budget", next_step_due=date(2020, 1, 1))
    project.people = [ProjectPerson(person=director, role=CreditRole.DIRECTOR)]
    memo = make_memorandum(project=project, reference="MOU-2018-007", title="Co-production")
    db.session.commit()
    login_as("staff")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    for text in (f'href="/organizations/{org.id}"', "Қазақфильм", "Majority co-producer", "60\xa0%",
                 f'href="/people/{director.id}"', "Ерлан Нұрмұхамбетов", "Director",
                 f'href="/memoranda/{memo.id}"', "MOU-2018-007 — Co-production",
                 f'href="/memoranda/{memo.id}/summary.pdf"', "Memorandum MOU-2018-007 recorded",
                 f'href="/events/{cannes.id}">Festival de Cannes 2018</a>', "US$1,500,000.50",
                 "overdue", "add up to 60 %, not 100 %", f'action="/projects/{project.id}/move"',
                 f'name="version" type="hidden" value="{project.version}"'):
        assert text in page, text


def test_timelines_hold_only_what_an_executive_may_see(
        client, db, login_as, make_project, make_organization, make_meeting, make_memorandum):
    ours = make_organization(name="Tokyo New Cinema", country="JP")
    theirs = make_organization(name="Unnamed Chinese co-producer", country="CN")
    shared = make_project(title="Shared deal", parties=[(ours, PartyRole.COPRODUCER, None),
                                                        (theirs, PartyRole.COPRODUCER, None)])
    hidden = make_project(title="Their own deal",
                          parties=[(theirs, PartyRole.COPRODUCER, None)])
    open_talk = make_meeting(summary="Open talk")
    open_talk.projects, open_talk.organizations = [shared], [theirs]
    secret = make_meeting(summary="Secret talk")
    secret.projects, secret.organizations = [hidden], [theirs]
    archived = make_meeting(summary="Archived talk", archived_at=datetime.now(UTC))
    archived.projects = [shared]
    secret.follow_ups = [FollowUp(description="Secret follow-up")]
    make_memorandum(reference="MOU-SECRET", project=hidden, parties=[theirs])
    db.session.add(StageChange(project=hidden, to_stage=stage("lead"), note="Secret move"))
    db.session.commit()
    login_as("executive", organization=ours)
    project_page = client.get(f"/projects/{shared.id}").get_data(as_text=True)
    assert "Open talk" in project_page and "Archived talk" not in project_page
    org_page = client.get(f"/organizations/{theirs.id}").get_data(as_text=True)
    assert "Open talk" in org_page
    for text in ("Secret talk", "Secret follow-up", "MOU-SECRET", "Their own deal", "Secret move"):
        assert text not in org_page, text
    assert client.get(f"/projects/{hidden.id}").status_code == 404


def test_timelines_leave_out_archived_meetings_for_those_who_see_everything(
        client, db, login_as, make_project, make_organization, make_person, make_meeting):
    # The timeline statements carry the archived-rows criterion themselves (built once,
    # reused as they are): staff, for whom the access layer adds nothing, must not see
    # archived meetings either.
    org = make_organization(name="Steppe Films")
    person = make_person(full_name="Aliya Nurlanova")
    project = make_project(title="Kept deal", parties=[(org, PartyRole.COPRODUCER, None)])
    for summary, archived_at in (("Live talk", None), ("Archived talk", datetime.now(UTC))):
        meeting = make_meeting(summary=summary, archived_at=archived_at)
        meeting.projects, meeting.organizations, meeting.people = [project], [org], [person]
    db.session.commit()
    login_as("staff")
    for url in (f"/projects/{project.id}", f"/organizations/{org.id}", f"/people/{person.id}"):
        page = client.get(url).get_data(as_text=True)
        assert "Live talk" in page and "Archived talk" not in page, url


def test_next_step_overdue_and_stale_marks(client, db, login_as, make_project):
    make_project(title="Old deal", next_step="Call back", next_step_due=date(2020, 1, 1),
                 last_activity_at=datetime.now(UTC) - timedelta(days=45))
    make_project(title="Fresh deal", status=ProjectStatus.ACTIVE)
    login_as("staff")
    page = client.get("/pipeline").get_data(as_text=True)
    card = page[page.index("Old deal"):page.index("Old deal") + 1500]
    assert "stale" in card and "overdue" in card
    fresh = page[page.index("Fresh deal"):page.index("Fresh deal") + 400]
    assert "stale" not in fresh


def test_parties_and_people_are_named_in_any_script_not_picked_from_huge_lists(
        client, db, login_as, make_organization, make_person):
    make_organization(aliases=["Kazakfilm"])
    make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов")
    login_as("staff")
    page = client.get("/projects/new").get_data(as_text=True)
    assert "Nurmukhambetov" not in page  # no list of every person in the form
    response = post_form(client, "/projects/new", {
        **_project_form(), "parties-0-organization": "Kazakfilm",
        "parties-1-organization": "東京ニューシネマ",
        "people-0-person": "Ерлан Нұрмұхамбетов", "people-0-role": "director"})
    assert response.status_code == 302
    project = db.session.scalars(sa.select(Project)).one()
    assert sorted(p.organization.name for p in project.parties) == ["Kazakhfilm", "Tokyo New Cinema"]
    assert project.people[0].person.full_name == "Yerlan Nurmukhambetov"


def test_an_unknown_name_is_refused_at_its_row_and_nothing_is_written(client, db, login_as):
    login_as("staff")
    response = post_form(client, "/projects/new", {
        **_project_form(title="Kept"), "parties-0-organization": "Nobody Pictures"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Nobody Pictures" in page and 'value="Kept"' in page
    assert 'id="parties-0-organization"' in page and "is-invalid" in page
    assert "Add it on the Organizations page first." in page and "New organizations" not in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Project)) == 0


def test_an_unchanged_row_keeps_its_record_even_when_the_name_is_shared(
        client, db, login_as, make_project, make_organization):
    first = make_organization(name="Studio One", country="KZ")
    make_organization(name="Studio One", country="FR")  # same name, another company
    project = make_project(parties=[(first, PartyRole.COPRODUCER, 50)])
    login_as("staff")
    page = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    assert 'value="Studio One"' in page
    from tests.conftest import csrf_token_from
    response = client.post(f"/projects/{project.id}/edit", data={
        **_project_form(title="Renamed"), "version": str(project.version),
        "parties-0-organization": "Studio One", "parties-0-organization_id": str(first.id),
        "parties-0-role": "coproducer", "parties-0-share_percent": "50",
        "csrf_token": csrf_token_from(page)})
    assert response.status_code == 302
    db.session.expire_all()
    assert [p.organization_id for p in db.session.get(Project, project.id).parties] == [first.id]


def test_projects_list_rows_and_statements_do_not_depend_on_the_page(
        client, db, login_as, make_project, make_organization, count_queries):
    kz = make_organization()
    jp = make_organization(name="Tokyo New Cinema", country="JP")
    for i in range(30):
        make_project(title=f"Deal {i:02}", parties=[(kz, PartyRole.COPRODUCER, None),
                                                    (jp, PartyRole.COPRODUCER, None)],
                     next_step="Call back", next_step_due=date(2020, 1, 1),
                     last_activity_at=datetime.now(UTC) - timedelta(days=45))
    login_as("staff")

    def list_queries(url):
        with count_queries() as counted:
            page = client.get(url).get_data(as_text=True)
        return counted.n, page

    first, page = list_queries("/projects")
    row = page[page.index(">Deal 00<"):page.index(">Deal 01<")]
    assert "Kazakhfilm · Tokyo New Cinema" in row and "KZ · JP" in row
    assert "stale" in row and "overdue" in row and "/projects/" in page
    second, page = list_queries("/projects?page=2")
    assert "Deal 29" in page and "30 records" in page
    assert first == second
