import sqlalchemy as sa
from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy.orm import joinedload

from crm import access, lifecycle
from crm.extensions import db
from crm.forms import submit
from crm.models import Organization, OrganizationKind, Project, ProjectParty
from crm.organizations import bp
from crm.timeline import organization_timeline
from crm.organizations.forms import OrganizationForm
from crm.organizations.services import (create_organization, find_organizations,
                                        update_organization)


@bp.get("")
@login_required
def index():
    q = request.args.get("q", "").strip()
    kind = request.args.get("kind") if request.args.get("kind") in set(OrganizationKind) else None
    country = request.args.get("country", "").strip().upper() or None
    page = db.paginate(find_organizations(q, kind=kind, country=country),
                       per_page=current_app.config["PER_PAGE"], max_per_page=100)
    return render_template("organizations/index.html", page=page, q=q, kind=kind,
                           country=country, kinds=list(OrganizationKind))


PROJECTS_SHOWN = 50  # the most recently active; the projects list has them all


@bp.get("/<int:organization_id>")
@login_required
def detail(organization_id):
    org = access.get_or_404(Organization, organization_id)
    theirs = sa.select(ProjectParty.project_id).where(ProjectParty.organization_id == org.id)
    project_count = db.session.scalar(
        sa.select(sa.func.count()).select_from(Project).where(Project.id.in_(theirs)))
    projects = db.session.scalars(
        sa.select(Project).where(Project.id.in_(theirs)).options(joinedload(Project.stage))
        .order_by(Project.last_activity_at.desc(), Project.id.desc())
        .limit(PROJECTS_SHOWN)).all() if project_count else []
    return render_template("organizations/detail.html", org=org, projects=projects,
                           project_count=project_count, timeline=organization_timeline(org))


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = OrganizationForm()
    saved, org = submit(form, lambda: create_organization(form.values()))
    if saved:
        flash(_("Organization “%(name)s” added.", name=org.name), "success")
        return redirect(url_for(".detail", organization_id=org.id))
    return render_template("organizations/form.html", form=form, org=None)


@bp.route("/<int:organization_id>/edit", methods=["GET", "POST"])
@login_required
@access.editor_required
def edit(organization_id):
    org = access.get_or_404(Organization, organization_id)
    form = OrganizationForm(obj=org if request.method == "GET" else None)
    if request.method == "GET":
        form.aliases.data = "\n".join(org.alias_names)
        form.version.data = org.version
    saved, _changes = submit(form, lambda: update_organization(
        org, form.values(), expected_version=form.version.data))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", organization_id=org.id))
    return render_template("organizations/form.html", form=form, org=org)


@bp.post("/<int:organization_id>/archive")
@login_required
@access.editor_required
def archive(organization_id):
    org = access.get_or_404(Organization, organization_id)
    lifecycle.archive(org)
    flash(_("“%(name)s” archived. An administrator can restore it.", name=org.name), "info")
    return redirect(url_for(".index"))
