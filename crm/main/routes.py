from flask import render_template, request
from flask_login import current_user, login_required

from crm.main import bp
from crm.main.services import (PANEL_ROWS, projects_per_stage, recent_meetings,
                               search_everything, stale_projects)
from crm.meetings.services import my_follow_ups
from crm.memoranda.services import expiring_memoranda
from crm.models import utcnow


@bp.get("/")
@login_required
def dashboard():
    today = utcnow().date()
    per_stage = projects_per_stage()
    return render_template("main/dashboard.html", per_stage=per_stage,
                           max_count=max([s.count for s in per_stage] + [1]),
                           follow_ups=my_follow_ups(current_user, today, groups=("overdue", "due"),
                                                    rows=PANEL_ROWS, details=False),
                           meetings=recent_meetings(),
                           expiring=expiring_memoranda(today, PANEL_ROWS), stale=stale_projects())


@bp.get("/search")
@login_required
def search():
    q = request.args.get("q", "").strip()[:200]
    results = search_everything(q) if q else {}
    return render_template("main/search.html", q=q, results=results)
