"""The interface in the user's language: Accept-Language before sign-in, the picker and
`preferred_language` after it, <html lang>, formats by the locale, documents and the API."""
from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from crm.models import PersonRole, User
from tests.conftest import csrf_token_from, post_form

RU = {"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"}
KK = {"Accept-Language": "kk-KZ,kk;q=0.9"}


def _lang(html: str) -> str:
    return re.search(r'<html lang="([^"]+)"', html).group(1)


@pytest.mark.parametrize("header, language, words", [
    ({"Accept-Language": "kk"}, "kk", "Кіру"),
    ({"Accept-Language": "kk-KZ,ru;q=0.8"}, "kk", "Кіру"),
    ({"Accept-Language": "ru-RU"}, "ru", "Войти"),
    ({"Accept-Language": "de-DE,fr;q=0.9"}, "en", "Sign in"),
    ({}, "en", "Sign in"),
])
def test_before_sign_in_the_browser_language_decides(client, header, language, words):
    html = client.get("/login", headers=header).get_data(as_text=True)
    assert _lang(html) == language
    assert words in html


def test_the_language_picked_on_the_sign_in_page_becomes_the_users_preference(
        client, make_user, db):
    user = make_user("staff")
    html = client.get("/login", headers=RU).get_data(as_text=True)
    assert 'name="language" value="kk"' in html  # the picker is on the sign-in page
    response = client.post("/language", data={"language": "kk", "next": "/login",
                                              "csrf_token": csrf_token_from(html)}, headers=RU)
    assert response.status_code == 302 and response.headers["Location"].endswith("/login")
    html = client.get("/login", headers=RU).get_data(as_text=True)
    assert _lang(html) == "kk"  # the pick outranks the browser
    post_form(client, "/login", {"email": user.email, "password": "correct horse battery"},
              headers=RU)
    db.session.refresh(user)
    assert user.preferred_language == "kk"
    assert _lang(client.get("/", headers=RU).get_data(as_text=True)) == "kk"


def test_after_sign_in_the_users_choice_decides_everything(client, login_as, db):
    user = login_as("staff")
    html = client.get("/", headers=KK).get_data(as_text=True)
    assert _lang(html) == "en"  # the preference, not the browser
    response = client.post("/language", data={"language": "ru", "next": "/pipeline",
                                              "csrf_token": csrf_token_from(html)})
    assert response.headers["Location"].endswith("/pipeline")
    db.session.refresh(user)
    assert user.preferred_language == "ru"
    for url, words in (("/", "Главная"), ("/pipeline", "Воронка"), ("/meetings/new", "встреч")):
        html = client.get(url, headers=KK).get_data(as_text=True)
        assert _lang(html) == "ru" and words in html, url


@pytest.mark.parametrize("data", [{"language": "de"}, {"language": ""}, {}])
def test_an_unknown_language_is_refused_and_nothing_changes(client, login_as, db, data):
    user = login_as("staff")
    html = client.get("/").get_data(as_text=True)
    response = client.post("/language", data={**data, "csrf_token": csrf_token_from(html)})
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.preferred_language == "en"


def test_the_picker_does_not_send_the_browser_elsewhere(client, login_as):
    login_as("staff")
    html = client.get("/").get_data(as_text=True)
    response = client.post("/language", data={"language": "kk", "next": "//evil.example/",
                                              "csrf_token": csrf_token_from(html)})
    assert response.headers["Location"] == "/"


def test_dates_numbers_and_money_follow_the_language(client, login_as, make_project, db,
                                                     make_organization):
    user = login_as("staff")
    project = make_project(title="The Horse Thieves", budget_amount=Decimal("150000000"),
                           budget_currency="JPY")
    other = make_project(title="The Composer", budget_amount=Decimal("1800000.5"),
                         budget_currency="KZT")
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "JP¥150,000,000" in page and "150,000,000.00" not in page  # yen: no minor unit
    assert "₸1,800,000.50" in client.get(f"/projects/{other.id}").get_data(as_text=True)
    user.preferred_language = "ru"
    db.session.commit()
    assert "1\xa0800\xa0000,50\xa0₸" in client.get(f"/projects/{other.id}").get_data(as_text=True)


def test_formats_by_locale_in_all_three_languages(app):
    from crm.formatting import (format_date, format_datetime, format_day, format_money,
                                format_relative, format_share)
    moment = datetime(2018, 5, 14, 10, 0, tzinfo=UTC)
    expected = {
        "en": ("14 May 2018", "Monday, 14 May 2018", "14 May 2018, 12:00 CEST", "12.5\xa0%",
               "US$1,800,000.00", "in 18 days", "3 days ago"),
        "ru": ("14 мая 2018\u202fг.", "понедельник, 14 мая 2018\u202fг.",
               "14 мая 2018\u202fг., 12:00 CEST",
               "12,5\xa0%", "1\xa0800\xa0000,00\xa0$", "через 18 дней", "3 дня назад"),
        "kk": ("2018\u202fж. 14 мам.", "2018\u202fж. 14 мамыр, дүйсенбі",
               "2018\u202fж. 14 мам., 12:00 CEST",
               "12,5\xa0%", "1\xa0800\xa0000,00\xa0$", "18 күннен кейін", "3 күн бұрын"),
    }
    for language, values in expected.items():
        with app.test_request_context(), force_locale(language):
            assert (format_date(moment.date()), format_day(moment.date()),
                    format_datetime(moment, "Europe/Paris"), format_share(Decimal("12.50")),
                    format_money(Decimal("1800000"), "USD"), format_relative(18),
                    format_relative(-3)) == values, language


