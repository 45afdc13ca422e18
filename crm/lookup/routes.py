"""GET /lookup/<kind>?q= : the suggestions of every type-ahead field."""
from __future__ import annotations

from flask import jsonify, request
from flask_login import login_required

from crm.lookup import bp, services


@bp.get("/<any(people, organizations, projects, events):kind>")
@login_required
def names(kind):
    """At most 10 [{id, label, local_name, hint, exact}] whose names contain `q`."""
    return jsonify(services.lookup(kind, request.args.get("q", "")[:200]))
