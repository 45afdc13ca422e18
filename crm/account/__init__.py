"""The signed-in user's own settings: for now, their API tokens."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from crm.account import routes  # noqa: E402,F401
