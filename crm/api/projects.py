"""/api/v1/projects, and moving a project through the pipeline."""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import joinedload, selectinload

from crm import access
from crm.api import bp
from crm.api.resources import (ETAG, IF_MATCH_OPTIONAL, archive_method, changed, changing,
                               checked_version, created, creating, documents, guarded, listing,
                               optional_version, paginated, read_method, restore_route)
from crm.api.schemas import (ProjectCreateSchema, ProjectPage, ProjectPatchSchema, ProjectQuery,
                             ProjectSchema, StageMoveSchema)
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import PipelineStage, Project, StageChange
from crm.pipeline.services import PipelineFilters, filtered_projects
from crm.projects.services import create_project, move_to_stage, update_project

TAGS = ["projects"]


def stage_by_key(key: str, field: str = "stage") -> PipelineStage:
    stage = db.session.scalars(sa.select(PipelineStage).where(PipelineStage.key == key)).first()
    if stage is None:
        raise ValidationFailed({field: [_("No stage has the key “%(key)s”; see /api/v1/stages.",
                                          key=key)]})
    return stage


def pipeline_filters(args: dict) -> PipelineFilters:
    """The board's filters from the query string (already checked by the schema)."""
    return PipelineFilters(organization_id=args.get("organization_id"),
                           country=args.get("country"), event_id=args.get("event_id"),
                           status=args.get("status"), q=args.get("q"))


def with_api_details(stmt: sa.Select) -> sa.Select:
    """Everything a project's JSON shows, in a fixed number of queries for a whole page."""
    return stmt.options(
        joinedload(Project.stage),
        selectinload(Project.parties),
        selectinload(Project.people),
        selectinload(Project.stage_changes).options(joinedload(StageChange.from_stage),
                                                    joinedload(StageChange.to_stage)),
    )


def _split(data: dict) -> tuple[dict, list | None, list | None]:
    """Body -> the service's (values, parties, people)."""
    values = dict(data)
    return values, values.pop("parties", None), values.pop("people", None)


@bp.route("/projects", endpoint="projects", tags=TAGS)
class Projects(MethodView):
    @listing(ProjectQuery, ProjectPage)
    def get(self, args):
        """List projects

        By title. `q` matches the title and the original title; the filters are the
        pipeline board's."""
        stmt = with_api_details(filtered_projects(pipeline_filters(args)))
        if args.get("stage"):
            stmt = stmt.join(Project.stage).where(PipelineStage.key == args["stage"])
        return paginated(stmt.order_by(Project.title, Project.id), args)

    @creating(ProjectSchema, ProjectCreateSchema)
    def post(self, data):
        """Add a project

        It starts in `stage` (default: the first stage), recorded as the first entry of
        its stage history."""
        values, parties, people = _split(data)
        if values.get("stage"):
            values["stage_id"] = stage_by_key(values["stage"]).id
        values.pop("stage", None)
        project = create_project(values, parties or [], people or [],
                                 actor=current_user._get_current_object())
        return created(project, "api.project")


@bp.route("/projects/<int:id>", endpoint="project", tags=TAGS)
class ProjectItem(MethodView):
    get = read_method(Project, ProjectSchema,
                      "Read a project, with its parties, people and stage history",
                      details=with_api_details)

    @changing(Project, ProjectSchema, ProjectPatchSchema)
    def patch(self, data, obj):
        """Change a project

        Only the fields sent change; `parties` or `people`, when sent, replace the list.
        The stage is not changed here: POST to /api/v1/projects/{id}/stage."""
        version = checked_version(obj, data)
        values, parties, people = _split(data)
        update_project(obj, values, parties, people, expected_version=version)
        return changed(obj)

    delete = archive_method(Project, """Archive a project

        It disappears from the pipeline, lists and reports; an administrator can restore
        it.""")


@bp.route("/projects/<int:id>/stage", endpoint="project_stage", tags=TAGS, methods=["POST"])
@bp.response(200, ProjectSchema, headers=ETAG)
@bp.doc(parameters=[IF_MATCH_OPTIONAL])
@documents(403, 404, 412, 413, 422)
@guarded(Project, may=access.can_edit)
@bp.arguments(StageMoveSchema)
def move_project(data, obj):
    """Move a project to another stage

    The move is kept in the project's stage history (from, to, who, when, note). Moving
    to the stage it is in changes nothing. The version (If-Match or `version`) is
    optional here."""
    version = optional_version(obj, data)
    move_to_stage(obj, stage_by_key(data["stage"]), data.get("note"),
                  actor=current_user._get_current_object(), expected_version=version)
    return changed(obj)


restore_route("/projects/<int:id>/restore", "project_restore", TAGS, Project, ProjectSchema,
              "Restore an archived project (administrators)")
