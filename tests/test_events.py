"""Events: list and search, create, edit, archive, bad input (dates, duplicates, years),
stale edits and what executives may not do."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from crm.models import Event
from tests.conftest import post_form
from tests.pages import field_error, input_value, text

ALMATY = {"name": "Almaty Film Festival", "edition": "2018", "city": "Almaty", "country": "KZ",
          "start_date": "2018-09-15", "end_date": "2018-09-19",
          "venue": "Main competition “Rapprochement of Cultures”"}


def events_in_database(db) -> list[Event]:
    db.session.rollback()  # a fresh read (the request committed on its own connection)
    return db.session.scalars(sa.select(Event).order_by(Event.id)
                              .execution_options(include_archived=True)).all()


def test_list_shows_events_with_dates_newest_first(client, login_as, make_event):
    make_event(name="Festival de Cannes", edition=2017, start_date=date(2017, 5, 17),
               end_date=date(2017, 5, 28))
    make_event(name="Almaty Film Festival", edition=2018, city="Almaty", country="KZ",
               start_date=date(2018, 9, 15), end_date=date(2018, 9, 19), venue=None)
    login_as("executive")
    page = text(client.get("/events"))
    assert "Almaty Film Festival 2018" in page and "15 Sept 2018" in page and "19 Sept 2018" in page
    assert page.index("Almaty Film Festival 2018") < page.index("Festival de Cannes 2017")


def test_search_and_filters(client, login_as, make_event):
    make_event()
    make_event(name="Almaty Film Festival", edition=2018, city="Almaty", country="KZ",
               start_date=date(2018, 9, 15), end_date=date(2018, 9, 19), venue=None)
    login_as("staff")
    for query in ("almaty", "ALMATY film", "2018"):
        assert "Almaty Film Festival" in text(client.get("/events", query_string={"q": query}))
    page = text(client.get("/events", query_string={"q": "pavilion"}))
    assert "Festival de Cannes" in page and "Almaty" not in page
    page = text(client.get("/events?country=fr"))
    assert "Festival de Cannes" in page and "Almaty Film" not in page
    page = text(client.get("/events?year=2018"))
    assert "Festival de Cannes 2018" in page and "Almaty Film Festival 2018" in page


def test_create_event(client, db, login_as):
    login_as("staff")
    response = post_form(client, "/events/new", ALMATY)
    assert response.status_code == 302
    [event] = events_in_database(db)
    assert response.headers["Location"] == f"/events/{event.id}"
    assert (event.name, event.edition, event.start_date, event.end_date) == (
        "Almaty Film Festival", 2018, date(2018, 9, 15), date(2018, 9, 19))
    page = text(client.get(f"/events/{event.id}"))
    assert "Almaty Film Festival 2018" in page and "Kazakhstan" in page


def test_edit_event(client, db, login_as, make_event):
    event = make_event()
    login_as("staff")
    form_page = text(client.get(f"/events/{event.id}/edit"))
    assert input_value(form_page, "start_date") == "2018-05-08"
    assert input_value(form_page, "version") == "1"
    response = post_form(client, f"/events/{event.id}/edit",
                         {"name": "Festival de Cannes", "edition": "2018", "city": "Cannes",
                          "country": "FR", "start_date": "2018-05-08", "end_date": "2018-05-20",
                          "venue": "Village International", "version": "1"})
    assert response.status_code == 302
    [event] = events_in_database(db)
    assert (event.end_date, event.venue, event.version) == (
        date(2018, 5, 20), "Village International", 2)


def test_archive_hides_event(client, db, login_as, make_event):
    event = make_event()
    login_as("staff")
    response = post_form(client, f"/events/{event.id}/archive", {}, page=f"/events/{event.id}")
    assert response.status_code == 302
    assert "No events match." in text(client.get("/events"))
    assert client.get(f"/events/{event.id}").status_code == 404
    [stored] = events_in_database(db)
    assert stored.archived_at is not None


def test_end_before_start_is_refused_at_the_field(client, db, login_as):
    login_as("staff")
    response = post_form(client, "/events/new", {**ALMATY, "end_date": "2018-09-14"})
    assert response.status_code == 200
    page = text(response)
    assert "before the start date" in field_error(page, "end_date")
    assert input_value(page, "end_date") == "2018-09-14"
    assert input_value(page, "name") == "Almaty Film Festival"
    assert input_value(page, "venue") == ALMATY["venue"]
    assert events_in_database(db) == []


def test_edit_that_moves_the_end_before_the_start_is_refused(client, db, login_as, make_event):
    event = make_event()
    login_as("staff")
    page = text(post_form(client, f"/events/{event.id}/edit",
                          {"name": "Festival de Cannes", "edition": "2018",
                           "start_date": "2018-05-08", "end_date": "2018-05-01",
                           "version": "1"}))
    assert "before the start date" in field_error(page, "end_date")
    [stored] = events_in_database(db)
    assert stored.end_date == date(2018, 5, 19) and stored.version == 1


def test_duplicate_name_and_edition_is_refused(client, db, login_as, make_event):
    make_event(name="Almaty Film Festival", edition=2018, start_date=None, end_date=None)
    login_as("staff")
    page = text(post_form(client, "/events/new", ALMATY))
    assert "already recorded" in field_error(page, "edition")
    assert input_value(page, "edition") == "2018"
    assert len(events_in_database(db)) == 1
    # Another edition of the same festival is fine.
    assert post_form(client, "/events/new", {**ALMATY, "edition": "2019",
                                             "start_date": "", "end_date": ""}).status_code == 302


def test_duplicate_of_an_archived_event_is_refused_too(client, db, login_as, make_event):
    event = make_event(name="Almaty Film Festival", edition=2018)
    login_as("staff")
    post_form(client, f"/events/{event.id}/archive", {}, page=f"/events/{event.id}")
    page = text(post_form(client, "/events/new", ALMATY))
    assert "already recorded" in field_error(page, "edition")
    assert len(events_in_database(db)) == 1


def test_bad_dates_and_years_are_refused(client, db, login_as):
    login_as("staff")
    page = text(post_form(client, "/events/new", {**ALMATY, "edition": "18",
                                                  "start_date": "15/09/2018",
                                                  "country": "Kazakhstan"}))
    assert "1900" in field_error(page, "edition")
    assert field_error(page, "start_date")
    assert field_error(page, "country")
    assert input_value(page, "start_date") == "15/09/2018"
    assert events_in_database(db) == []


def test_overlong_venue_is_refused(client, db, login_as):
    login_as("staff")
    page = text(post_form(client, "/events/new", {**ALMATY, "venue": "V" * 201}))
    assert "200" in field_error(page, "venue")
    assert events_in_database(db) == []


def test_stale_edit_is_refused(client, db, login_as, make_event):
    event = make_event()
    event.venue = "Palais des Festivals"
    db.session.commit()
    login_as("staff")
    response = post_form(client, f"/events/{event.id}/edit",
                         {"name": "Festival de Cannes", "edition": "2018", "city": "Nice",
                          "country": "FR", "version": "1"})
    page = text(response)
    assert response.status_code == 200 and "Someone else changed this record" in page
    assert input_value(page, "city") == "Nice"
    [stored] = events_in_database(db)
    assert (stored.city, stored.venue, stored.version) == ("Cannes", "Palais des Festivals", 2)


def test_executive_can_view_but_not_change(client, db, login_as, make_event):
    event = make_event()
    login_as("executive")
    assert client.get(f"/events/{event.id}").status_code == 200
    page = f"/events/{event.id}"
    assert client.get("/events/new").status_code == 403
    assert post_form(client, "/events/new", ALMATY, page=page).status_code == 403
    assert post_form(client, f"/events/{event.id}/edit", {**ALMATY, "version": "1"},
                     page=page).status_code == 403
    assert post_form(client, f"/events/{event.id}/archive", {}, page=page).status_code == 403
    [stored] = events_in_database(db)
    assert stored.name == "Festival de Cannes" and stored.archived_at is None
