import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm import access, lifecycle
from crm.crud import paginate
from crm.redirects import safe_next
from crm.extensions import db
from crm.forms import submit
from crm.models import PipelineStage, Project, ProjectStatus
from crm.pipeline.services import PipelineFilters, filter_choices, filtered_projects
from crm.projects import bp
from crm.projects.forms import MoveForm, ProjectForm
from crm.projects.services import (create_project, list_page_items, move_to_stage, project_page,
                                   update_project)


@bp.get("")
@login_required
def index():
    filters = PipelineFilters.from_args(request.args)
    stage_key = request.args.get("stage")
    ids = filtered_projects(filters, sa.select(Project.id))
    if stage_key:
        ids = ids.join(Project.stage).where(PipelineStage.key == stage_key)
    page = paginate(ids.order_by(Project.title, Project.id))
    page.items = list_page_items(page.items)
    return render_template("projects/index.html", page=page, filters=filters,
                           statuses=list(ProjectStatus), **filter_choices(filters))


@bp.get("/<int:project_id>")
@login_required
def detail(project_id):
    # The move form, drawn by the template itself (no form object), is for editors only.
    page = project_page(project_id, with_stages=access.can_edit(current_user))
    if page is None:
        abort(404)
    return render_template("projects/detail.html", page=page, project=page.project,
                           stages=page.stages)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = ProjectForm()
    if request.method == "GET" and request.args.get("stage"):
        stage = db.session.scalar(sa.select(PipelineStage.id).where(
            PipelineStage.key == request.args["stage"]))
        form.stage_id.data = stage
    if request.method == "POST" and form.add_blank_row():
        return render_template("projects/form.html", form=form, project=None)
    saved, project = submit(form, lambda: create_project(
        form.values(), form.party_rows(), form.person_rows(), actor=current_user))
    if saved:
        flash(_("Project “%(title)s” added.", title=project.title), "success")
        return redirect(url_for(".detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=None)


@bp.route("/<int:project_id>/edit", methods=["GET", "POST"])
@login_required
def edit(project_id):
    project = access.get_editable_or_404(Project, project_id)
    form = ProjectForm(obj=project if request.method == "GET" else None, editing=True)
    if request.method == "GET":
        form.origin_event_id.data = str(project.origin_event_id or "")
        form.version.data = project.version
        form.fill_rows(project)
    elif form.add_blank_row():
        return render_template("projects/form.html", form=form, project=project)
    saved, _changes = submit(form, lambda: update_project(
        project, form.values(), form.party_rows(), form.person_rows(),
        expected_version=form.version.data))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", project_id=project.id))
    return render_template("projects/form.html", form=form, project=project)


@bp.route("/<int:project_id>/move", methods=["GET", "POST"])
@login_required
def move(project_id):
    """Move to another stage; the plain-form path of the board's drag and drop."""
    project = access.get_editable_or_404(Project, project_id)
    form = MoveForm(stage_id=project.stage_id, version=project.version) \
        if request.method == "GET" else MoveForm()

    def do_move():
        stage = db.session.get(PipelineStage, form.stage_id.data)
        return move_to_stage(project, stage, form.note.data, actor=current_user,
                             expected_version=form.version.data or None)

    saved, change = submit(form, do_move)
    if saved:
        if change is None:
            flash(_("“%(title)s” is already in %(stage)s.", title=project.title,
                    stage=project.stage.label), "info")
        else:
            flash(_("“%(title)s” moved to %(stage)s.", title=project.title,
                    stage=project.stage.label), "success")
        return redirect(safe_next(request.args.get("next"),
                                  url_for(".detail", project_id=project.id)))
    return render_template("projects/move.html", form=form, project=project)


@bp.post("/<int:project_id>/archive")
@login_required
def archive(project_id):
    project = access.get_editable_or_404(Project, project_id)
    lifecycle.archive(project)
    flash(_("“%(title)s” archived. An administrator can restore it.", title=project.title), "info")
    return redirect(url_for(".index"))
