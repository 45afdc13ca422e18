from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from crm import access, lifecycle
from crm.events import bp
from crm.events.forms import EventForm
from crm.events.services import create_event, find_events, update_event
from crm.extensions import db
from crm.forms import submit
from crm.models import Event, parse_id


@bp.get("")
@login_required
def index():
    q = request.args.get("q", "").strip()
    country = request.args.get("country", "").strip().upper() or None
    year = parse_id(request.args.get("year"))
    year = year if year and 1900 <= year <= 2200 else None
    page = db.paginate(find_events(q, country=country, year=year),
                       per_page=current_app.config["PER_PAGE"], max_per_page=100)
    return render_template("events/index.html", page=page, q=q, country=country, year=year)


@bp.get("/<int:event_id>")
@login_required
def detail(event_id):
    event = access.get_or_404(Event, event_id)
    return render_template("events/detail.html", event=event)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = EventForm()
    saved, event = submit(form, lambda: create_event(form.values()))
    if saved:
        flash(_("%(name)s added.", name=event.label), "success")
        return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
@access.editor_required
def edit(event_id):
    event = access.get_or_404(Event, event_id)
    form = EventForm(obj=event if request.method == "GET" else None)
    if request.method == "GET":
        form.version.data = event.version
    saved, _changes = submit(form, lambda: update_event(
        event, form.values(), expected_version=form.version.data))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", event_id=event.id))
    return render_template("events/form.html", form=form, event=event)


@bp.post("/<int:event_id>/archive")
@login_required
@access.editor_required
def archive(event_id):
    event = access.get_or_404(Event, event_id)
    lifecycle.archive(event)
    flash(_("%(name)s archived. An administrator can restore it.", name=event.label), "info")
    return redirect(url_for(".index"))
