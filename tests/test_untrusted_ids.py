"""Ids typed into a URL or a query string are untrusted text: a superscript digit (which
str.isdigit() accepts and int() refuses), its percent-encoding, or a number beyond any
column answers 200 or 404 (the API: 404, 412 or 422), never 500 (crm.models.parse_id)."""
import pytest

from crm.models import Role

ODD_IDS = ["²", "%C2%B2", "99999999999999999999", "-1", "0", "1.5", "١"]


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("url", [
    "/admin/audit?object_id={}",
    "/people?organization_id={}",
    "/people/new?organization_id={}",
    "/memoranda?organization_id={}&project_id={}&event_id={}",
    "/memoranda/new?project_id={}",
    "/events?year={}",
    "/organizations/{}", "/organizations/{}/edit", "/people/{}", "/people/{}/edit",
    "/events/{}", "/events/{}/edit", "/memoranda/{}", "/memoranda/{}/edit",
    "/admin/users/{}/edit", "/memoranda/{}/attachments/{}",
])
def test_odd_ids_in_pages_are_never_a_server_error(client, login_as, url, odd):
    login_as(Role.ADMIN)
    response = client.get(url.format(odd, odd, odd))
    assert response.status_code in (200, 404), (url, odd, response.status_code)


@pytest.mark.parametrize("odd", ODD_IDS)
@pytest.mark.parametrize("url", [
    "/api/v1/organizations/{}", "/api/v1/people/{}", "/api/v1/events/{}",
    "/api/v1/projects/{}", "/api/v1/memoranda/{}", "/api/v1/meetings/{}", "/api/v1/stages/{}",
    "/api/v1/people?organization_id={}", "/api/v1/memoranda?project_id={}",
])
def test_odd_ids_in_the_api_are_never_a_server_error(client, make_user, api_headers, url, odd):
    headers = api_headers(make_user(Role.ADMIN))
    response = client.get(url.format(odd), headers=headers)
    assert response.status_code in (200, 404, 422), (url, odd, response.status_code)


@pytest.mark.parametrize("odd", ["²", "99999999999999999999", "0", "x"])
def test_an_odd_version_in_if_match_is_stale_not_a_server_error(
        client, make_user, api_headers, make_organization, odd):
    org = make_organization()
    headers = {**api_headers(make_user(Role.ADMIN)), "If-Match": f'"{odd}"'}
    response = client.patch(f"/api/v1/organizations/{org.id}", json={"city": "Almaty"},
                            headers=headers)
    assert response.status_code == 412


def test_the_audit_trail_filters_by_a_plain_object_id(client, db, login_as):
    from crm.organizations.services import create_organization
    from crm.models import OrganizationKind
    org = create_organization({"name": "Kazakhfilm", "kind": OrganizationKind.STUDIO})
    db.session.commit()
    login_as(Role.ADMIN)
    page = client.get(f"/admin/audit?object_type=Organization&object_id={org.id}").get_data(
        as_text=True)
    link = f'href="/organizations/{org.id}">Kazakhfilm</a>'  # the record, named and linked
    assert link in page
    page = client.get(f"/admin/audit?object_type=Organization&object_id={org.id + 1}").get_data(
        as_text=True)
    assert link not in page


@pytest.mark.parametrize("odd", ["99999999999999999999", "0"])
def test_revoking_an_odd_token_id_is_404(client, login_as, odd):
    from tests.conftest import post_form
    login_as(Role.STAFF)
    response = post_form(client, f"/account/tokens/{odd}/revoke", {}, page="/account/tokens")
    assert response.status_code == 404
