"""People: list and search in every script, create, edit, archive, bad input, stale edits
and what executives may not do."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from crm.models import Person, PersonRole
from tests.conftest import post_form
from tests.pages import field_error, input_value, selected_option, text

NEW_PERSON = {"full_name": "Lisa Takeba", "local_name": "竹葉リサ", "role": "director",
              "position": "Director", "country": "JP", "email": "lisa@tokyonewcinema.example",
              "phone": "+81 3 1234 5678", "notes": "Met at Cannes 2017"}


def people_in_database(db) -> list[Person]:
    db.session.rollback()  # a fresh read (the request committed on its own connection)
    return db.session.scalars(sa.select(Person).execution_options(include_archived=True)).all()


def test_list_shows_names_in_both_scripts_with_organization(client, login_as, make_person,
                                                            make_organization):
    org = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    make_person(organization_id=org.id)
    make_person(full_name="Lisa Takeba", local_name="竹葉リサ", role=PersonRole.DIRECTOR)
    login_as("executive")
    page = text(client.get("/people"))
    for shown in ("Shozo Ichiyama", "市山尚三", "Lisa Takeba", "竹葉リサ", "Tokyo New Cinema",
                  "Producer", "Director", "Japan"):
        assert shown in page


def test_search_by_name_local_name_and_email(client, login_as, make_person):
    ichiyama = make_person(email="ichiyama@tnc.example")
    make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов",
                role=PersonRole.DIRECTOR, country="KZ")
    login_as("staff")
    link = f'href="/people/{ichiyama.id}"'
    for query in ("ichiyama", "SHOZO", "市山", "ichiyama@tnc"):
        page = text(client.get("/people", query_string={"q": query}))
        assert link in page and "Nurmukhambetov" not in page, query
    page = text(client.get("/people", query_string={"q": "ЕРЛАН нұр"}))
    assert "Yerlan Nurmukhambetov" in page and link not in page


def test_filter_by_role_country_and_organization(client, login_as, make_person,
                                                 make_organization):
    org = make_organization()
    make_person(organization_id=None)
    make_person(full_name="Yerlan Nurmukhambetov", local_name=None, role=PersonRole.DIRECTOR,
                country="KZ", organization_id=org.id)
    login_as("staff")
    page = text(client.get("/people?role=director"))
    assert "Yerlan" in page and "Shozo" not in page
    page = text(client.get("/people?country=jp"))
    assert "Shozo" in page and "Yerlan" not in page
    page = text(client.get(f"/people?organization_id={org.id}"))
    assert "Yerlan" in page and "Shozo" not in page


def test_list_is_paginated(client, login_as, make_person):
    for i in range(30):
        make_person(full_name=f"Person {i:02d}", local_name=None)
    login_as("staff")
    first = text(client.get("/people"))
    assert "Person 24" in first and "Person 25" not in first
    second = client.get("/people?page=2")
    assert second.status_code == 200
    assert "Person 29" in text(second) and "Person 00" not in text(second)


def test_detail_shows_both_scripts_and_organization(client, login_as, make_person,
                                                    make_organization):
    org = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    person = make_person(organization_id=org.id, email="ichiyama@tnc.example",
                         position="Producer")
    login_as("executive")
    page = text(client.get(f"/people/{person.id}"))
    for shown in ("Shozo Ichiyama", "市山尚三", "東京ニューシネマ", f'/organizations/{org.id}',
                  "mailto:ichiyama@tnc.example"):
        assert shown in page
    assert client.get("/people/999999").status_code == 404


def test_create_person_linked_to_an_organization(client, db, login_as, make_organization):
    org = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    login_as("staff")
    form_page = text(client.get(f"/people/new?organization_id={org.id}"))
    assert input_value(form_page, "organization") == "Tokyo New Cinema"
    assert input_value(form_page, "organization_id") == str(org.id)
    assert "<option" not in form_page.split('id="organization"')[1].split("</div>")[0]
    response = post_form(client, "/people/new", {**NEW_PERSON, "organization": "Tokyo New Cinema",
                                                 "organization_id": str(org.id)})
    assert response.status_code == 302
    [person] = people_in_database(db)
    assert response.headers["Location"] == f"/people/{person.id}"
    assert (person.full_name, person.local_name, person.role, person.organization_id) == (
        "Lisa Takeba", "竹葉リサ", PersonRole.DIRECTOR, org.id)
    assert "竹葉リサ" in text(client.get(f"/organizations/{org.id}"))


def test_edit_person(client, db, login_as, make_person):
    person = make_person()
    login_as("staff")
    form_page = text(client.get(f"/people/{person.id}/edit"))
    assert input_value(form_page, "full_name") == "Shozo Ichiyama"
    assert input_value(form_page, "version") == "1"
    response = post_form(client, f"/people/{person.id}/edit",
                         {**NEW_PERSON, "full_name": "Shozo Ichiyama", "local_name": "市山尚三",
                          "role": "producer", "position": "Producer, Tokyo New Cinema",
                          "version": "1"})
    assert response.status_code == 302
    [person] = people_in_database(db)
    assert person.position == "Producer, Tokyo New Cinema"
    assert person.email == "lisa@tokyonewcinema.example"
    assert person.version == 2


def test_archive_hides_person(client, db, login_as, make_person):
    person = make_person()
    login_as("staff")
    response = post_form(client, f"/people/{person.id}/archive", {}, page=f"/people/{person.id}")
    assert response.status_code == 302
    listing = text(client.get("/people"))
    assert f'href="/people/{person.id}"' not in listing and "Nobody matches." in listing
    assert client.get(f"/people/{person.id}").status_code == 404
    [stored] = people_in_database(db)
    assert stored.archived_at is not None


def post_new(client, **changes):
    return post_form(client, "/people/new", {**NEW_PERSON, **changes})


def test_malformed_email_is_refused_at_the_field(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, email="lisa(at)tnc"))
    assert "email address" in field_error(page, "email")
    assert input_value(page, "email") == "lisa(at)tnc"
    assert input_value(page, "local_name") == "竹葉リサ"
    assert selected_option(page, "role") == "director"
    assert people_in_database(db) == []


def test_unknown_country_is_refused_at_the_field(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, country="QQ"))
    assert "Unknown country code" in field_error(page, "country")
    assert input_value(page, "full_name") == "Lisa Takeba"
    assert people_in_database(db) == []


def test_the_organization_is_named_by_typing_in_any_script(client, db, login_as,
                                                          make_organization):
    tokyo = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ", country="JP")
    make_organization(name="Tokyo Story Films", country="JP")
    login_as("staff")
    assert post_new(client, organization="東京ニューシネマ").status_code == 302
    [person] = people_in_database(db)
    assert person.organization_id == tokyo.id


@pytest.mark.parametrize("typed, expected", [
    ({"organization": "Nowhere Pictures"}, "Nowhere Pictures"),
    ({"organization_id": "424242"}, "no longer exists"),
])
def test_unknown_organization_is_refused_at_the_field(client, db, login_as, make_organization,
                                                      typed, expected):
    make_organization(name="Tokyo New Cinema", country="JP")
    login_as("staff")
    page = text(post_new(client, **typed))
    assert expected in field_error(page, "organization")
    assert input_value(page, "organization") == typed.get("organization", "")
    assert input_value(page, "full_name") == "Lisa Takeba"
    assert people_in_database(db) == []


def test_bad_phone_and_overlong_name_are_refused(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, phone="call me maybe", full_name="L" * 201))
    assert field_error(page, "phone")
    assert "200" in field_error(page, "full_name")
    assert input_value(page, "phone") == "call me maybe"
    assert people_in_database(db) == []


def test_stale_edit_is_refused(client, db, login_as, make_person):
    person = make_person()
    person.position = "Producer"
    db.session.commit()  # version 2 now
    login_as("staff")
    response = post_form(client, f"/people/{person.id}/edit",
                         {**NEW_PERSON, "full_name": "Shozo Ichiyama (edited)", "version": "1"})
    assert response.status_code == 200
    page = text(response)
    assert "Someone else changed this record" in page
    assert input_value(page, "full_name") == "Shozo Ichiyama (edited)"
    [stored] = people_in_database(db)
    assert (stored.full_name, stored.position, stored.version) == ("Shozo Ichiyama", "Producer", 2)


def test_a_stale_edit_shows_the_organization_they_chose_by_name(client, db, login_as,
                                                              make_person, make_organization):
    tokyo = make_organization(name="Tokyo New Cinema", country="JP")
    kazakhfilm = make_organization(name="Kazakhfilm")
    person = make_person(organization_id=tokyo.id)
    person.organization_id = kazakhfilm.id  # someone else moved them: version 2
    db.session.commit()
    login_as("staff")
    page = text(post_form(client, f"/people/{person.id}/edit", {
        **NEW_PERSON, "organization": "Tokyo New Cinema", "organization_id": str(tokyo.id),
        "version": "1"}))
    table = page.split('class="table table-sm mt-2 mb-0 bg-transparent stale-differences"')[1]
    table = table.split("</table>")[0]
    assert re.search(r">Organization</th><td>Kazakhfilm</td><td>Tokyo New Cinema</td>", table)
    assert "&lt;Organization" not in table and "Organization Id" not in table  # by name


def test_executive_can_view_but_not_change(client, db, login_as, make_person):
    person = make_person()
    login_as("executive")
    assert client.get(f"/people/{person.id}").status_code == 200
    assert "Edit" not in text(client.get(f"/people/{person.id}"))
    page = f"/people/{person.id}"
    assert client.get("/people/new").status_code == 403
    assert post_form(client, "/people/new", NEW_PERSON, page=page).status_code == 403
    assert client.get(f"/people/{person.id}/edit").status_code == 403
    assert post_form(client, f"/people/{person.id}/archive", {}, page=page).status_code == 403
    [stored] = people_in_database(db)
    assert stored.archived_at is None


def test_email_format_is_a_service_rule(db):
    import pytest
    from crm.errors import ValidationFailed
    from crm.models import PersonRole
    from crm.people.services import create_person
    with pytest.raises(ValidationFailed) as failure:
        create_person({"full_name": "Lisa Takeba", "role": PersonRole.DIRECTOR,
                       "email": "lisa at example"})
    assert "email" in failure.value.errors
