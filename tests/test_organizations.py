"""Organizations: list and search in every script, create, edit, archive and restore,
bad input and stale edits, and what executives may not do."""
from __future__ import annotations

import sqlalchemy as sa

from crm.models import AuditEntry, Organization, OrganizationKind
from tests.conftest import PASSWORD, post_form
from tests.pages import field_error, input_value, selected_option, text, textarea_value

NEW_ORG = {"name": "Tokyo New Cinema", "local_name": "東京ニューシネマ",
           "kind": "production_company", "country": "JP", "city": "Tokyo",
           "website": "https://tokyonewcinema.example", "aliases": "TNC\nToukyou Nyuu Shinema",
           "notes": "Producer Shozo Ichiyama"}


def login(client, user):
    return post_form(client, "/login", {"email": user.email, "password": PASSWORD})


def organization_count(db) -> int:
    db.session.rollback()  # a fresh read (the request committed on its own connection)
    return db.session.scalar(sa.select(sa.func.count()).select_from(Organization)
                             .execution_options(include_archived=True))


def test_list_shows_names_in_both_scripts(client, login_as, make_organization):
    make_organization(aliases=["Kazakfilm", "Казахфильм"])
    make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                      kind=OrganizationKind.PRODUCTION_COMPANY, country="JP", city="Tokyo")
    login_as("executive")
    page = text(client.get("/organizations"))
    for name in ("Kazakhfilm", "Қазақфильм", "Tokyo New Cinema", "東京ニューシネマ", "Kazakfilm",
                 "Казахфильм"):
        assert name in page
    assert "Kazakhstan" in page and "Japan" in page


def test_search_by_name_local_name_and_alias(client, login_as, make_organization):
    kazakhfilm = make_organization(aliases=["Kazakfilm", "Казахфильм"])
    make_organization(name="Tokyo New Cinema", local_name="東京ニューシネマ",
                      kind=OrganizationKind.PRODUCTION_COMPANY, country="JP")
    login_as("staff")
    detail_link = f'href="/organizations/{kazakhfilm.id}"'
    for query in ("kazakhfilm", "KAZAKH", "қазақ", "ҚАЗАҚФИЛЬМ", "Kazakfilm", "казахфильм"):
        page = text(client.get("/organizations", query_string={"q": query}))
        assert detail_link in page, query
        assert "Tokyo New Cinema" not in page, query
    page = text(client.get("/organizations", query_string={"q": "ニューシネマ"}))
    assert "Tokyo New Cinema" in page and detail_link not in page
    page = text(client.get("/organizations", query_string={"q": "Mosfilm"}))
    assert "No organizations match." in page


def test_search_treats_wildcards_literally(client, login_as, make_organization):
    make_organization()
    login_as("staff")
    assert "No organizations match." in text(client.get("/organizations?q=%25"))
    assert "No organizations match." in text(client.get("/organizations?q=_"))


def test_filter_by_kind_and_country(client, login_as, make_organization):
    make_organization()
    make_organization(name="Festival de Cannes", local_name=None,
                      kind=OrganizationKind.FESTIVAL, country="FR")
    login_as("staff")
    page = text(client.get("/organizations?kind=festival"))
    assert "Festival de Cannes" in page and "Kazakhfilm" not in page
    page = text(client.get("/organizations?country=kz"))
    assert "Kazakhfilm" in page and "Festival de Cannes" not in page


def test_list_is_paginated(client, login_as, make_organization):
    for i in range(30):
        make_organization(name=f"Studio {i:02d}", local_name=None)
    login_as("staff")
    first = text(client.get("/organizations"))
    assert "Studio 00" in first and "Studio 24" in first and "Studio 25" not in first
    assert "30 records" in first
    assert "page=2" in first
    second = client.get("/organizations?page=2")
    assert second.status_code == 200
    page = text(second)
    assert "Studio 25" in page and "Studio 29" in page and "Studio 00" not in page
    assert client.get("/organizations?page=3").status_code == 404


def test_detail_shows_both_scripts_and_aliases(client, login_as, make_organization, make_person):
    org = make_organization(aliases=["Kazakfilm", "Казахфильм"],
                            website="https://kazakhfilmstudios.kz")
    make_person(full_name="Yerlan Nurmukhambetov", local_name="Ерлан Нұрмұхамбетов",
                organization_id=org.id)
    login_as("executive")
    page = text(client.get(f"/organizations/{org.id}"))
    for shown in ("Kazakhfilm", "Қазақфильм", "Kazakfilm, Казахфильм", "Studio", "Kazakhstan",
                  "Almaty", "https://kazakhfilmstudios.kz", "Ерлан Нұрмұхамбетов"):
        assert shown in page
    assert client.get("/organizations/999999").status_code == 404


