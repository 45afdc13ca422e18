"""Finding records by name, app-wide: the type-ahead at /lookup/<kind>, and resolving
names typed as text to records (meetings, memoranda, projects, people, users)."""
from flask import Blueprint

bp = Blueprint("lookup", __name__, url_prefix="/lookup")

from crm.lookup import routes  # noqa: E402,F401
