"""The PDF documents, read back the way a reader's viewer would: text with `pdftotext`,
fonts with `pdffonts`, page count and metadata with `pdfinfo` (poppler-utils).

Without poppler these tests skip, saying so; in CI (CI=true) they fail instead, since
.ci/run installs poppler-utils.
"""
from __future__ import annotations

import functools
import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from crm.demo import seed_demo
from crm.models import (Event, FollowUp, Memorandum, MemorandumKind, MemorandumParty,
                        MemorandumStatus, MemorandumTerm, Organization, OrganizationKind,
                        PartyRole, PersonRole, Project, ProjectFormat, ProjectParty,
                        StageChange)
from tests.conftest import stage

POPPLER = ("pdftotext", "pdffonts", "pdfinfo")


@pytest.fixture
def poppler():
    missing = [tool for tool in POPPLER if shutil.which(tool) is None]
    if missing:
        message = (f"{', '.join(missing)} not installed: the PDF tests read documents back "
                   "with poppler-utils (apt-get install poppler-utils)")
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)


class PDF:
    """A downloaded PDF, read back with poppler."""

    def __init__(self, data: bytes, tmp_path):
        assert data.startswith(b"%PDF-"), data[:200]
        self.path = tmp_path / f"document-{os.urandom(4).hex()}.pdf"
        self.path.write_bytes(data)

    def _run(self, *command) -> str:
        output = ["-"] if command[0] == "pdftotext" else []  # pdftotext writes to stdout
        return subprocess.run([*command, str(self.path), *output],
                              capture_output=True, text=True, check=True).stdout

    @functools.cached_property
    def raw_text(self) -> str:
        return self._run("pdftotext", "-enc", "UTF-8")

    @functools.cached_property
    def text(self) -> str:
        """The text with whitespace runs collapsed to one space."""
        return " ".join(self.raw_text.split())

    @functools.cached_property
    def _squeezed(self) -> str:
        return re.sub(r"\s+", "", self.raw_text)

    def contains(self, needle: str) -> bool:
        """Whether the text holds `needle` exactly, ignoring where lines were wrapped."""
        return re.sub(r"\s+", "", needle) in self._squeezed

    @property
    def fonts(self) -> list[dict]:
        lines = self._run("pdffonts").splitlines()[2:]
        rows = []
        for line in lines:
            # name type... encoding emb sub uni object-id generation
            parts = line.split()
            rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4]})
        return rows

    @functools.cached_property
    def info(self) -> dict[str, str]:
        pairs = (line.split(":", 1) for line in self._run("pdfinfo").splitlines() if ":" in line)
        return {key.strip(): value.strip() for key, value in pairs}

    @property
    def pages(self) -> int:
        return int(self.info["Pages"])


@pytest.fixture
def read_pdf(poppler, tmp_path):
    def read(response) -> PDF:
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        assert response.mimetype == "application/pdf"
        return PDF(response.get_data(), tmp_path)
    return read


def assert_fonts_embedded(pdf: PDF, *, cjk: bool) -> None:
    fonts = pdf.fonts
    assert fonts, "the document has no fonts"
    assert all(font["emb"] == "yes" for font in fonts), fonts
    names = {font["name"].split("+")[-1] for font in fonts}
    assert "DejaVuSans" in names
    assert ("DroidSansFallback" in names) == cjk, names


@pytest.fixture
def demo(db):
    seed_demo()
    db.session.commit()


def demo_memorandum(db) -> Memorandum:
    return db.session.scalars(
        sa.select(Memorandum).where(Memorandum.reference == "MOU-2018-001")).one()


def organization(db, name) -> Organization:
    return db.session.scalars(sa.select(Organization).where(Organization.name == name)).one()


# --- memorandum summary ------------------------------------------------------------------

