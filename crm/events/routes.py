from flask import render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from crm.crud import RecordPages, list_filters, paginate
from crm.events import bp
from crm.events.forms import EventForm
from crm.events.services import create_event, find_events, update_event
from crm.models import Event, parse_id


@bp.get("")
@login_required
def index():
    filters = list_filters()
    year = parse_id(request.args.get("year"))
    year = year if year and 1900 <= year <= 2200 else None
    page = paginate(find_events(**filters, year=year))
    return render_template("events/index.html", page=page, year=year, **filters)


RecordPages(
    Event, "event_id", EventForm, "events/form.html", "event",
    create=create_event, update=update_event, detail_template="events/detail.html",
    added=lambda event: _("%(name)s added.", name=event.label),
    archived=lambda event: _("%(name)s archived. An administrator can restore it.",
                             name=event.label),
).register(bp)
