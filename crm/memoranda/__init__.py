from flask import Blueprint

bp = Blueprint("memoranda", __name__, url_prefix="/memoranda")

from crm.memoranda import routes  # noqa: E402,F401
