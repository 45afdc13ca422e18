"""The pipeline board, its filters, and the admin-editable stages."""
from datetime import date

import sqlalchemy as sa

from crm.models import PartyRole, PipelineStage, ProjectStatus
from tests.conftest import post_form, stage


def _column(page: str, stage_name: str) -> str:
    start = page.index(f'data-stage-name="{stage_name}"')
    end = page.find('data-stage-name="', start + 20)
    return page[start:end if end > 0 else None]


def test_board_has_a_column_per_stage_with_counts(client, login_as, make_project):
    make_project(title="The Horse Thieves", stage_key="mou_signed")
    make_project(title="The Composer", stage_key="negotiating")
    make_project(title="Another lead", stage_key="negotiating")
    login_as("staff")
    page = client.get("/pipeline").get_data(as_text=True)
    assert "The Horse Thieves" in _column(page, "MoU signed")
    negotiating = _column(page, "Negotiating")
    assert "The Composer" in negotiating and "Another lead" in negotiating
    assert '<span class="badge rounded-pill text-bg-secondary">2</span>' in negotiating
    for name in ("Lead", "Contacted", "Development", "Delivered"):
        assert f'data-stage-name="{name}"' in page


def test_board_filters_by_country_organization_event_and_status(
        client, login_as, make_project, make_organization, make_event):
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    chinese = make_organization(name="Unnamed Chinese co-producer", country="CN")
    cannes = make_event()
    make_project(title="The Horse Thieves", parties=[(tnc, PartyRole.COPRODUCER, None)],
                 origin_event=cannes)
    make_project(title="The Composer", parties=[(chinese, PartyRole.COPRODUCER, None)],
                 status=ProjectStatus.ON_HOLD)
    login_as("executive")
    cases = {
        "country=JP": ("The Horse Thieves", "The Composer"),
        f"organization_id={chinese.id}": ("The Composer", "The Horse Thieves"),
        f"event_id={cannes.id}": ("The Horse Thieves", "The Composer"),
        "status=on_hold": ("The Composer", "The Horse Thieves"),
    }
    for query, (shown, hidden) in cases.items():
        page = client.get(f"/pipeline?{query}").get_data(as_text=True)
        board = page[page.index('class="board"'):]
        assert shown in board and hidden not in board, query


def test_bad_filter_values_are_ignored_not_errors(client, login_as):
    login_as("staff")
    assert client.get("/pipeline?organization_id=abc&country=%27;--&status=nope").status_code == 200


def test_move_works_without_javascript_from_the_board(client, login_as, make_project):
    project = make_project(title="The Composer", stage_key="negotiating")
    login_as("staff")
    page = client.get("/pipeline").get_data(as_text=True)
    assert f"/projects/{project.id}/move?next=" in page  # the plain "Move…" link on the card
    response = post_form(client, f"/projects/{project.id}/move?next=/pipeline",
                         {"stage_id": str(stage("mou_signed").id), "note": "Signed"},
                         page=f"/projects/{project.id}/move")
    assert response.location == "/pipeline"
    assert "The Composer" in _column(client.get("/pipeline").get_data(as_text=True), "MoU signed")


def test_move_redirect_never_leaves_the_app(client, login_as, make_project):
    project = make_project()
    login_as("staff")
    response = post_form(client, f"/projects/{project.id}/move?next=https://evil.example/",
                         {"stage_id": str(stage("contacted").id)},
                         page=f"/projects/{project.id}/move")
    assert response.location == f"/projects/{project.id}"


def test_board_query_count_is_the_same_for_5_and_50_projects(
        client, login_as, make_project, make_organization, count_queries):
    login_as("staff")
    orgs = [make_organization(name=f"Studio {i}", country=c) for i, c in enumerate(("KZ", "JP", "CN"))]

    def board_queries(total):
        while _count_projects() < total:
            n = _count_projects()
            make_project(title=f"Deal {n}", stage_key=("lead", "negotiating", "shooting")[n % 3],
                         parties=[(o, PartyRole.COPRODUCER, 30) for o in orgs],
                         next_step="Call", next_step_due=date(2030, 1, 1))
        with count_queries() as counted:
            assert client.get("/pipeline").status_code == 200
        return counted.n

    assert board_queries(5) == board_queries(50)


def _count_projects():
    from crm.extensions import db
    from crm.models import Project
    return db.session.scalar(sa.select(sa.func.count()).select_from(Project))


def test_admin_renames_reorders_and_adds_stages(client, db, login_as):
    login_as("admin")
    lead = stage("lead")
    post_form(client, f"/pipeline/stages/{lead.id}",
              {"name": "First contact", "version": str(lead.version), "rename": ""},
              page="/pipeline/stages")
    post_form(client, f"/pipeline/stages/{lead.id}", {"down": ""}, page="/pipeline/stages")
    response = post_form(client, "/pipeline/stages", {"key": "festival_release",
                                                      "name": "Festival release"})
    assert response.status_code == 302
    order = db.session.scalars(sa.select(PipelineStage.key).order_by(PipelineStage.position)).all()
    assert order[:2] == ["contacted", "lead"] and order[-1] == "festival_release"
    assert stage("lead").name == "First contact"
    page = client.get("/pipeline").get_data(as_text=True)
    board = page[page.index('class="board"'):]
    assert board.index("Contacted") < board.index("First contact") < board.index("Festival release")