def test_demo_memorandum_summary_in_every_script(demo, db, client, login_as, read_pdf):
    login_as("staff")
    memo_id = demo_memorandum(db).id
    response = client.get(f"/memoranda/{memo_id}/summary.pdf")
    pdf = read_pdf(response)

    assert response.headers["Content-Type"] == "application/pdf"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r'filename="?MOU-2018-001-summary\.pdf"?', disposition), disposition
    assert "no-store" in response.headers["Cache-Control"]

    for text in ("MOU-2018-001", "Kazakhfilm", "Қазақфильм", "Tokyo New Cinema", "東京ニューシネマ",
                 "The Horse Thieves", "Жылқы ұрылары", "MoU signed", "Purpose",
                 "Festival de Cannes 2018", "Shozo Ichiyama", "市山尚三", "竹葉リサ",
                 "First met at the pavilion, Cannes 2017"):
        assert pdf.contains(text), text
    assert_fonts_embedded(pdf, cjk=True)
    assert f"Page 1 of {pdf.pages}" in pdf.text
    assert re.search(r"Generated \d{1,2} \w{3} \d{4}, \d\d:\d\d UTC", pdf.text)
    info = pdf.info
    assert info["Title"] == "Memorandum summary · MOU-2018-001"
    assert info["Subject"].startswith("Memorandum of cooperation")
    assert info["Author"].startswith("Test staff")
    assert info["Page size"].endswith("(A4)")


@pytest.fixture
def scripts_memorandum(db, make_organization, make_person, make_event):
    """A memorandum whose every name is in another script: Kazakh, Russian, Japanese,
    Chinese."""
    kazakhfilm = make_organization(name="Kazakhfilm", local_name="Қазақфильм",
                                   aliases=["Казахфильм"])
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                              kind=OrganizationKind.PRODUCTION_COMPANY, country="JP")
    beijing = make_organization(name="Beijing Partner", local_name="北京电影制片厂",
                                kind=OrganizationKind.PRODUCTION_COMPANY, country="CN")
    director = make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов",
                           role=PersonRole.DIRECTOR, country="KZ")
    producer = make_person(full_name="Shozo Ichiyama", local_name="市山尚三")
    event = make_event()
    project = Project(
        title="The Composer", original_title="作曲家", format=ProjectFormat.FEATURE,
        stage=stage("negotiating"),
        parties=[ProjectParty(organization=kazakhfilm, role=PartyRole.MAJORITY_COPRODUCER,
                              share_percent=Decimal("60")),
                 ProjectParty(organization=beijing, role=PartyRole.MINORITY_COPRODUCER,
                              share_percent=Decimal("40"))])
    memo = Memorandum(
        reference="MOU-2019-007", title="Меморандум о сотрудничестве: «Айка» и 作曲家",
        kind=MemorandumKind.DEAL_MEMO, status=MemorandumStatus.SIGNED, signed_on=date(2018, 5, 14),
        signed_place="Алматы", event=event, project=project,
        summary="Қазақфильм және 東京ニューシネマ: әғқңөұүһі ӘҒҚҢӨҰҮҺІ. Россия: «Айка», Казахфильм.",
        parties=[MemorandumParty(organization=kazakhfilm, signatory=director,
                                 role="Казахская сторона"),
                 MemorandumParty(organization=tokyo, signatory=producer, role="日本側")],
        terms=[MemorandumTerm(position=1, heading="Мақсаты", text="Фильмді бірлесіп түсіру."),
               MemorandumTerm(position=2, heading="目的", text="双方は映画「作曲家」を共同制作する。")])
    db.session.add_all([project, memo])
    db.session.commit()
    return memo


def test_every_script_round_trips_exactly(scripts_memorandum, client, login_as, read_pdf):
    login_as("admin")
    pdf = read_pdf(client.get(f"/memoranda/{scripts_memorandum.id}/summary.pdf"))
    for text in ("Қазақфильм", "Нұрмұхамбетов", "Ерлан Нұрмұхамбетов", "әғқңөұүһі ӘҒҚҢӨҰҮҺІ",
                 "Казахская сторона", "«Айка»", "Казахфильм", "Меморандум о сотрудничестве",
                 "東京ニューシネマ", "市山尚三", "日本側", "作曲家", "北京电影制片厂",
                 "双方は映画「作曲家」を共同制作する。", "Мақсаты", "Фильмді бірлесіп түсіру.",
                 "60 %", "40 %", "Negotiating"):
        assert pdf.contains(text), text
    assert_fonts_embedded(pdf, cjk=True)