def test_create_organization(client, db, login_as):
    login_as("staff")
    response = post_form(client, "/organizations/new", NEW_ORG)
    assert response.status_code == 302
    db.session.rollback()  # end the test's read transaction (SQLite WAL reads a snapshot)
    org = db.session.scalars(sa.select(Organization)).one()
    assert response.headers["Location"] == f"/organizations/{org.id}"
    assert (org.name, org.local_name, org.kind, org.country) == (
        "Tokyo New Cinema", "東京ニューシネマ", OrganizationKind.PRODUCTION_COMPANY, "JP")
    assert org.alias_names == ["TNC", "Toukyou Nyuu Shinema"]
    page = text(client.get(response.headers["Location"]))
    assert "東京ニューシネマ" in page and "added" in page
    audit = db.session.scalars(sa.select(AuditEntry)
                               .where(AuditEntry.object_type == "Organization")).one()
    assert audit.action == "create" and audit.actor_email is not None


def test_create_form_has_a_label_for_every_field(client, login_as):
    login_as("staff")
    page = text(client.get("/organizations/new"))
    for field_id in ("name", "local_name", "kind", "country", "city", "website", "aliases",
                     "notes"):
        assert f'for="{field_id}"' in page, field_id


def test_edit_organization(client, db, login_as, make_organization):
    org = make_organization(aliases=["Kazakfilm"])
    login_as("staff")
    form_page = text(client.get(f"/organizations/{org.id}/edit"))
    assert input_value(form_page, "name") == "Kazakhfilm"
    assert textarea_value(form_page, "aliases") == "Kazakfilm"
    assert input_value(form_page, "version") == "1"

    response = post_form(client, f"/organizations/{org.id}/edit",
                         {**NEW_ORG, "name": "Kazakhfilm", "local_name": "Қазақфильм",
                          "kind": "studio", "country": "KZ", "city": "Almaty",
                          "aliases": "Kazakfilm\nКазахфильм", "version": "1"})
    assert response.status_code == 302
    db.session.rollback()
    org = db.session.get(Organization, org.id)
    assert org.alias_names == ["Kazakfilm", "Казахфильм"]
    assert org.website == "https://tokyonewcinema.example"
    assert org.version == 2
    change = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "update")).one()
    assert change.changes["aliases"] == [["Kazakfilm"], ["Kazakfilm", "Казахфильм"]]
    assert "Changes saved." in text(client.get(f"/organizations/{org.id}"))


def test_archive_hides_and_admin_restore_brings_back(app, client, db, login_as, make_user,
                                                    make_organization):
    org = make_organization()
    login_as("staff")
    response = post_form(client, f"/organizations/{org.id}/archive", {},
                         page=f"/organizations/{org.id}")
    assert response.status_code == 302
    assert "archived" in text(client.get("/organizations"))  # the flash message
    listing = text(client.get("/organizations"))
    assert f'href="/organizations/{org.id}"' not in listing and "Kazakhfilm" not in listing
    assert client.get(f"/organizations/{org.id}").status_code == 404
    assert client.get(f"/organizations/{org.id}/edit").status_code == 404
    assert organization_count(db) == 1  # archived, not deleted

    admin = app.test_client()
    assert login(admin, make_user("admin")).status_code == 302
    archive_page = text(admin.get("/admin/archive"))
    assert "Kazakhfilm" in archive_page
    restored = post_form(admin, f"/admin/archive/organizations/{org.id}/restore", {},
                         page="/admin/archive")
    assert restored.status_code == 302
    assert client.get(f"/organizations/{org.id}").status_code == 200
    assert "Kazakhfilm" in text(client.get("/organizations"))
    db.session.rollback()
    actions = db.session.scalars(sa.select(AuditEntry.action)
                                 .where(AuditEntry.object_type == "Organization")).all()
    assert sorted(actions) == ["archive", "restore"]


def test_an_organization_a_live_deal_counts_on_is_not_archived(client, db, login_as,
                                                               make_organization, make_project):
    from crm.models import PartyRole
    org = make_organization()
    make_project(parties=[(org, PartyRole.MAJORITY_COPRODUCER, 60)])
    login_as("staff")

    response = post_form(client, f"/organizations/{org.id}/archive", {},
                         page=f"/organizations/{org.id}", follow_redirects=True)

    page = text(response)
    assert "is a party to deals that are not archived (The Horse Thieves)" in page
    assert client.get(f"/organizations/{org.id}").status_code == 200  # still there


def test_archive_needs_post_and_csrf(client, db, login_as, make_organization):
    org = make_organization()
    login_as("staff")
    assert client.get(f"/organizations/{org.id}/archive").status_code == 405
    assert client.post(f"/organizations/{org.id}/archive").status_code == 400
    assert client.get(f"/organizations/{org.id}").status_code == 200


def post_new(client, **changes):
    return post_form(client, "/organizations/new", {**NEW_ORG, **changes})