def test_html_lang_and_the_api_docs_follow_the_browser(client):
    html = client.get("/api/v1/docs", headers=KK).get_data(as_text=True)
    assert _lang(html) == "kk"
    assert 'name="language"' not in html  # no session under /api/: no picker


def test_api_errors_follow_accept_language_and_keep_field_names_and_codes(
        client, make_user, api_headers):
    headers = api_headers(make_user("staff"))
    body = {"title": "x" * 500, "format": "feature", "stage": "development",
            "unknown_field": 1}
    english = client.post("/api/v1/projects", json=body, headers=headers).get_json()
    russian = client.post("/api/v1/projects", json=body, headers={**headers, **RU}).get_json()
    assert english["status"] == russian["status"] == 422
    assert english["type"] == russian["type"]
    assert set(english["errors"]) == set(russian["errors"]) >= {"title", "unknown_field"}
    assert english["title"] == "Invalid input" and russian["title"] != english["title"]
    assert re.search("[а-я]", russian["detail"])
    assert re.search("[а-я]", russian["errors"]["unknown_field"][0])
    assert "200" in russian["errors"]["title"][0] and re.search("[а-я]", russian["errors"]["title"][0])


def test_api_user_object_carries_the_preference_and_it_can_be_changed(
        client, make_user, api_headers, db):
    user = make_user("staff")
    headers = api_headers(user)
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["email"] == user.email and me["preferred_language"] == "en"
    assert client.patch("/api/v1/me", json={"preferred_language": "kk"},
                        headers=headers).status_code == 428  # as every change: the version
    changed = client.patch("/api/v1/me", json={"preferred_language": "kk",
                                               "version": me["version"]}, headers=headers)
    assert changed.status_code == 200 and changed.get_json()["preferred_language"] == "kk"
    refused = client.patch("/api/v1/me", json={"preferred_language": "xx",
                                               "version": me["version"] + 1}, headers=headers)
    assert refused.status_code == 422 and "preferred_language" in refused.get_json()["errors"]
    db.session.refresh(user)
    assert user.preferred_language == "kk"
    # without Accept-Language the API answers in the token owner's language
    problem = client.get("/api/v1/projects/999999", headers=headers).get_json()
    assert re.search("[әғқңөұүі]", problem["title"] + problem["detail"])


def _pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "document.pdf"
    path.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def test_documents_are_in_the_readers_language_or_the_one_asked_for(
        client, login_as, db, tmp_path, make_project, make_event):
    user = login_as("staff")
    user.preferred_language = "ru"
    db.session.commit()
    make_project(title="The Horse Thieves")
    event = make_event(name="Almaty Film Festival", edition="2026",
                       start_date=date(2026, 9, 15), end_date=date(2026, 9, 19))
    text = _pdf_text(client.get("/reports/pipeline.pdf").data, tmp_path)
    assert "Отчёт" in text or "отчёт" in text, text[:300]
    assert "The Horse Thieves" in text  # names are never translated
    text = _pdf_text(client.get("/reports/pipeline.pdf?lang=kk").data, tmp_path)
    assert re.search("[әғқңөұүі]", text), text[:300]
    text = _pdf_text(client.get(f"/events/{event.id}/meetings.pdf").data, tmp_path)
    assert "сент. 2026" in text or "сентября 2026" in text, text[:300]


def test_history_reads_as_sentences_with_names_in_each_language(
        client, login_as, db, make_project, make_organization, make_user):
    from crm.models import AuditEntry
    admin = login_as("admin")
    admin.name = "Dana Pavilion"
    db.session.commit()
    project = make_project(title="The Horse Thieves")
    studio = make_organization(name="Kazakhfilm")
    html = client.get(f"/projects/{project.id}/edit").get_data(as_text=True)
    form = {k: v for k, v in re.findall(r'name="([a-z_]+)"[^>]*value="([^"]*)"', html)}
    response = post_form(client, f"/projects/{project.id}/edit",
                         {"title": "The Horse Thieves", "format": "feature",
                          "status": "active", "budget_amount": "1800000",
                          "budget_currency": "USD", "version": form.get("version", "1")},
                         page=f"/projects/{project.id}/edit")
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Budget set to US$1,800,000.00" in page and "by Dana Pavilion" in page
    assert "budget_amount" not in page
    admin.preferred_language = "ru"
    db.session.commit()
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "1\xa0800\xa0000,00\xa0$" in page and "Dana Pavilion" in page
    audit = client.get("/admin/audit").get_data(as_text=True)
    assert f'href="/projects/{project.id}">The Horse Thieves</a>' in audit
    assert "Dana Pavilion" in audit and "budget_amount" not in audit
    assert "Бюджет: указано 1\xa0800\xa0000,00\xa0$" in audit  # the change, in Russian
    # a meeting's links name the people, not person_ids: [3]
    from crm.history import Describer
    person = db.session.get(User, admin.id)
    with client.application.test_request_context():
        said = Describer([("Meeting", None, {"organization_ids": [None, [studio.id]]})]) \
            .sentences("Meeting", {"organization_ids": [None, [studio.id]]})
    assert said == ["Organizations set to Kazakhfilm"], (said, person)


