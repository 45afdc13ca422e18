"""One guard for every `next`: local paths only, whatever a browser would make of them."""
import pytest

from crm.redirects import is_local_path, safe_next
from tests.conftest import PASSWORD, post_form


@pytest.mark.parametrize("target", [
    "/projects/7", "/meetings/follow-ups?more=due", "/search?q=%D2%9B%D0%B0%D0%B7", "/"])
def test_local_paths_are_kept(target):
    assert is_local_path(target)


@pytest.mark.parametrize("target", [
    None, "", "projects/7", "//evil.example", "/\\evil.example", "/\t/evil.example",
    "/\n/evil.example", "/\r\nSet-Cookie: x=1", "https://evil.example/", "javascript:alert(1)",
    "/ /evil.example", "/\x00", "/\x7f", "\\\\evil.example"])
def test_anything_a_browser_could_read_as_another_site_is_refused(target):
    assert not is_local_path(target)


def test_safe_next_falls_back_to_the_dashboard(app):
    with app.test_request_context():
        assert safe_next("/\t/evil.example") == "/"
        assert safe_next("//evil.example", "/meetings") == "/meetings"
        assert safe_next("/people/3") == "/people/3"


@pytest.mark.parametrize("next_param, expected", [
    ("/organizations", "/organizations"), ("/%09/evil.example", "/%09/evil.example"),
    ("//evil.example", "/"), ("/\t/evil.example", "/"), ("/\n", "/")])
def test_sign_in_goes_only_to_local_pages(client, make_user, next_param, expected):
    user = make_user("staff")
    response = post_form(client, "/login", {"email": user.email, "password": PASSWORD},
                         query_string={"next": next_param}, page="/login")
    assert response.status_code == 302
    assert response.headers["Location"] == expected
