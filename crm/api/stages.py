"""/api/v1/stages (read-only: administrators edit stages on the pipeline's stages page)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask.views import MethodView

from crm.api import bp
from crm.api.resources import ETAG, documents, listing, one, paginated
from crm.api.schemas import ID_MAX, StagePage, StageQuery, StageSchema
from crm.extensions import db
from crm.models import PipelineStage

TAGS = ["stages"]


@bp.route("/stages", endpoint="stages", tags=TAGS)
class Stages(MethodView):
    @listing(StageQuery, StagePage)
    def get(self, args):
        """List the pipeline stages, in order"""
        return paginated(sa.select(PipelineStage).order_by(PipelineStage.position,
                                                           PipelineStage.id), args)


@bp.route("/stages/<int:id>", endpoint="stage", tags=TAGS)
@bp.response(200, StageSchema, headers=ETAG)
@documents(404)
def stage(id):  # noqa: A002 - the URL's name
    """Read a pipeline stage"""
    found = db.session.get(PipelineStage, id) if 0 < id <= ID_MAX else None
    return one(found or abort(404))