def test_markup_in_user_text_comes_out_literally(make_memorandum, client, login_as, read_pdf):
    memo = make_memorandum(
        title='Deal <b>bold</b> & <font color="red">red</font>',
        summary='A note with <font color="red">not red</font> and <b>bold</b> & <i>',
        terms=[MemorandumTerm(position=1, heading="<u>Heading</u>",
                              text="</para><para>x</para> &amp; <br/>")])
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    for text in ('Deal <b>bold</b> & <font color="red">red</font>',
                 'A note with <font color="red">not red</font> and <b>bold</b> & <i>',
                 "<u>Heading</u>", "</para><para>x</para> &amp; <br/>"):
        assert pdf.contains(text), text
    assert_fonts_embedded(pdf, cjk=False)


def test_sections_without_data_say_so(make_memorandum, client, login_as, read_pdf):
    memo = make_memorandum()
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    for text in ("No project is linked to this memorandum.", "No terms recorded.",
                 "No meetings recorded.", "No stage changes recorded."):
        assert text in pdf.text


def test_long_terms_run_over_pages_and_are_never_cut(make_memorandum, client, login_as, read_pdf):
    words = [f"word{i}" for i in range(3000)]
    memo = make_memorandum(terms=[MemorandumTerm(position=1, heading="Everything",
                                                 text=" ".join(words) + " " + "x" * 400)])
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    assert pdf.pages > 1
    assert all(pdf.contains(word) for word in words)
    assert pdf.contains("x" * 400)
    assert f"Page {pdf.pages} of {pdf.pages}" in pdf.text


def test_related_meetings_are_the_projects_and_the_parties_at_the_event(
        db, make_organization, make_event, make_project, make_memorandum, make_meeting,
        client, login_as, read_pdf):
    kazakhfilm = make_organization()
    other = make_organization(name="Other Studio", local_name=None)
    cannes, berlin = make_event(), make_event(name="Berlinale", edition=2018)
    project = make_project()
    memo = make_memorandum(project_id=project.id, event_id=cannes.id, parties=[kazakhfilm])
    make_meeting(summary="About the project in Berlin", event=berlin, projects=[project])
    make_meeting(summary="Kazakhfilm at Cannes", event=cannes, organizations=[kazakhfilm])
    make_meeting(summary="Someone else at Cannes", event=cannes, organizations=[other])
    make_meeting(summary="Kazakhfilm in Berlin", event=berlin, organizations=[kazakhfilm])
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    assert pdf.contains("About the project in Berlin")
    assert pdf.contains("Kazakhfilm at Cannes")
    assert not pdf.contains("Someone else at Cannes")
    assert not pdf.contains("Kazakhfilm in Berlin")


def test_memorandum_of_a_party_is_visible_to_its_executive(demo, db, client, login_as):
    memo = demo_memorandum(db)
    login_as("executive", organization=organization(db, "Kazakhfilm"))
    assert client.get(f"/memoranda/{memo.id}/summary.pdf").status_code == 200


def test_memorandum_an_executive_may_not_see_is_404(demo, db, client, login_as):
    memo = demo_memorandum(db)
    login_as("executive", organization=organization(db, "Festival de Cannes"))
    assert client.get(f"/memoranda/{memo.id}/summary.pdf").status_code == 404
    assert client.get("/memoranda/999999/summary.pdf").status_code == 404


def test_archived_memorandum_is_404(make_memorandum, db, client, login_as):
    memo = make_memorandum(archived_at=datetime.now(UTC))
    login_as("admin")
    assert client.get(f"/memoranda/{memo.id}/summary.pdf").status_code == 404


