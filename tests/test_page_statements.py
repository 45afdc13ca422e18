"""The organization, person, list and search pages cost the same number of SQL statements
however much data there is (festival scale has thousands of each)."""
import re

from crm.models import PartyRole, PersonRole
from tests.conftest import PASSWORD, post_form, recorded_statements


def statements(client, url: str) -> list[str]:
    client.get(url)  # warm what is built once per process
    with recorded_statements() as seen:
        assert client.get(url).status_code == 200
    return seen


def test_organization_page_statements_do_not_grow_with_its_projects_and_people(
        client, login_as, make_organization, make_project, make_person, make_meeting):
    org = make_organization()
    login_as("staff")

    def add(n, start):
        for i in range(start, start + n):
            project = make_project(title=f"Project {i}", parties=[(org, PartyRole.COPRODUCER, 50)])
            make_person(full_name=f"Person {i}", organization=org)
            make_meeting(summary=f"Meeting {i}", organizations=[org], projects=[project])

    add(2, 0)
    few = statements(client, f"/organizations/{org.id}")
    add(60, 2)
    many = statements(client, f"/organizations/{org.id}")
    assert len(few) == len(many), (few, many)
    page = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "All 62 projects of Kazakhfilm" in page and "Person 61" in page


def test_person_page_statements_do_not_grow_with_their_credits(
        client, login_as, make_person, make_project):
    from crm.extensions import db
    from crm.models import CreditRole, ProjectPerson
    person = make_person()
    login_as("staff")

    def add(n, start):
        for i in range(start, start + n):
            project = make_project(title=f"Project {i}")
            db.session.add(ProjectPerson(project=project, person=person, role=CreditRole.PRODUCER))
        db.session.commit()

    add(1, 0)
    few = statements(client, f"/people/{person.id}")
    add(20, 1)
    many = statements(client, f"/people/{person.id}")
    assert len(few) == len(many), (few, many)
    assert "Project 20" in client.get(f"/people/{person.id}").get_data(as_text=True)


def test_list_and_search_statements_do_not_grow_with_the_data(
        client, login_as, make_organization, make_person, make_memorandum):
    login_as("staff")
    urls = ["/people", "/people?page=2", "/organizations", "/organizations?page=2", "/memoranda",
            "/search?q=horse"]

    def add(n, start):
        for i in range(start, start + n):
            org = make_organization(name=f"Horse studio {i}", aliases=[f"Horse {i}"])
            make_person(full_name=f"Horse person {i}", organization=org, role=PersonRole.PRODUCER)
            make_memorandum(reference=f"MOU-2018-{i:03d}", title=f"Horse memo {i}",
                            parties=[org])

    add(30, 0)
    few = {url: statements(client, url) for url in urls}
    add(40, 30)
    many = {url: statements(client, url) for url in urls}
    for url in urls:
        assert len(few[url]) == len(many[url]), (url, few[url], many[url])
    page = client.get("/organizations?page=2").get_data(as_text=True)
    assert "Also: Horse " in page  # other spellings are on the list


def test_organization_page_counts_only_the_projects_the_viewer_may_see(
        app, client, db, login_as, make_user, make_organization, make_project):
    from crm.models import utcnow
    org, other = make_organization(), make_organization(name="Tokyo New Cinema")
    make_project(title="Shared", parties=[(org, PartyRole.COPRODUCER, 50),
                                          (other, PartyRole.COPRODUCER, 50)])
    make_project(title="Ours alone", parties=[(org, PartyRole.COPRODUCER, 50)])
    gone = make_project(title="Archived", parties=[(org, PartyRole.COPRODUCER, 50)])
    gone.archived_at = utcnow()
    db.session.commit()
    login_as("staff")
    assert '<span class="badge rounded-pill text-bg-light border">2</span>' in client.get(
        f"/organizations/{org.id}").get_data(as_text=True)
    executive = app.test_client()  # a second browser, signed in as the other party
    user = make_user("executive", organization_id=other.id)
    assert post_form(executive, "/login",
                     {"email": user.email, "password": PASSWORD}).status_code == 302
    page = executive.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert '<span class="badge rounded-pill text-bg-light border">1</span>' in page
    assert "Shared" in page and "Ours alone" not in page


def test_an_api_project_costs_the_same_statements_however_many_stages_it_went_through(
        client, db, make_user, make_project, api_headers):
    """Its stage history's stages come with it (they were loaded one stage at a time)."""
    from crm.projects.services import move_to_stage
    from tests.conftest import stage
    headers = api_headers(make_user("staff"))
    project = make_project()

    def read() -> list[str]:
        url = f"/api/v1/projects/{project.id}"
        client.get(url, headers=headers)
        with recorded_statements() as seen:
            assert client.get(url, headers=headers).status_code == 200
        return seen

    move_to_stage(project, stage("contacted"))
    db.session.commit()
    one_move = read()
    for key in ("negotiating", "mou_signed", "development", "financing", "shooting"):
        move_to_stage(project, stage(key))
        db.session.commit()
    assert len(read()) == len(one_move)


def test_the_meeting_form_costs_the_same_statements_with_or_without_an_event_on(
        client, login_as, make_event):
    from datetime import date, timedelta
    login_as("staff")
    today = date.today()
    make_event(name="Cannes", edition=today.year - 1, start_date=today - timedelta(days=300),
               end_date=today - timedelta(days=290))
    none_running = statements(client, "/meetings/new")
    almaty = make_event(name="Almaty", edition=today.year, start_date=today - timedelta(days=1),
                        end_date=today + timedelta(days=3))
    page = client.get("/meetings/new").get_data(as_text=True)
    assert len(statements(client, "/meetings/new")) == len(none_running)
    selected = re.search(r'<option selected value="(\d+)"', page)
    assert selected and int(selected.group(1)) == almaty.id  # the one running today
