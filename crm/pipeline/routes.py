from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from crm import access
from crm.errors import StaleObject, ValidationFailed
from crm.extensions import db
from crm.forms import submit
from crm.models import PipelineStage, ProjectStatus, utcnow
from crm.pipeline import bp
from crm.pipeline.forms import NewStageForm
from crm.pipeline.services import (PipelineFilters, add_stage, board as build_board,
                                   delete_stage, filter_choices, ordered_stages, rename_stage,
                                   shift_stage)
from crm.projects.services import is_stale


@bp.get("")
@login_required
def board():
    filters = PipelineFilters.from_args(request.args)
    return render_template("pipeline/board.html", board=build_board(filters), filters=filters,
                           statuses=list(ProjectStatus), is_stale=is_stale, now=utcnow(),
                           **filter_choices(filters))


@bp.route("/stages", methods=["GET", "POST"])
@login_required
@access.admin_required
def stages():
    form = NewStageForm()
    saved, stage = submit(form, lambda: add_stage(form.key.data, form.name.data,
                                                 name_ru=form.name_ru.data,
                                                 name_kk=form.name_kk.data))
    if saved:
        flash(_("Stage “%(name)s” added at the end.", name=stage.label), "success")
        return redirect(url_for(".stages"))
    return render_template("pipeline/stages.html", stages=ordered_stages(), form=form)


@bp.post("/stages/<int:stage_id>")
@login_required
@access.admin_required
def change_stage(stage_id):
    """Rename, move up or down, or delete one stage (which button was pressed says)."""
    stage = db.session.get(PipelineStage, stage_id) or abort(404)
    try:
        if "up" in request.form or "down" in request.form:
            shift_stage(stage, -1 if "up" in request.form else 1)
        elif "delete" in request.form:
            delete_stage(stage)
        else:
            rename_stage(stage, request.form.get("name") or "",
                         name_ru=request.form.get("name_ru"), name_kk=request.form.get("name_kk"),
                         expected_version=request.form.get("version"))
    except ValidationFailed as failure:
        db.session.rollback()
        for messages in failure.errors.values():
            for message in messages:
                flash(message, "danger")
    except StaleObject:
        db.session.rollback()
        flash(_("Someone else changed this stage meanwhile; check it and try again."), "warning")
    else:
        flash(_("Stages saved."), "success")
    return redirect(url_for(".stages"))