def test_executive_summary_leaves_out_what_they_may_not_see(
        db, make_organization, make_event, make_project, make_memorandum, make_meeting,
        client, login_as, read_pdf):
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    secret = make_organization(name="Secret Partner", local_name=None)
    cannes = make_event()
    # The memorandum names Tokyo New Cinema, its project does not.
    project = make_project(title="Hidden Project", parties=[(secret, PartyRole.COPRODUCER, None)])
    memo = make_memorandum(project_id=project.id, event_id=cannes.id, parties=[tokyo])
    make_meeting(summary="Tokyo at Cannes", event=cannes, organizations=[tokyo])
    make_meeting(summary="Secret talks about the project", event=cannes,
                 organizations=[secret], projects=[project])
    login_as("executive", organization=tokyo)
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    assert pdf.contains("Tokyo at Cannes")
    assert not pdf.contains("Hidden Project")
    assert not pdf.contains("Secret talks")
    assert "No project is linked to this memorandum." in pdf.text


# --- pipeline report ---------------------------------------------------------------------

def test_demo_pipeline_report(demo, client, login_as, read_pdf):
    login_as("staff")
    response = client.get("/reports/pipeline.pdf")
    pdf = read_pdf(response)
    assert re.search(r'filename="?pipeline-report-\d{4}-\d\d-\d\d\.pdf"?',
                     response.headers["Content-Disposition"])
    for text in ("The Horse Thieves", "Жылқы ұрылары", "The Composer", "Aika", "Айка",
                 "Kazakhfilm (Қазақфильм)", "Tokyo New Cinema (東京ニューシネマ)",
                 "Negotiating · 1 project", "MoU signed · 1 project", "Delivered · 1 project",
                 "Development schedule with Tokyo New Cinema", "Filters: none (all projects)",
                 "3 projects"):
        assert pdf.contains(text), text
    # The chart labels every stage, in stage order.
    text = pdf.text
    positions = [text.index(name) for name in ("Lead", "Contacted", "Negotiating", "MoU signed",
                                               "Development", "Financing", "Pre-production")]
    assert positions == sorted(positions)
    assert_fonts_embedded(pdf, cjk=True)
    assert pdf.info["Title"] == "Pipeline report"


def test_pipeline_report_takes_the_boards_filters(demo, db, client, login_as, read_pdf):
    login_as("staff")
    tokyo = organization(db, "Tokyo New Cinema")
    pdf = read_pdf(client.get(f"/reports/pipeline.pdf?organization_id={tokyo.id}&status=active"))
    assert pdf.contains("The Horse Thieves")
    assert not pdf.contains("The Composer")
    assert pdf.contains("Organization: Tokyo New Cinema (東京ニューシネマ); Status: Active")
    pdf = read_pdf(client.get("/reports/pipeline.pdf?q=nothing-matches-this"))
    assert pdf.contains("No projects match these filters.")
    assert pdf.contains("Search: “nothing-matches-this”")


def test_executive_pipeline_report_lacks_projects_they_may_not_see(
        demo, db, client, login_as, read_pdf):
    login_as("executive", organization=organization(db, "Tokyo New Cinema"))
    pdf = read_pdf(client.get("/reports/pipeline.pdf"))
    assert pdf.contains("The Horse Thieves")
    assert not pdf.contains("The Composer")
    assert not pdf.contains("Aika")
    assert pdf.contains("1 project")
    assert pdf.contains("Only the projects Tokyo New Cinema (東京ニューシネマ) is party to.")


def test_a_report_too_large_for_one_document_asks_for_filters(
        demo, db, app, client, login_as, make_user, api_headers, monkeypatch, read_pdf):
    """At festival scale an unfiltered report of 10,000 projects took 8 s and left its
    worker at 250 MB: above CRM_REPORT_MAX_PROJECTS the user is asked to filter."""
    monkeypatch.setitem(app.config, "CRM_REPORT_MAX_PROJECTS", 1)
    active = db.session.scalar(sa.select(sa.func.count()).select_from(Project).where(
        Project.status == "active"))
    assert active > 1
    login_as("staff")
    response = client.get("/reports/pipeline.pdf?status=active")
    assert response.status_code == 302
    assert response.headers["Location"] == "/projects?status=active"  # the filters kept
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"would list {active} projects; one document holds at most 1" in page
    tokyo = organization(db, "Tokyo New Cinema")
    assert read_pdf(client.get(f"/reports/pipeline.pdf?organization_id={tokyo.id}")).contains(
        "The Horse Thieves")  # narrowed: the document comes

    api = client.get("/api/v1/reports/pipeline.pdf", headers=api_headers(make_user("staff")))
    assert api.status_code == 422
    assert api.headers["Content-Type"] == "application/problem+json"
    assert "at most 1" in api.get_json()["errors"]["query"][0]


