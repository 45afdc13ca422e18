"""/api/v1/meetings"""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from crm.api import bp
from crm.api.resources import (archive_method, changed, changing, checked_version, created,
                               creating, listing, paginated, read_method, restore_route)
from crm.api.schemas import (MeetingCreateSchema, MeetingPage, MeetingPatchSchema, MeetingQuery,
                             MeetingSchema)
from crm.meetings.services import (MeetingFilters, archive_meeting, filtered_meetings,
                                   log_meeting, update_meeting, with_list_details)
from crm.models import Meeting

TAGS = ["meetings"]

LINKS = ("organization_ids", "person_ids", "project_ids", "follow_ups")


def current_values(meeting: Meeting) -> dict:
    """A meeting as the services take it: a PATCH changes only what it sends."""
    return {
        "occurred_at": meeting.occurred_at, "event_id": meeting.event_id,
        "location": meeting.location, "summary": meeting.summary, "outcome": meeting.outcome,
        "organization_ids": [o.id for o in meeting.organizations],
        "person_ids": [p.id for p in meeting.people],
        "project_ids": [p.id for p in meeting.projects],
        "follow_ups": [{"id": f.id, "description": f.description, "owner_id": f.owner_id,
                        "due_date": f.due_date, "done": f.done} for f in meeting.follow_ups],
    }


@bp.route("/meetings", endpoint="meetings", tags=TAGS)
class Meetings(MethodView):
    @listing(MeetingQuery, MeetingPage)
    def get(self, args):
        """List meetings

        Newest first. `q` matches the notes and the names of the people, organizations
        and projects met."""
        filters = MeetingFilters(
            event_id=args.get("event_id"), organization_id=args.get("organization_id"),
            person_id=args.get("person_id"), project_id=args.get("project_id"),
            date_from=args.get("date_from"), date_to=args.get("date_to"),
            outcome=args.get("outcome"), q=args.get("q"))
        return paginated(with_list_details(filtered_meetings(filters)), args)

    @creating(MeetingSchema, MeetingCreateSchema)
    def post(self, data):
        """Log a meeting

        The projects discussed count as active (their last activity moves to now)."""
        values = {key: [] for key in LINKS} | data
        meeting = log_meeting(values, logged_by=current_user._get_current_object())
        return created(meeting, "api.meeting")


@bp.route("/meetings/<int:id>", endpoint="meeting", tags=TAGS)
class MeetingItem(MethodView):
    get = read_method(Meeting, MeetingSchema, "Read a meeting, with its follow-ups")

    @changing(Meeting, MeetingSchema, MeetingPatchSchema)
    def patch(self, data, obj):
        """Change a meeting

        Only the fields sent change; a list, when sent, replaces the meeting's
        (follow-ups with an `id` are kept and changed, others added, unlisted ones
        removed)."""
        version = checked_version(obj, data)
        update_meeting(obj, current_values(obj) | data, expected_version=version)
        return changed(obj)

    delete = archive_method(Meeting, """Archive a meeting

        It disappears from lists and timelines; an administrator can restore it.""",
        archive=archive_meeting)


restore_route("/meetings/<int:id>/restore", "meeting_restore", TAGS, Meeting, MeetingSchema,
              "Restore an archived meeting (administrators)")
