"""Routes of the meetings area: the fast log, the list with its filters, a meeting's page,
and "my follow-ups". (The type-ahead the log form uses is crm.lookup's.)"""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from flask_wtf.csrf import generate_csrf

from crm import access
from crm.formatting import format_datetime
from crm.forms import submit
from crm.lookup.services import summaries_by_ids
from crm.meetings import bp, services
from crm.meetings.forms import FollowUpForm, MeetingForm
from crm.models import FollowUp, Meeting, MeetingOutcome, parse_id, utcnow
from crm.redirects import safe_next
from crm.templating import url_with
from crm.timezones import meeting_timezone


@bp.app_template_filter("meeting_time")
def meeting_time(meeting: Meeting) -> str:
    """When a meeting took place, in the time zone of its event (Cannes: Paris time)."""
    return format_datetime(meeting.occurred_at, meeting_timezone(meeting))


@bp.get("")
@login_required
def index():
    filters = services.MeetingFilters.from_args(request.args)
    number = _page_argument("page", 1)
    per_page = min(_page_argument("per_page", current_app.config["PER_PAGE"]), 100)
    page = services.meeting_page(filters, number, per_page)
    if not page.items and number > 1:
        abort(404)
    return render_template("meetings/index.html", page=page, filters=filters,
                           events=services.event_choices(), outcomes=list(MeetingOutcome),
                           named=_named_filters(filters), filter_links=_filter_links(),
                           t={"only_with": _("Only meetings with %(name)s"),
                              "only_about": _("Only meetings about %(title)s")})


def _page_argument(name: str, default: int) -> int:
    """?page= or ?per_page=: a positive number, else not found (as db.paginate answers)."""
    if name not in request.args:
        return default
    return parse_id(request.args[name]) or abort(404)


def _filter_links() -> dict[str, str]:
    """The start of a row's "only meetings with …" links, made once per page: the current
    filters with that one set (the id is appended) and back to the first page."""
    links = {}
    for arg in ("person_id", "organization_id", "project_id"):
        base = url_with(**{arg: None, "page": None})
        links[arg] = f"{base}{'&' if '?' in base else '?'}{arg}="
    return links


def _named_filters(filters: services.MeetingFilters) -> list[tuple[str, str, dict | None]]:
    """(query argument, what it is, the record's names) of the id filters in use."""
    named = []
    for arg, kind in (("person_id", "people"), ("organization_id", "organizations"),
                      ("project_id", "projects")):
        ident = getattr(filters, arg)
        if ident:
            found = summaries_by_ids(kind, [ident])
            named.append((arg, kind, found[0] if found else None))
    return named


@bp.get("/<int:meeting_id>")
@login_required
def detail(meeting_id):
    meeting = services.meeting_for_page(meeting_id) or abort(404)
    return render_template("meetings/detail.html", meeting=meeting, today=utcnow().date(),
                           t=follow_up_labels())


def follow_up_labels() -> dict[str, str]:
    """What every follow-up of a list shares (templates/meetings/_parts.html), looked up
    once per page rather than once per follow-up."""
    return {"done": _("Done"), "reopen": _("Reopen"), "due_today": _("Due today"),
            "no_date": _("No due date"), "meeting": _("Meeting"),
            "done_on": _("Done %(when)s"), "overdue_since": _("Overdue since %(date)s"),
            "due_on": _("Due %(date)s"), "with_who": _("with %(who)s"),
            "csrf_token": generate_csrf() if access.can_edit(current_user) else "",
            "next": request.full_path if request.query_string else request.path}


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = MeetingForm(current_user=current_user._get_current_object())
    if request.method == "GET":
        form.set_defaults(_requested_event(form) or services.default_event(utcnow().date()),
                          utcnow())
        _prefill_links(form)
    elif "add_follow_up" in request.form:  # "Add another follow-up" without JavaScript
        form.add_row()
        return _render_form(form, None)
    saved, meeting = submit(form, lambda: services.log_meeting(
        form.values(), logged_by=current_user._get_current_object()))
    if saved:
        if request.form.get("another"):
            flash(_("Meeting logged. Log the next one below."), "success")
            return redirect(url_for(".create", event_id=meeting.event_id))
        flash(_("Meeting logged."), "success")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    return _render_form(form, None)


@bp.route("/<int:meeting_id>/edit", methods=["GET", "POST"])
@login_required
def edit(meeting_id):
    meeting = access.get_editable_or_404(Meeting, meeting_id)
    form = MeetingForm(current_user=current_user._get_current_object(), meeting=meeting)
    if request.method == "GET":
        form.load(meeting)
    elif "add_follow_up" in request.form:
        form.add_row()
        return _render_form(form, meeting)
    saved, _changes = submit(form, lambda: services.update_meeting(
        meeting, form.values(), expected_version=form.version.data))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", meeting_id=meeting.id))
    return _render_form(form, meeting)


def _render_form(form: MeetingForm, meeting: Meeting | None):
    form.prepare_to_render()
    form.load_chips()
    row_template = FollowUpForm(prefix="follow_ups-__index__-")
    form.prepare_row_form(row_template)
    return render_template("meetings/form.html", form=form, meeting=meeting,
                           row_template=row_template)


def _requested_event(form: MeetingForm):
    """?event_id= (after "Save and log another": the next meeting is at the same event)."""
    event_id = parse_id(request.args.get("event_id"))
    return next((e for e in form.events if e.id == event_id), None)


def _prefill_links(form: MeetingForm) -> None:
    """?person_id=&organization_id=&project_id= ("Log a meeting" from a record's page)."""
    for arg, field in (("person_id", form.person_ids), ("organization_id", form.organization_ids),
                       ("project_id", form.project_ids)):
        field.data = [i for i in map(parse_id, request.args.getlist(arg)) if i is not None]


@bp.post("/<int:meeting_id>/archive")
@login_required
def archive(meeting_id):
    meeting = access.get_editable_or_404(Meeting, meeting_id)
    services.archive_meeting(meeting)
    flash(_("Meeting archived. An administrator can restore it."), "info")
    return redirect(url_for(".index"))


@bp.get("/follow-ups")
@login_required
def follow_ups():
    today = utcnow().date()
    expand = request.args.get("more")
    groups = services.my_follow_ups(current_user._get_current_object(), today,
                                    expand=expand if expand in services.OPEN_GROUPS else None)
    return render_template("meetings/follow_ups.html", groups=groups, today=today,
                           t=follow_up_labels())


@bp.post("/follow-ups/<int:follow_up_id>/done")
@login_required
@access.editor_required
def complete_follow_up(follow_up_id):
    return _change_follow_up(follow_up_id, services.complete_follow_up,
                             _("Done: %(what)s"), "success")


@bp.post("/follow-ups/<int:follow_up_id>/reopen")
@login_required
@access.editor_required
def reopen_follow_up(follow_up_id):
    return _change_follow_up(follow_up_id, services.reopen_follow_up,
                             _("Open again: %(what)s"), "info")


def _change_follow_up(follow_up_id: int, change, message: str, category: str):
    """Done or reopen a follow-up of a visible, unarchived meeting (404 otherwise), then
    back where the button was (a local path only), else to "My follow-ups"."""
    follow_up = access.get_or_404(FollowUp, follow_up_id)
    if follow_up.meeting is None or follow_up.meeting.is_archived:
        abort(404)
    change(follow_up)
    flash(message % {"what": follow_up.description}, category)
    return redirect(safe_next(request.form.get("next"), url_for(".follow_ups")))