def test_unknown_country_code_is_refused_at_the_field(client, db, login_as):
    login_as("staff")
    response = post_new(client, country="XX")
    assert response.status_code == 200
    page = text(response)
    assert "Unknown country code" in field_error(page, "country")
    assert input_value(page, "name") == "Tokyo New Cinema"
    assert input_value(page, "local_name") == "東京ニューシネマ"
    assert textarea_value(page, "aliases") == "TNC\nToukyou Nyuu Shinema"
    assert selected_option(page, "kind") == "production_company"
    assert organization_count(db) == 0


def test_website_must_be_a_url(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, website="tokyonewcinema"))
    assert "https://" in field_error(page, "website")
    assert input_value(page, "website") == "tokyonewcinema"
    assert organization_count(db) == 0


def test_overlong_name_is_refused_and_kept(client, db, login_as):
    login_as("staff")
    long_name = "Қ" * 201
    page = text(post_new(client, name=long_name))
    assert "200" in field_error(page, "name")
    assert input_value(page, "name") == long_name
    assert organization_count(db) == 0


def test_overlong_alias_is_refused(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, aliases="Kazakfilm\n" + "x" * 201))
    assert "200" in field_error(page, "aliases")
    assert organization_count(db) == 0


def test_missing_name_is_refused(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, name="   "))
    assert field_error(page, "name")
    assert input_value(page, "local_name") == "東京ニューシネマ"
    assert organization_count(db) == 0


def test_unknown_kind_is_refused(client, db, login_as):
    login_as("staff")
    page = text(post_new(client, kind="spaceship"))
    assert field_error(page, "kind")
    assert organization_count(db) == 0


def test_stale_edit_is_refused_and_keeps_the_input(client, db, login_as, make_organization):
    org = make_organization(city="Almaty")
    org.city = "Astana"  # someone else saved in between: version 2
    db.session.commit()
    login_as("staff")
    response = post_form(client, f"/organizations/{org.id}/edit",
                         {**NEW_ORG, "name": "Kazakhfilm Studios", "kind": "studio",
                          "country": "KZ", "city": "Almaty", "version": "1"})
    assert response.status_code == 200
    page = text(response)
    assert "Someone else changed this record" in page
    assert input_value(page, "name") == "Kazakhfilm Studios"
    assert input_value(page, "version") == "2"  # saving again overwrites deliberately
    db.session.rollback()
    org = db.session.get(Organization, org.id)
    assert (org.name, org.city, org.version) == ("Kazakhfilm", "Astana", 2)
    assert org.aliases == []


def test_executive_can_view_but_not_change(client, db, login_as, make_organization):
    org = make_organization()
    login_as("executive")
    assert client.get("/organizations").status_code == 200
    assert client.get(f"/organizations/{org.id}").status_code == 200
    page = text(client.get(f"/organizations/{org.id}"))
    assert "Edit" not in page and "Archive" not in page
    assert "New organization" not in text(client.get("/organizations"))
    csrf_page = f"/organizations/{org.id}"
    assert client.get("/organizations/new").status_code == 403
    assert post_form(client, "/organizations/new", NEW_ORG, page=csrf_page).status_code == 403
    assert client.get(f"/organizations/{org.id}/edit").status_code == 403
    assert post_form(client, f"/organizations/{org.id}/edit", {**NEW_ORG, "version": "1"},
                     page=csrf_page).status_code == 403
    assert post_form(client, f"/organizations/{org.id}/archive", {},
                     page=csrf_page).status_code == 403
    db.session.rollback()
    assert db.session.scalars(sa.select(Organization)).one().name == "Kazakhfilm"


def test_service_rules_hold_for_every_caller_not_only_the_form(db):
    """The API and the CLI call the same services: a bad website or an over-long alias is
    refused there too, with the message at the field."""
    import pytest
    from crm.errors import ValidationFailed
    from crm.models import OrganizationKind
    from crm.organizations.services import create_organization
    with pytest.raises(ValidationFailed) as failure:
        create_organization({"name": "Studio", "kind": OrganizationKind.STUDIO,
                             "website": "not a website", "aliases": ["x" * 201]})
    assert set(failure.value.errors) == {"website", "aliases"}


def test_detail_lists_the_latest_projects_and_links_to_all_of_them(
        client, login_as, make_organization, make_project):
    from datetime import UTC, datetime, timedelta

    from crm.models import PartyRole
    from crm.organizations.services import PROJECTS_SHOWN
    org = make_organization()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(PROJECTS_SHOWN + 2):
        make_project(title=f"Deal {n:03d}", parties=[(org, PartyRole.COPRODUCER, None)],
                     last_activity_at=start + timedelta(days=n))
    login_as("staff")
    page = client.get(f"/organizations/{org.id}").get_data(as_text=True)
    assert "Deal 000" not in page and "Deal 001" not in page  # the two least active
    assert all(f"Deal {n:03d}" in page for n in range(2, PROJECTS_SHOWN + 2))
    assert f'href="/projects?organization_id={org.id}"' in page
    assert f"All {PROJECTS_SHOWN + 2} projects of Kazakhfilm" in page