def test_pipeline_report_of_300_projects_numbers_its_pages(db, client, login_as, read_pdf):
    partner = Organization(name="Kazakhfilm", local_name="Қазақфильм",
                           kind=OrganizationKind.STUDIO, country="KZ")
    tokyo = Organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                         kind=OrganizationKind.PRODUCTION_COMPANY, country="JP")
    stages = [stage(key) for key in ("lead", "negotiating", "development", "delivered")]
    for i in range(300):
        db.session.add(Project(
            title=f"Project {i:03d}", format=ProjectFormat.FEATURE, stage=stages[i % 4],
            next_step="Send the script", next_step_due=date(2018, 6, 1),
            parties=[ProjectParty(organization=partner, role=PartyRole.MAJORITY_COPRODUCER,
                                  share_percent=Decimal("70")),
                     ProjectParty(organization=tokyo, role=PartyRole.MINORITY_COPRODUCER,
                                  share_percent=Decimal("30"))]))
    db.session.commit()
    login_as("executive")
    pdf = read_pdf(client.get("/reports/pipeline.pdf"))
    pages = pdf.pages
    assert pages > 5
    text = pdf.text
    assert f"Page 1 of {pages}" in text
    assert f"Page {pages} of {pages}" in text
    assert f"Page {pages + 1} of" not in text
    assert all(pdf.contains(f"Project {i:03d}") for i in range(300))
    # The header row is repeated on every page the table runs onto.
    assert text.count("Parties and shares") >= pages - 1
    assert_fonts_embedded(pdf, cjk=True)


