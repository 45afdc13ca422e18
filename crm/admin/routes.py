from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from crm import access, lifecycle
from crm.admin import bp
from crm.admin.forms import UserForm
from crm.admin.services import ARCHIVABLE, archived, create_user, update_user
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.forms import submit
from crm.models import AuditEntry, User


@bp.before_request
@login_required
@access.admin_required
def _admins_only():
    """Every page of this blueprint is for administrators."""


@bp.get("/users")
def users():
    rows = db.session.scalars(sa.select(User).options(sa.orm.joinedload(User.organization))
                              .order_by(User.name)).all()
    return render_template("admin/users.html", users=rows)


@bp.route("/users/new", methods=["GET", "POST"])
def create_user_page():
    form = UserForm()

    def save():
        values = form.values()
        if not values["password"]:
            raise ValidationFailed({"password": [_("A new user needs a password.")]})
        return create_user(**values)

    saved, user = submit(form, save)
    if saved:
        flash(_("User %(email)s created.", email=user.email), "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
def edit_user(user_id):
    user = db.get_or_404(User, user_id)
    form = UserForm(obj=user if request.method == "GET" else None)
    if request.method == "GET":
        form.show_organization(user.organization)
        form.version.data = user.version
    saved, _changes = submit(form, lambda: update_user(user, form.values(), form.version.data))
    if saved:
        flash(_("User %(email)s saved.", email=user.email), "success")
        return redirect(url_for(".users"))
    return render_template("admin/user_form.html", form=form, user=user)


@bp.get("/archive")
def archive():
    return render_template("admin/archive.html",
                           groups={kind: archived(kind) for kind in ARCHIVABLE})


@bp.post("/archive/<kind>/<int:object_id>/restore")
def restore(kind, object_id):
    model = ARCHIVABLE.get(kind) or abort(404)
    obj = access.get_or_404(model, object_id, include_archived=True)
    lifecycle.restore(obj)
    flash(_("Restored."), "success")
    return redirect(url_for(".archive"))


@bp.get("/audit")
def audit_trail():
    """The audit trail, newest first, filtered by who, what and when."""
    args = request.args
    stmt = sa.select(AuditEntry)
    if args.get("actor"):
        stmt = stmt.where(AuditEntry.actor_email.contains(args["actor"].strip().lower(),
                                                          autoescape=True))
    if args.get("action"):
        stmt = stmt.where(AuditEntry.action == args["action"])
    if args.get("object_type"):
        stmt = stmt.where(AuditEntry.object_type == args["object_type"])
    if args.get("object_id", "").isdigit():
        stmt = stmt.where(AuditEntry.object_id == int(args["object_id"]))
    for name, compare in (("since", lambda c, d: c >= d), ("until", lambda c, d: c < d)):
        try:
            day = date.fromisoformat(args.get(name, ""))
        except ValueError:
            continue
        bound = datetime.combine(day + timedelta(days=1 if name == "until" else 0), time(), UTC)
        stmt = stmt.where(compare(AuditEntry.at, bound))
    page = db.paginate(stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()),
                       per_page=50, max_per_page=200)
    actions = db.session.scalars(sa.select(AuditEntry.action).distinct().order_by(AuditEntry.action)).all()
    types = db.session.scalars(sa.select(AuditEntry.object_type).where(
        AuditEntry.object_type.is_not(None)).distinct().order_by(AuditEntry.object_type)).all()
    return render_template("admin/audit.html", page=page, actions=actions, types=types,
                           args=args)