def test_a_stale_edit_names_the_choices_by_their_labels(client, login_as, make_person, db):
    person = make_person(role=PersonRole.PRODUCER)
    person.role = PersonRole.DIRECTOR  # someone else saved in between: version 2
    db.session.commit()
    user = login_as("staff")
    response = post_form(client, f"/people/{person.id}/edit",
                         {"full_name": "Shozo Ichiyama", "role": "producer", "version": "1"})
    table = re.search(r'<table[^>]*stale-differences.*?</table>',
                      response.get_data(as_text=True), re.S).group(0)
    assert "Director" in table and "Producer" in table
    assert ">director<" not in table and ">producer<" not in table
    user.preferred_language = "ru"
    db.session.commit()
    response = post_form(client, f"/people/{person.id}/edit",
                         {"full_name": "Shozo Ichiyama", "role": "producer", "version": "1"})
    assert "Режиссёр" in response.get_data(as_text=True)


def test_names_sort_by_the_readers_alphabet_and_countries_are_named_in_it(app):
    from crm.collation import sort_key
    from crm.reference import country_name, country_names
    names = ["Яков", "Әлия", "Ермек", "Ёлка", "Қанат", "Канат", "Іңкәр", "Alice"]
    assert sorted(names, key=lambda n: sort_key(n, "kk")) == [
        "Әлия", "Ермек", "Ёлка", "Канат", "Қанат", "Іңкәр", "Яков", "Alice"]
    assert sorted(names, key=lambda n: sort_key(n, "ru"))[:5] == [
        "Ермек", "Ёлка", "Канат", "Яков", "Әлия"]
    assert sorted(names, key=lambda n: sort_key(n, "en"))[0] == "Alice"
    with app.test_request_context(), force_locale("kk"):
        assert country_name("KZ") == "Қазақстан" and country_name("JP") == "Жапония"
    with app.test_request_context(), force_locale("ru"):
        assert country_name("KZ") == "Казахстан"
        ordered = list(country_names("ru").values())
        assert ordered.index("Австрия") < ordered.index("Япония")
    with app.test_request_context():
        assert country_name("KZ") == "Kazakhstan"


def test_follow_ups_say_how_far_off_they_are_in_the_readers_words(
        client, login_as, db, make_meeting):
    from datetime import timedelta
    from crm.models import FollowUp
    user = login_as("staff")
    meeting = make_meeting()
    today = date.today()
    db.session.add_all([
        FollowUp(meeting_id=meeting.id, description="Send the budget", owner_id=user.id,
                 due_date=today + timedelta(days=18)),
        FollowUp(meeting_id=meeting.id, description="Call Tokyo", owner_id=user.id,
                 due_date=today - timedelta(days=3))])
    db.session.commit()
    page = client.get("/meetings/follow-ups").get_data(as_text=True)
    assert "(in 18 days)" in page and "(3 days ago)" in page
    user.preferred_language = "ru"
    db.session.commit()
    page = client.get("/meetings/follow-ups").get_data(as_text=True)
    assert "(через 18 дней)" in page and "(3 дня назад)" in page


@pytest.mark.parametrize("language, cldr", [("en", "en_GB"), ("ru", "ru"), ("kk", "kk")])
def test_compiled_date_formats_say_exactly_what_babel_says(language, cldr):
    from datetime import timedelta
    from babel import dates
    from crm.formatting import _formats
    formats = _formats(language)
    for offset in range(0, 2400, 7):  # every month and weekday over six years
        day = date(2020, 1, 1) + timedelta(days=offset)
        assert formats.medium_date(day) == dates.format_date(day, "medium", locale=cldr)
        assert formats.full_date(day) == dates.format_date(day, "full", locale=cldr)


def test_an_admin_sets_a_new_users_language_and_a_wrong_one_is_refused(client, login_as, db):
    login_as("admin")
    user = {"email": "asel@crm.example", "name": "Әсел", "role": "staff",
            "password": "a long enough password"}
    html = client.get("/admin/users/new").get_data(as_text=True)
    assert '<option value="kk">Қазақша</option>' in html
    refused = post_form(client, "/admin/users/new", {**user, "preferred_language": "xx"})
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert 'id="preferred_language-error"' in page or "Not a valid choice" in page
    assert 'value="asel@crm.example"' in page  # the input is kept
    assert db.session.scalar(sa.select(User).where(User.email == "asel@crm.example")) is None
    saved = post_form(client, "/admin/users/new", {**user, "preferred_language": "kk"})
    assert saved.status_code == 302
    created = db.session.scalar(sa.select(User).where(User.email == "asel@crm.example"))
    assert created.preferred_language == "kk"
