from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm import access, lifecycle, mail
from crm.admin import bp
from crm.admin.forms import InviteAgainForm, InviteForm, UserForm
from crm.admin.services import (ARCHIVABLE, all_users, archived, audit_entries,
                                audit_filter_choices, create_user, invite_again, invite_user,
                                update_user)
from crm.auth.services import LIFETIMES, invitation_link, invitation_message
from crm.crud import paginate
from crm.errors import ValidationFailed
from crm.forms import submit
from crm.history import Describer, action_label
from crm.models import PasswordTokenPurpose, User
from crm.redirects import safe_next

INVITATION_DAYS = LIFETIMES[PasswordTokenPurpose.INVITATION].days


@bp.before_request
@login_required
@access.admin_required
def _admins_only():
    """Every page of this blueprint is for administrators."""


@bp.get("/users")
def users():
    return render_template("admin/users.html", users=all_users())


@bp.route("/users/new", methods=["GET", "POST"])
def create_user_page():
    form = UserForm()
    saved, user = submit(form, lambda: create_user(**form.values()))
    if saved:
        flash(_("User %(email)s created.", email=user.email), "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/invite", methods=["GET", "POST"])
def invite_user_page():
    """Invite someone by email: they choose their own password through the link."""
    form = InviteForm()
    saved, invited = submit(form, lambda: invite_user(**form.values()))
    if saved:
        user, secret = invited
        return _send_invitation(user, secret)
    return render_template("admin/invite.html", form=form, mail_configured=mail.is_configured())


@bp.post("/users/<int:user_id>/invitation")
def invite_again_page(user_id):
    """A new invitation for a user who has not chosen a password (the older one stops
    working): it was lost, or expired."""
    user = access.get_or_404(User, user_id)
    if not InviteAgainForm().validate_on_submit():
        abort(400)
    try:
        secret = invite_again(user)
    except ValidationFailed as failure:
        for messages in failure.errors.values():
            for message in messages:
                flash(message, "warning")
        return redirect(url_for(".edit_user", user_id=user.id))
    return _send_invitation(user, secret)


def _send_invitation(user: User, secret: str):
    """Mail the invitation now, so the administrator learns whether it went; when it
    cannot go, show its link to pass on some other way (this response only: it is
    stored nowhere)."""
    problem = None
    if mail.is_configured():
        try:
            mail.send(invitation_message(user, secret, current_user._get_current_object()))
        except mail.MailNotSent as error:
            problem = str(error)
            current_app.logger.error("invitation to %s was not sent: %s", user.email, problem)
        else:
            flash(_("Invitation sent to %(email)s. The link in it works for %(days)d days.",
                    email=user.email, days=INVITATION_DAYS), "success")
            return redirect(url_for(".users"))
    return render_template("admin/invitation_link.html", user=user, link=invitation_link(secret),
                           problem=problem, days=INVITATION_DAYS)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id):
    user = access.get_or_404(User, user_id)  # users are not archivable nor restricted
    form = UserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.show_organization(user.organization)
        form.version.data = user.version
    saved, _changes = submit(form, lambda: update_user(user, form.values(), form.version.data))
    if saved:
        flash(_("User %(email)s saved.", email=user.email), "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user,
                           invite_again_form=InviteAgainForm())


ARCHIVE_SHOWN = 10  # of each kind on the archive page; ?kind= pages through one kind
ARCHIVE_PER_PAGE = 50


@bp.get("/archive")
def archive():
    """The most recently archived rows of every kind, each kind's count and a link to all
    of them; `?kind=` pages through one kind."""
    kind = request.args.get("kind")
    if kind is None:
        groups = {key: paginate(archived(key), page=1, per_page=ARCHIVE_SHOWN,
                                max_per_page=ARCHIVE_SHOWN) for key in ARCHIVABLE}
    elif kind in ARCHIVABLE:
        groups = {kind: paginate(archived(kind), per_page=ARCHIVE_PER_PAGE,
                                 max_per_page=ARCHIVE_PER_PAGE)}
    else:
        abort(404)
    return render_template("admin/archive.html", groups=groups, kind=kind)


@bp.post("/archive/<kind>/<int:object_id>/restore")
def restore(kind, object_id):
    model = ARCHIVABLE.get(kind) or abort(404)
    obj = access.get_or_404(model, object_id, include_archived=True)
    lifecycle.restore(obj)
    flash(_("Restored."), "success")
    return redirect(safe_next(request.form.get("next"), url_for(".archive")))


@bp.get("/audit")
def audit_trail():
    """The audit trail, newest first, filtered by who, what and when."""
    page = paginate(audit_entries(request.args), per_page=50, max_per_page=200)
    actions, types = audit_filter_choices()
    # the records and people the page mentions, named (one query per kind of record)
    describer = Describer([(e.object_type, e.object_id, e.changes) for e in page.items] +
                          [("User", e.actor_id, None) for e in page.items if e.actor_id])
    return render_template("admin/audit.html", page=page, actions=actions, types=types,
                           args=request.args, describer=describer, action_label=action_label)