def test_documents_need_a_sign_in(demo, db, client):
    memo = demo_memorandum(db)
    event = db.session.scalars(sa.select(Event)).first()
    for url in (f"/memoranda/{memo.id}/summary.pdf", "/reports/pipeline.pdf",
                f"/events/{event.id}/meetings.pdf"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/login" in response.headers["Location"]


# --- event meeting log -------------------------------------------------------------------

def cannes(db, year: int) -> Event:
    return db.session.scalars(sa.select(Event).where(
        Event.name == "Festival de Cannes", Event.edition == year)).one()


def test_cannes_2017_meeting_log(demo, db, client, login_as, read_pdf):
    login_as("executive")
    response = client.get(f"/events/{cannes(db, 2017).id}/meetings.pdf")
    pdf = read_pdf(response)
    assert re.search(r'filename="?Festival_de_Cannes_2017-meetings\.pdf"?',
                     response.headers["Content-Disposition"])
    for text in ("Festival de Cannes 2017", "Saturday, 20 May 2017 · 1 meeting", "09:00 UTC",
                 "Shozo Ichiyama (市山尚三)", "Lisa Takeba (竹葉リサ)", "Kazakhfilm (Қазақфильм)",
                 "The Horse Thieves", "Positive", "National Pavilion of Kazakhstan",
                 "Follow-up (Done): Send the script"):
        assert pdf.contains(text), text
    assert not pdf.contains("Signing of the memorandum")  # that was Cannes 2018
    assert_fonts_embedded(pdf, cjk=True)
    assert pdf.info["Title"] == "Meeting log · Festival de Cannes 2017"


def test_meeting_log_groups_by_day_in_time_order(
        db, make_event, make_meeting, make_user, client, login_as, read_pdf):
    event = make_event()
    owner = make_user("staff", name="Dana Pavilion")
    at = lambda d, h: datetime(2018, 5, d, h, tzinfo=UTC)  # noqa: E731
    make_meeting(event=event, occurred_at=at(10, 15), summary="Third meeting")
    make_meeting(event=event, occurred_at=at(9, 9), summary="First meeting")
    make_meeting(event=event, occurred_at=at(10, 8), summary="Second meeting",
                 follow_ups=[FollowUp(description="Send the budget", owner=owner,
                                      due_date=date(2018, 6, 1))])
    login_as("staff")
    pdf = read_pdf(client.get(f"/events/{event.id}/meetings.pdf"))
    text = pdf.text
    order = [text.index(s) for s in ("Wednesday, 9 May 2018 · 1 meeting", "First meeting",
                                     "Thursday, 10 May 2018 · 2 meetings", "Second meeting",
                                     "Third meeting")]
    assert order == sorted(order)
    assert pdf.contains("Follow-up (Open): Send the budget · Dana Pavilion · due 1 Jun 2018")


def test_meeting_log_of_an_event_without_meetings_says_so(make_event, client, login_as, read_pdf):
    event = make_event(name="Almaty Film Festival", edition=2018, city="Almaty", country="KZ")
    login_as("staff")
    pdf = read_pdf(client.get(f"/events/{event.id}/meetings.pdf"))
    assert "No meetings recorded at this event." in pdf.text
    assert_fonts_embedded(pdf, cjk=False)


def test_executive_meeting_log_lists_only_their_meetings(
        db, make_organization, make_event, make_meeting, client, login_as, read_pdf):
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    other = make_organization(name="Other Studio", local_name=None)
    event = make_event()
    make_meeting(event=event, summary="Met Tokyo New Cinema", organizations=[tokyo])
    make_meeting(event=event, summary="Confidential other meeting", organizations=[other])
    login_as("executive", organization=tokyo)
    pdf = read_pdf(client.get(f"/events/{event.id}/meetings.pdf"))
    assert pdf.contains("Met Tokyo New Cinema")
    assert not pdf.contains("Confidential other meeting")
    assert client.get("/events/999999/meetings.pdf").status_code == 404


def test_stage_history_lists_every_move(make_project, make_memorandum, db, client, login_as,
                                        read_pdf):
    project = make_project(stage_key="negotiating")
    lead, negotiating = stage("lead"), stage("negotiating")
    db.session.add_all([
        StageChange(project_id=project.id, to_stage_id=lead.id, note="First met",
                    changed_at=datetime(2017, 5, 20, 9, tzinfo=UTC)),
        StageChange(project_id=project.id, from_stage_id=lead.id, to_stage_id=negotiating.id,
                    changed_at=datetime(2017, 11, 1, 9, tzinfo=UTC))])
    db.session.commit()
    memo = make_memorandum(project_id=project.id)
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    text = pdf.text
    assert pdf.contains("First met")
    assert text.index("20 May 2017, 09:00 UTC") < text.index("1 Nov 2017, 09:00 UTC")


@pytest.mark.parametrize("extra", ["", " 東京ニューシネマ"])
def test_a_table_row_taller_than_a_page_runs_onto_the_next(
        extra, make_project, make_memorandum, make_meeting, client, login_as, read_pdf):
    project = make_project()
    memo = make_memorandum(project_id=project.id)
    words = [f"point{i}" for i in range(2500)]
    make_meeting(summary=" ".join(words) + extra, projects=[project])
    login_as("staff")
    pdf = read_pdf(client.get(f"/memoranda/{memo.id}/summary.pdf"))
    assert pdf.pages >= 3
    assert all(pdf.contains(word) for word in words)


def test_pipeline_report_queries_do_not_grow_with_the_projects(
        db, make_organization, client, login_as):
    kazakhfilm = make_organization()
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    login_as("staff")

    def queries_for_report() -> int:
        count = 0

        def counter(*_args):
            nonlocal count
            count += 1
        sa.event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get("/reports/pipeline.pdf").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", counter)
        return count

    def add_projects(n: int, start: int) -> None:
        lead = stage("lead")
        for i in range(start, start + n):
            db.session.add(Project(
                title=f"Project {i}", format=ProjectFormat.FEATURE, stage=lead,
                parties=[ProjectParty(organization=kazakhfilm, role=PartyRole.COPRODUCER),
                         ProjectParty(organization=tokyo, role=PartyRole.COPRODUCER)]))
        db.session.commit()

    add_projects(3, 0)
    few = queries_for_report()
    add_projects(60, 3)
    assert queries_for_report() == few
