from flask import Blueprint

bp = Blueprint("pipeline", __name__, url_prefix="/pipeline")

from crm.pipeline import routes  # noqa: E402,F401
