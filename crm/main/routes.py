from flask import render_template, request
from flask_login import login_required

from crm.main import bp
from crm.main.services import directory_counts, search_everything


@bp.get("/")
@login_required
def dashboard():
    return render_template("main/dashboard.html", counts=directory_counts())


@bp.get("/search")
@login_required
def search():
    q = request.args.get("q", "").strip()[:200]
    results = search_everything(q) if q else {}
    return render_template("main/search.html", q=q, results=results)
