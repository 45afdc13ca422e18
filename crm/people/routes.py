import sqlalchemy as sa
from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from crm.crud import RecordPages, list_filters, page_of
from crm.extensions import db
from crm.models import Organization, Person, PersonRole, parse_id
from crm.people import bp
from crm.people.forms import PersonForm
from crm.people.services import (create_person, find_people, list_rows, person_credits,
                                 update_person)
from crm.timeline import person_timeline


@bp.get("")
@login_required
def index():
    filters = list_filters(role=PersonRole)
    organization_id = parse_id(request.args.get("organization_id"))
    page, people = page_of(find_people(**filters, organization_id=organization_id,
                                       of=sa.select(Person.id)), list_rows)
    return render_template("people/index.html", page=page, people=people,
                           roles=list(PersonRole), **filters)


def _organization_from_query(form: PersonForm) -> None:
    """/people/new?organization_id=… (from an organization's page) names it already."""
    organization_id = parse_id(request.args.get("organization_id"))
    if organization_id:
        form.show_organization(db.session.get(Organization, organization_id))


RecordPages(
    Person, "person_id", PersonForm, "people/form.html", "person",
    create=create_person, update=update_person, prefill=_organization_from_query,
    detail_template="people/detail.html",
    detail_context=lambda person: {"credits": person_credits(person),
                                   "timeline": person_timeline(person)},
    show=lambda form, person: form.show_organization(person.organization),
    added=lambda person: _("%(name)s added.", name=person.full_name),
    archived=lambda person: _("%(name)s archived. An administrator can restore them.",
                              name=person.full_name),
).register(bp)
