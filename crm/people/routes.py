import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import selectinload

from crm import access, lifecycle
from crm.extensions import db
from crm.forms import submit
from crm.models import Organization, Person, PersonRole, Project, ProjectPerson, parse_id
from crm.people import bp
from crm.timeline import person_timeline
from crm.people.forms import PersonForm
from crm.people.services import create_person, find_people, update_person


@bp.get("")
@login_required
def index():
    q = request.args.get("q", "").strip()
    role = request.args.get("role") if request.args.get("role") in set(PersonRole) else None
    country = request.args.get("country", "").strip().upper() or None
    organization_id = parse_id(request.args.get("organization_id"))
    page = db.paginate(find_people(q, organization_id=organization_id, country=country, role=role),
                       per_page=current_app.config["PER_PAGE"], max_per_page=100)
    return render_template("people/index.html", page=page, q=q, role=role, country=country,
                           roles=list(PersonRole))


@bp.get("/<int:person_id>")
@login_required
def detail(person_id):
    person = access.get_or_404(Person, person_id)
    credits = db.session.scalars(
        sa.select(ProjectPerson).join(Project).where(ProjectPerson.person_id == person.id)
        .options(selectinload(ProjectPerson.project).selectinload(Project.stage))
        .order_by(Project.title)).all()
    return render_template("people/detail.html", person=person, credits=credits,
                           timeline=person_timeline(person))


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = PersonForm()
    if request.method == "GET" and parse_id(request.args.get("organization_id")):
        form.show_organization(db.session.get(Organization, parse_id(request.args["organization_id"])))
    saved, person = submit(form, lambda: create_person(form.values()))
    if saved:
        flash(_("%(name)s added.", name=person.full_name), "success")
        return redirect(url_for(".detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=None)


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
@login_required
@access.editor_required
def edit(person_id):
    person = access.get_or_404(Person, person_id)
    form = PersonForm(obj=person if request.method == "GET" else None)
    if request.method == "GET":
        form.show_organization(person.organization)
        form.version.data = person.version
    saved, _changes = submit(form, lambda: update_person(
        person, form.values(), expected_version=form.version.data))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", person_id=person.id))
    return render_template("people/form.html", form=form, person=person)


@bp.post("/<int:person_id>/archive")
@login_required
@access.editor_required
def archive(person_id):
    person = access.get_or_404(Person, person_id)
    lifecycle.archive(person)
    flash(_("%(name)s archived. An administrator can restore them.", name=person.full_name), "info")
    return redirect(url_for(".index"))
