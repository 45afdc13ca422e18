"""/api/v1/events"""
from __future__ import annotations

from flask.views import MethodView

from crm.api import bp
from crm.api.resources import (archive_method, changed, changing, checked_version, created,
                               creating, duplicates_conflict, listing, paginated, read_method,
                               restore_route)
from crm.api.schemas import (EventCreateSchema, EventPage, EventPatchSchema, EventQuery,
                             EventSchema)
from crm.events.services import create_event, edition_taken, find_events, update_event
from crm.models import Event

TAGS = ["events"]


def _edition_taken(values: dict, event: Event | None = None):
    """Whether another event has this name and edition: then the service's complaint
    about the edition is a 409."""
    return lambda: edition_taken(values.get("name", event.name if event else None),
                                 values.get("edition", event.edition if event else None), event)


@bp.route("/events", endpoint="events", tags=TAGS)
class Events(MethodView):
    @listing(EventQuery, EventPage)
    def get(self, args):
        """List events

        Newest first. `q` matches the name, year, city and venue."""
        return paginated(find_events(args.get("q"), country=args.get("country"),
                                     year=args.get("year")), args)

    @creating(EventSchema, EventCreateSchema, 409)
    def post(self, data):
        """Add an event

        An edition (name and year) can be recorded once: a second one is a 409."""
        with duplicates_conflict("edition", _edition_taken(data)):
            event = create_event(data)
        return created(event, "api.event")


@bp.route("/events/<int:id>", endpoint="event", tags=TAGS)
class EventItem(MethodView):
    get = read_method(Event, EventSchema, "Read an event")

    @changing(Event, EventSchema, EventPatchSchema, 409)
    def patch(self, data, obj):
        """Change an event

        Only the fields sent change."""
        version = checked_version(obj, data)
        with duplicates_conflict("edition", _edition_taken(data, obj)):
            update_event(obj, data, expected_version=version)
        return changed(obj)

    delete = archive_method(Event, """Archive an event

        It disappears from lists and searches; an administrator can restore it.""")


restore_route("/events/<int:id>/restore", "event_restore", TAGS, Event, EventSchema,
              "Restore an archived event (administrators)")