def test_a_stage_in_use_cannot_be_deleted_an_unused_one_can(client, db, login_as, make_project):
    make_project(stage_key="shooting")
    login_as("admin")
    shooting = stage("shooting")
    page = post_form(client, f"/pipeline/stages/{shooting.id}", {"delete": ""},
                     page="/pipeline/stages", follow_redirects=True).get_data(as_text=True)
    assert "cannot be deleted" in page
    delivered = stage("delivered")
    post_form(client, f"/pipeline/stages/{delivered.id}", {"delete": ""}, page="/pipeline/stages")
    keys = db.session.scalars(sa.select(PipelineStage.key)).all()
    assert "shooting" in keys and "delivered" not in keys


def test_new_stage_key_is_validated(client, login_as):
    login_as("admin")
    page = post_form(client, "/pipeline/stages", {"key": "Bad Key!", "name": "X"}).get_data(as_text=True)
    assert "lower-case letters" in page and 'value="Bad Key!"' in page
    page = post_form(client, "/pipeline/stages", {"key": "lead", "name": "Lead again"}).get_data(as_text=True)
    assert "already exists" in page


def test_only_admins_edit_stages(client, login_as):
    login_as("staff")
    assert client.get("/pipeline/stages").status_code == 403


def test_board_shows_the_most_recent_cards_of_a_stage_and_links_to_the_rest(
        client, login_as, make_project):
    from datetime import UTC, datetime, timedelta

    from crm.pipeline.services import CARDS_PER_STAGE
    start = datetime(2026, 1, 1, tzinfo=UTC)
    total = CARDS_PER_STAGE + 3
    for n in range(total):
        make_project(title=f"Deal {n:02d}", stage_key="negotiating",
                     last_activity_at=start + timedelta(days=n))
    make_project(title="Lone lead", stage_key="lead")
    login_as("staff")
    page = client.get("/pipeline").get_data(as_text=True)
    column = _column(page, "Negotiating")
    shown = [n for n in range(total) if f"Deal {n:02d}" in column]
    assert shown == list(range(3, total))  # the most recently active, the oldest 3 left out
    assert f'<span class="badge rounded-pill text-bg-secondary">{total}</span>' in column
    assert "and 3 more…" in column and 'href="/projects?stage=negotiating"' in column
    assert "more…" not in _column(page, "Lead")
    listed = client.get("/projects?stage=negotiating").get_data(as_text=True)
    assert all(f"Deal {n:02d}" in listed for n in range(total))


def test_board_filters_by_a_typed_organization_name_or_alias(
        client, login_as, make_project, make_organization):
    tnc = make_organization(name="Tokyo New Cinema", country="JP", aliases=["TNC"])
    other = make_organization(name="Kazakhfilm", country="KZ")
    make_project(title="The Horse Thieves", parties=[(tnc, PartyRole.COPRODUCER, None)])
    make_project(title="The Composer", parties=[(other, PartyRole.COPRODUCER, None)])
    login_as("staff")
    for query in ("organization=tokyo+new", "organization=tnc"):
        for url in (f"/pipeline?{query}", f"/projects?{query}"):
            page = client.get(url).get_data(as_text=True)
            results = page[page.index("</details>"):]
            assert "The Horse Thieves" in results and "The Composer" not in results, url
    # A link by id (organization page, report, API) still works, and names it in the box.
    page = client.get(f"/pipeline?organization_id={other.id}").get_data(as_text=True)
    assert "The Composer" in page[page.index("</details>"):]
    assert 'name="organization"' in page and 'value="Kazakhfilm"' in page
    assert "<option value=\"%d\"" % tnc.id not in page  # no list of every organization


def test_an_overlong_stage_name_is_refused_not_cut(client, db, login_as):
    login_as("admin")
    lead = stage("lead")
    page = post_form(client, f"/pipeline/stages/{lead.id}",
                     {"name": "L" * 81, "version": str(lead.version), "rename": ""},
                     page="/pipeline/stages", follow_redirects=True).get_data(as_text=True)
    assert "at most 80 characters" in page
    db.session.expire_all()
    assert stage("lead").name == "Lead"


def test_an_executive_board_counts_and_shows_only_their_organizations_projects(
        client, login_as, make_project, make_organization):
    ours = make_organization(name="Our Studio", local_name=None, country="KZ")
    theirs = make_organization(name="Their Studio", local_name=None, country="JP")
    make_project(title="Our deal", stage_key="negotiating", parties=[(ours, PartyRole.COPRODUCER, 50)])
    make_project(title="Their deal", stage_key="negotiating",
                 parties=[(theirs, PartyRole.COPRODUCER, 50)])
    make_project(title="Their other deal", stage_key="negotiating")
    login_as("executive", organization=ours)

    negotiating = _column(client.get("/pipeline").get_data(as_text=True), "Negotiating")

    assert "Our deal" in negotiating and "Their deal" not in negotiating
    assert '<span class="badge rounded-pill text-bg-secondary">1</span>' in negotiating
    assert "KZ" in negotiating and "JP" not in negotiating


def test_a_card_shows_its_parties_countries_once_each_in_party_order(
        client, login_as, make_project, make_organization):
    studios = [make_organization(name=f"Studio {c}{i}", local_name=None, country=c)
               for i, c in enumerate(("JP", "KZ", "JP"))]
    make_project(title="Three parties", stage_key="lead",
                 parties=[(o, PartyRole.COPRODUCER, 20) for o in studios])
    login_as("staff")

    lead = _column(client.get("/pipeline").get_data(as_text=True), "Lead")

    assert 'title="Japan, Kazakhstan">JP · KZ</span>' in lead
