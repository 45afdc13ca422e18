"""The dashboard's panels and the search box, as each role sees them."""
from datetime import UTC, date, datetime, timedelta

from crm.models import FollowUp, MemorandumStatus, PartyRole, ProjectStatus


def test_dashboard_chart_counts_projects_per_stage(client, login_as, make_project):
    for title, key in (("A", "lead"), ("B", "lead"), ("C", "shooting")):
        make_project(title=title, stage_key=key)
    login_as("staff")
    page = client.get("/").get_data(as_text=True)
    chart = page[page.index('<svg class="stage-chart'):page.index("</svg>")]
    assert '>Lead</text>' in chart and '>2</text>' in chart and '>1</text>' in chart
    assert "?stage=shooting" in chart  # each bar leads to its projects


def test_dashboard_shows_my_due_and_overdue_follow_ups_only(
        client, db, login_as, make_meeting, make_user):
    me = login_as("staff")
    someone_else = make_user("staff")
    meeting = make_meeting()
    today = datetime.now(UTC).date()
    meeting.follow_ups = [
        FollowUp(description="Send the script", owner_id=me.id, due_date=today - timedelta(days=2)),
        FollowUp(description="Book the screening", owner_id=me.id, due_date=today + timedelta(days=3)),
        FollowUp(description="Not mine", owner_id=someone_else.id, due_date=today),
        FollowUp(description="Already done", owner_id=me.id, due_date=today, done=True),
    ]
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    panel = page[page.index('id="fu-heading"'):page.index('id="meetings-heading"')]
    assert "Send the script" in panel and "overdue" in panel and "Book the screening" in panel
    assert "Not mine" not in panel and "Already done" not in panel


def test_dashboard_lists_expiring_memoranda_and_stale_projects(
        client, login_as, make_memorandum, make_project):
    today = datetime.now(UTC).date()
    make_memorandum(reference="MOU-2026-001", status=MemorandumStatus.SIGNED,
                    signed_on=date(2025, 1, 1), expires_on=today + timedelta(days=20))
    make_memorandum(reference="MOU-2026-002", status=MemorandumStatus.SIGNED,
                    signed_on=date(2025, 1, 1), expires_on=today + timedelta(days=200))
    make_project(title="Quiet deal", last_activity_at=datetime.now(UTC) - timedelta(days=40))
    make_project(title="Busy deal")
    make_project(title="Finished deal", status=ProjectStatus.COMPLETED,
                 last_activity_at=datetime.now(UTC) - timedelta(days=400))
    login_as("executive")
    page = client.get("/").get_data(as_text=True)
    assert "MOU-2026-001" in page and "MOU-2026-002" not in page
    stale = page[page.index('id="stale-heading"'):]
    assert "Quiet deal" in stale and "Busy deal" not in stale and "Finished deal" not in stale


def test_executive_dashboard_counts_only_visible_projects(
        client, login_as, make_project, make_organization):
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    other = make_organization(name="Other studio", country="CN")
    make_project(title="Visible", stage_key="lead", parties=[(tnc, PartyRole.COPRODUCER, None)])
    make_project(title="Hidden", stage_key="shooting", parties=[(other, PartyRole.COPRODUCER, None)])
    login_as("executive", organization=tnc)
    page = client.get("/").get_data(as_text=True)
    chart = page[page.index('<svg class="stage-chart'):page.index("</svg>")]
    shooting = chart[chart.index(">Shooting<"):]
    assert '>0</text>' in shooting[:400]
    assert "Hidden" not in page


def test_search_finds_organizations_by_alias_and_local_name(client, login_as, make_organization):
    make_organization(aliases=["Kazakfilm", "Казахфильм"])
    login_as("staff")
    for q in ("Kazakfilm", "казахфильм", "ҚАЗАҚ", "kazakh"):
        page = client.get(f"/search?q={q}").get_data(as_text=True)
        assert "Қазақфильм" in page, q


