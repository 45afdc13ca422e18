"""Every page's frame (navigation, asset links, account menu): its URLs are built once per
app and script root, and are exactly what url_for builds."""
import re

from flask import url_for

from crm import templating


def test_frame_links_are_url_for_under_any_script_root(app):
    for root in ("", "/crm", ""):  # back and forth: the kept frame follows the root
        with app.test_request_context("/projects", base_url=f"http://localhost{root}/"):
            frame = templating._frame()
            for name, (endpoint, values) in templating.FRAME_LINKS.items():
                assert frame.links[name] == url_for(endpoint, **values), name
            assert [url for _section, url, _text in frame.navigation] == [
                url_for(endpoint) for endpoint, _text in templating.NAVIGATION]
            assert [url for _section, url, _text in frame.admin_navigation] == [
                url_for(endpoint) for endpoint, _text in templating.ADMIN_NAVIGATION]
            assert f'href="{root}/bootstrap/static/' in frame.links["bootstrap_css"]


def _nav(page: str) -> str:
    return page[page.index('<ul class="navbar-nav me-auto">'):page.index("</form>")]


def _active(nav: str) -> list[str]:
    return re.findall(r'class="nav-link active" aria-current="page" href="([^"]+)"', nav)


def test_navigation_marks_the_section_without_admin_pages_for_staff(client, login_as):
    login_as("staff")
    page = client.get("/projects").get_data(as_text=True)
    nav = _nav(page)
    assert _active(nav) == ["/projects"]
    assert 'href="/pipeline"' in nav and "/admin/" not in nav
    assert 'action="/logout"' in page and 'name="csrf_token"' in page


def test_navigation_shows_admin_pages_to_admins(client, login_as):
    login_as("admin")
    nav = _nav(client.get("/pipeline/stages").get_data(as_text=True))
    for path in ("/admin/users", "/admin/archive", "/admin/audit", "/pipeline/stages"):
        assert f'href="{path}"' in nav, path
    assert _active(nav) == ["/pipeline"]  # the stages page is of the pipeline section
