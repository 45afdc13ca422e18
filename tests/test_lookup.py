"""The name look-up, GET /lookup/<kind>?q=: every kind, in any script, as the access layer
allows, and resolving names typed as text (crm.lookup.services)."""
from __future__ import annotations

from datetime import date

import pytest

from crm.lookup.services import match_names, unique_in_order
from crm.models import OrganizationKind, PartyRole, PersonRole


@pytest.fixture
def demo(make_organization, make_person, make_project, make_event):
    kazakhfilm = make_organization(aliases=["Kazakfilm", "Казахфильм"])
    tnc = make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                            kind=OrganizationKind.PRODUCTION_COMPANY, country="JP", city="Tokyo")
    pathe = make_organization(name="Pathé", local_name=None, kind=OrganizationKind.DISTRIBUTOR,
                              country="FR", city="Paris")
    make_person(organization=tnc)
    make_person(full_name="Lisa Takeba", local_name="竹葉リサ", role=PersonRole.DIRECTOR)
    make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов",
                role=PersonRole.DIRECTOR, country="KZ")
    horse = make_project(parties=[(kazakhfilm, PartyRole.MAJORITY_COPRODUCER, 60),
                                  (tnc, PartyRole.MINORITY_COPRODUCER, 40)])
    aika = make_project(title="Aika", original_title="Айка", stage_key="delivered",
                        parties=[(pathe, PartyRole.DISTRIBUTOR, None)])
    make_event()
    make_event(edition=2017, start_date=date(2017, 5, 17), end_date=date(2017, 5, 28))
    make_event(name="Almaty Film Festival", edition=2018, city="Almaty", country="KZ",
               start_date=date(2018, 9, 15), end_date=date(2018, 9, 19), venue=None)
    return {"kazakhfilm": kazakhfilm, "tnc": tnc, "pathe": pathe, "horse": horse, "aika": aika}


def suggest(client, kind: str, q: str):
    return client.get(f"/lookup/{kind}", query_string={"q": q})


@pytest.mark.parametrize(("kind", "q", "expected"), [
    ("people", "市山", "Shozo Ichiyama"),
    ("people", "ICHIYA", "Shozo Ichiyama"),
    ("people", "нұрмұх", "Yerlan Nurmukhambetov"),
    ("people", "ＴＡＫＥＢＡ", "Lisa Takeba"),  # full-width Latin
    ("organizations", "Kazakfilm", "Kazakhfilm"),
    ("organizations", "қазақ", "Kazakhfilm"),
    ("organizations", "КАЗАХФИЛЬМ", "Kazakhfilm"),
    ("organizations", "ニューシネマ", "Tokyo New Cinema"),
    ("organizations", "PATHÉ", "Pathé"),
    ("projects", "horse", "The Horse Thieves"),
    ("projects", "айка", "Aika"),
    ("events", "cannes", "Festival de Cannes 2018"),
    ("events", "almaty", "Almaty Film Festival 2018"),
])
def test_every_kind_is_found_by_any_of_its_names_in_any_script(client, login_as, demo, kind,
                                                                q, expected):
    login_as("staff")

    response = suggest(client, kind, q)

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    results = response.get_json()
    assert expected in [r["label"] for r in results]
    assert set(results[0]) == {"id", "label", "local_name", "hint", "exact"}


def test_suggestions_carry_what_tells_records_apart(client, login_as, demo):
    login_as("staff")

    person = suggest(client, "people", "ichiyama").get_json()[0]
    alias = suggest(client, "organizations", "kazakf").get_json()[0]
    named = suggest(client, "organizations", "kazakhfilm").get_json()[0]
    project = suggest(client, "projects", "aika").get_json()[0]
    events = suggest(client, "events", "cannes").get_json()

    assert person == {"id": person["id"], "label": "Shozo Ichiyama", "local_name": "市山尚三",
                      "hint": "Producer · Tokyo New Cinema", "exact": False}
    assert alias["hint"] == "Studio · KZ · also “Kazakfilm”"
    assert named["hint"] == "Studio · KZ" and named["exact"] is True
    assert project["local_name"] == "Айка" and project["hint"] == "Delivered"
    assert [e["label"] for e in events] == ["Festival de Cannes 2018", "Festival de Cannes 2017"]
    assert events[0]["hint"] == "Cannes · FR" and events[0]["local_name"] is None


def test_at_most_ten_names_those_starting_with_the_text_first(client, login_as, make_person):
    for n in range(12):
        make_person(full_name=f"Anna Kowalska {n:02d}", local_name=None)
    make_person(full_name="Zhanna Kowalska", local_name=None)
    login_as("staff")

    results = suggest(client, "people", "anna").get_json()

    assert len(results) == 10
    assert all(r["label"].startswith("Anna") for r in results)


@pytest.mark.parametrize("q", ["", "   ", "%", "_"])
def test_empty_text_or_wildcards_find_nothing_special(client, login_as, demo, q):
    login_as("staff")

    response = suggest(client, "people", q)

    assert response.status_code == 200
    assert response.get_json() == []


def test_an_executive_is_offered_only_their_organizations_projects(client, login_as, demo):
    login_as("executive", organization=demo["pathe"])

    projects = suggest(client, "projects", "a").get_json()
    horse = suggest(client, "projects", "horse").get_json()

    assert [p["label"] for p in projects] == ["Aika"]
    assert horse == []


def test_archived_records_are_not_offered(client, login_as, demo, db):
    from crm.models import utcnow
    demo["tnc"].archived_at = utcnow()
    db.session.commit()
    login_as("staff")

    assert suggest(client, "organizations", "tokyo").get_json() == []
    # The person is still found; their archived organization is not named.
    assert suggest(client, "people", "ichiyama").get_json()[0]["hint"] == "Producer"


@pytest.mark.parametrize("url", ["/lookup/users?q=a", "/lookup/memoranda?q=a", "/lookup/?q=a",
                                 "/meetings/lookup/people?q=a"])
def test_an_unknown_kind_is_not_found(client, login_as, url):
    login_as("staff")
    assert client.get(url).status_code == 404


def test_the_look_up_needs_a_signed_in_user(client, demo):
    response = suggest(client, "people", "ichi")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_look_up_is_a_constant_number_of_statements(client, login_as, demo, make_person,
                                                      count_queries):
    login_as("staff")
    with count_queries() as few:
        suggest(client, "people", "a")
    for n in range(15):
        make_person(full_name=f"Aigerim {n}", local_name=None, organization=demo["tnc"])
    with count_queries() as many:
        suggest(client, "people", "a")
    assert many.n == few.n


# --- names typed as text ---------------------------------------------------------------

def test_typed_names_resolve_to_one_record_each_or_say_why_not(app, demo, make_user):
    from crm.access import viewing_as
    with app.test_request_context(), viewing_as(make_user("staff")):
        ids, problems = match_names(
            "organizations", "kazakfilm\nTokyo New Cinema, Pathé\nKAZAKHFILM\nNobody Films")

    assert ids == [demo["kazakhfilm"].id, demo["tnc"].id, demo["pathe"].id]
    assert len(problems) == 1 and "“Nobody Films”" in problems[0]


def test_unique_in_order_keeps_the_first_of_each():
    assert unique_in_order([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert unique_in_order(["Anna", "ANNA", "Bo"], key=str.lower) == ["Anna", "Bo"]
    assert unique_in_order(None) == []