def test_search_covers_projects_memoranda_people_and_meetings(
        client, login_as, make_project, make_memorandum, make_person, make_meeting):
    make_project(title="The Horse Thieves", original_title="Жылқы ұрылары")
    make_memorandum(reference="MOU-2018-001", title="Memorandum of cooperation")
    make_person()
    make_meeting(summary="Discussed festival strategy with the sales agent",
                 occurred_at=datetime.now(UTC) - timedelta(days=30))
    login_as("staff")
    assert "The Horse Thieves" in client.get("/search?q=жылқы").get_data(as_text=True)
    assert "MOU-2018-001" in client.get("/search?q=mou-2018").get_data(as_text=True)
    assert "Shozo Ichiyama" in client.get("/search?q=市山").get_data(as_text=True)
    assert "festival strategy" in client.get("/search?q=Festival strategy").get_data(as_text=True)
    assert "Nothing matches" in client.get("/search?q=zzzz").get_data(as_text=True)


def test_search_hides_what_an_executive_may_not_see(client, login_as, make_project,
                                                    make_organization):
    tnc = make_organization(name="Tokyo New Cinema", country="JP")
    make_project(title="The Horse Thieves", parties=[(tnc, PartyRole.COPRODUCER, None)])
    make_project(title="The Composer")
    login_as("executive", organization=tnc)
    page = client.get("/search?q=the").get_data(as_text=True)
    assert "The Horse Thieves" in page and "The Composer" not in page


def test_search_treats_like_wildcards_literally(client, login_as, make_project):
    make_project(title="100% Kazakh")
    make_project(title="Plain title")
    login_as("staff")
    page = client.get("/search?q=%25").get_data(as_text=True)
    assert "100% Kazakh" in page and "Plain title" not in page


def test_search_reads_a_year_of_meeting_notes_and_links_to_all_of_them(
        client, login_as, make_meeting):
    now = datetime.now(UTC)
    make_meeting(summary="Pitch of the horse film, recent", occurred_at=now - timedelta(days=300))
    make_meeting(summary="Pitch of the horse film, long ago", occurred_at=now - timedelta(days=400))
    login_as("staff")
    page = client.get("/search?q=horse film").get_data(as_text=True)
    assert "horse film, recent" in page and "horse film, long ago" not in page
    assert 'href="/meetings?q=horse+film"' in page  # "Search all meetings for …"
    everything = client.get("/meetings?q=horse+film").get_data(as_text=True)
    assert "horse film, recent" in everything and "horse film, long ago" in everything


def test_meeting_notes_are_found_whatever_the_case_in_every_script(
        client, db, login_as, make_meeting):
    """Through their trigram index on SQLite too, whose own LIKE folds only Latin."""
    recent = datetime.now(UTC) - timedelta(days=10)
    meeting = make_meeting(summary="Обсудили бюджет «Алтын Орда» с Kazakhfilm",
                           occurred_at=recent)
    make_meeting(summary="Met the sales agent", occurred_at=recent)
    login_as("staff")
    for query in ("обсудили", "АЛТЫН ОРДА", "kazakhFILM", "бюджет «алтын"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "Обсудили бюджет" in page, query
        assert "Met the sales agent" not in page, query
        listing = client.get("/meetings", query_string={"q": query}).get_data(as_text=True)
        assert "Обсудили бюджет" in listing and "Met the sales agent" not in listing, query
    # changed notes are found by what they say now, not by what they said
    meeting.summary = "Договорились о копродукции"
    db.session.commit()
    assert "Договорились" in client.get("/search?q=копродукц").get_data(as_text=True)
    assert "Nothing matches" in client.get("/search?q=обсудили").get_data(as_text=True)
    # two letters have no trigram: still found, by reading the notes
    assert "Договорились" in client.get("/search?q=До").get_data(as_text=True)


def test_dashboard_statements_do_not_depend_on_the_data(
        client, db, login_as, make_project, make_meeting, make_event, make_memorandum,
        count_queries):
    me = login_as("staff")

    def dashboard_queries():
        with count_queries() as counted:
            assert client.get("/").status_code == 200
        return counted.n

    empty = dashboard_queries()
    today = datetime.now(UTC).date()
    cannes = make_event()
    project = make_project(title="Quiet deal", last_activity_at=datetime.now(UTC) - timedelta(days=40))
    meeting = make_meeting(event=cannes, summary="Met at the pavilion")
    meeting.projects = [project]
    meeting.follow_ups = [FollowUp(description="Send the script", owner_id=me.id,
                                   due_date=today + timedelta(days=1))]
    make_memorandum(status=MemorandumStatus.SIGNED, signed_on=date(2025, 1, 1),
                    expires_on=today + timedelta(days=20))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Festival de Cannes 2018" in page and "Quiet deal" in page and "Send the script" in page
    assert empty == dashboard_queries()
