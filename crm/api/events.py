"""/api/v1/events"""
from __future__ import annotations

import sqlalchemy as sa
from flask.views import MethodView

from crm import access, lifecycle
from crm.api import bp
from crm.api.resources import (ETAG, IF_MATCH, IF_MATCH_OPTIONAL, LOCATION, checked_version,
                               created, documents, duplicates_conflict, guarded, no_content, one,
                               optional_version, paginated, stored)
from crm.api.schemas import (EventCreateSchema, EventPage, EventPatchSchema, EventQuery,
                             EventSchema)
from crm.events.services import create_event, find_events, update_event
from crm.extensions import db
from crm.models import Event

TAGS = ["events"]


def _edition_taken(values: dict, event: Event | None = None):
    """Whether another event (archived ones included) has this name and edition: then the
    service's complaint about the edition is a 409."""
    def check() -> bool:
        name = values.get("name", event.name if event else None)
        edition = values.get("edition", event.edition if event else None)
        stmt = sa.select(Event.id).where(Event.name == name, Event.edition == edition)
        if event is not None:
            stmt = stmt.where(Event.id != event.id)
        return db.session.scalar(stmt.execution_options(include_archived=True)) is not None
    return check


@bp.route("/events", endpoint="events", tags=TAGS)
class Events(MethodView):
    @bp.arguments(EventQuery, location="query")
    @bp.response(200, EventPage)
    @documents(422)
    def get(self, args):
        """List events

        Newest first. `q` matches the name, year, city and venue."""
        return paginated(find_events(args.get("q"), country=args.get("country"),
                                     year=args.get("year")), args)

    @bp.response(201, EventSchema, headers={**LOCATION, **ETAG})
    @documents(403, 409, 413, 422)
    @guarded(may=access.can_edit)
    @bp.arguments(EventCreateSchema)
    def post(self, data):
        """Add an event

        An edition (name and year) can be recorded once: a second one is a 409."""
        with duplicates_conflict("edition", _edition_taken(data)):
            event = create_event(data)
        stored()
        return created(event, "api.event")


@bp.route("/events/<int:id>", endpoint="event", tags=TAGS)
class EventItem(MethodView):
    @bp.response(200, EventSchema, headers=ETAG)
    @documents(404)
    @guarded(Event)
    def get(self, obj):
        """Read an event"""
        return one(obj)

    @bp.response(200, EventSchema, headers=ETAG)
    @bp.doc(parameters=[IF_MATCH])
    @documents(403, 404, 409, 412, 413, 422, 428)
    @guarded(Event, may=access.can_edit, version_required=True)
    @bp.arguments(EventPatchSchema)
    def patch(self, data, obj):
        """Change an event

        Only the fields sent change."""
        version = checked_version(obj, data)
        with duplicates_conflict("edition", _edition_taken(data, obj)):
            update_event(obj, data, expected_version=version)
        stored()
        return one(obj)

    @bp.response(204)
    @bp.doc(parameters=[IF_MATCH_OPTIONAL])
    @documents(403, 404, 412)
    @guarded(Event, may=access.can_edit)
    def delete(self, obj):
        """Archive an event

        It disappears from lists and searches; an administrator can restore it."""
        lifecycle.archive(obj, optional_version(obj))
        stored()
        return no_content()


@bp.route("/events/<int:id>/restore", endpoint="event_restore", tags=TAGS, methods=["POST"])
@bp.response(200, EventSchema, headers=ETAG)
@documents(403, 404)
@guarded(Event, may=access.can_administer, include_archived=True)
def restore_event(obj):
    """Restore an archived event (administrators)"""
    lifecycle.restore(obj)
    stored()
    return one(obj)
