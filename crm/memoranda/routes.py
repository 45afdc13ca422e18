"""Routes of the memoranda area."""
from __future__ import annotations

import os

import sqlalchemy as sa
from flask import (abort, flash, redirect, render_template, request, send_file,
                   url_for)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy.orm import joinedload, selectinload

from crm import access
from crm.crud import page_of
from crm.extensions import db
from crm.forms import submit
from crm.memoranda import bp
from crm.memoranda.forms import (BLANK_PARTY_ROWS, BLANK_TERM_ROWS, AttachmentForm,
                                 MemorandumForm, StatusForm)
from crm.memoranda.services import (MemorandumFilters, add_attachment, archive_memorandum,
                                    attachment_path, change_status, create_memorandum,
                                    download_name, expiry_state, file_kind, filter_options,
                                    list_rows, load_for_detail, memorandum_ids,
                                    next_statuses, suggest_reference, update_memorandum)
from crm.models import (Attachment, Memorandum, MemorandumKind, MemorandumParty,
                        MemorandumStatus, Organization, Project, parse_id, utcnow)
from crm.reference import label


def _today():
    return utcnow().date()


@bp.context_processor
def _helpers():
    return {"expiry_state": expiry_state, "today": _today(), "file_kind": file_kind,
            "file_size": file_size}


def file_size(size: int) -> str:
    if size >= 1024 * 1024:
        return _("%(size).1f MB", size=size / (1024 * 1024))
    return _("%(size)d KB", size=max(1, round(size / 1024)))


def _editable(memorandum_id: int) -> Memorandum:
    return access.get_editable_or_404(Memorandum, memorandum_id)


def _load_parties_and_terms(memo: Memorandum) -> None:
    """Everything the edit form shows, in three statements instead of three per party."""
    party = selectinload(Memorandum.parties)
    db.session.scalars(sa.select(Memorandum).where(Memorandum.id == memo.id).options(
        party.joinedload(MemorandumParty.organization).lazyload(Organization.aliases),
        party.joinedload(MemorandumParty.signatory), selectinload(Memorandum.terms),
        joinedload(Memorandum.project)).execution_options(populate_existing=True)).one()


def _override() -> bool:
    """Administrators may correct any status (see the workflow in services.py)."""
    return access.can_administer(current_user)


# --- list and detail -------------------------------------------------------------------

@bp.get("")
@login_required
def index():
    args = request.args
    status = args.get("status") if args.get("status") in set(MemorandumStatus) else None
    kind = args.get("kind") if args.get("kind") in set(MemorandumKind) else None
    filters = MemorandumFilters(
        q=args.get("q", "").strip()[:200] or None, status=status, kind=kind,
        organization_id=parse_id(args.get("organization_id")),
        project_id=parse_id(args.get("project_id")), event_id=parse_id(args.get("event_id")),
        expiring=args.get("expiring") == "1",
        organization=args.get("organization", "").strip()[:200] or None,
        project=args.get("project", "").strip()[:200] or None)
    page, rows = page_of(memorandum_ids(filters, today=_today()), list_rows)
    return render_template("memoranda/index.html", page=page, rows=rows, filters=filters,
                           statuses=list(MemorandumStatus), kinds=list(MemorandumKind),
                           options=filter_options(filters))


def _detail_page(memo: Memorandum, *, status_form: StatusForm | None = None,
                 attachment_form: AttachmentForm | None = None):
    load_for_detail(memo)
    statuses = next_statuses(memo.status, override=_override())
    if status_form is None:
        status_form = StatusForm(statuses=statuses, formdata=None)
        status_form.version.data = memo.version
        status_form.signed_on.data = memo.signed_on
    return render_template("memoranda/detail.html", memo=memo, status_form=status_form,
                           attachment_form=attachment_form or AttachmentForm(formdata=None))


@bp.get("/<int:memorandum_id>")
@login_required
def detail(memorandum_id):
    return _detail_page(access.get_or_404(Memorandum, memorandum_id))


# --- create and edit -------------------------------------------------------------------

def _form_page(form: MemorandumForm, memo: Memorandum | None):
    return render_template("memoranda/form.html", form=form, memo=memo)


@bp.route("/new", methods=["GET", "POST"])
@login_required
@access.editor_required
def create():
    form = MemorandumForm()
    if request.method == "GET":
        form.reference.data = suggest_reference(_today().year)
        if parse_id(request.args.get("project_id")):
            form.show_project(db.session.get(Project, parse_id(request.args["project_id"])))
        form.pad_rows(BLANK_PARTY_ROWS, BLANK_TERM_ROWS)
        return _form_page(form, None)
    if form.wants_another_row():
        return _form_page(form, None)
    saved, memo = submit(form, lambda: create_memorandum(
        form.values(), form.party_rows(), form.term_rows(), override=_override()))
    if saved:
        flash(_("Memorandum %(reference)s added.", reference=memo.reference), "success")
        return redirect(url_for(".detail", memorandum_id=memo.id))
    form.pad_rows()
    return _form_page(form, None)


@bp.route("/<int:memorandum_id>/edit", methods=["GET", "POST"])
@login_required
def edit(memorandum_id):
    memo = _editable(memorandum_id)
    statuses = [memo.status, *next_statuses(memo.status, override=_override())]
    form = MemorandumForm(memo=memo, statuses=statuses)
    if request.method == "GET":
        _load_parties_and_terms(memo)
        form.fill_from(memo)
        form.pad_rows()
        return _form_page(form, memo)
    if form.wants_another_row():
        return _form_page(form, memo)
    saved, _changes = submit(form, lambda: update_memorandum(
        memo, form.values(), form.party_rows(), form.term_rows(),
        expected_version=form.version.data, override=_override()))
    if saved:
        flash(_("Changes saved."), "success")
        return redirect(url_for(".detail", memorandum_id=memo.id))
    form.pad_rows()
    return _form_page(form, memo)


# --- workflow, archive -----------------------------------------------------------------

@bp.post("/<int:memorandum_id>/status", endpoint="change_status")
@login_required
def change_status_view(memorandum_id):
    memo = _editable(memorandum_id)
    old = memo.status
    form = StatusForm(statuses=next_statuses(memo.status, override=_override()))
    saved, _changes = submit(form, lambda: change_status(
        memo, form.status.data, expected_version=form.version.data,
        signed_on=form.signed_on.data if not memo.signed_on else None, override=_override()))
    if saved:
        flash(_("Status changed from %(old)s to %(new)s.", old=label(old), new=label(memo.status)),
              "success")
        return redirect(url_for(".detail", memorandum_id=memo.id))
    return _detail_page(memo, status_form=form)


@bp.post("/<int:memorandum_id>/archive")
@login_required
def archive(memorandum_id):
    memo = _editable(memorandum_id)
    archive_memorandum(memo)
    flash(_("%(reference)s archived. An administrator can restore it.",
            reference=memo.reference), "info")
    return redirect(url_for(".index"))


# --- attachments -----------------------------------------------------------------------

@bp.post("/<int:memorandum_id>/attachments")
@login_required
def upload_attachment(memorandum_id):
    memo = _editable(memorandum_id)
    form = AttachmentForm()

    def store():
        upload = form.file.data
        return add_attachment(memo, upload.filename or "", upload.read(),
                              uploaded_by_id=current_user.id)

    saved, attachment = submit(form, store)
    if saved:
        flash(_("“%(name)s” attached.", name=attachment.filename), "success")
        return redirect(url_for(".detail", memorandum_id=memo.id) + "#attachments")
    return _detail_page(memo, attachment_form=form)


@bp.get("/<int:memorandum_id>/attachments/<int:attachment_id>")
@login_required
def download_attachment(memorandum_id, attachment_id):
    memo = access.get_or_404(Memorandum, memorandum_id)
    attachment = db.session.scalars(sa.select(Attachment).where(
        Attachment.id == parse_id(attachment_id), Attachment.memorandum_id == memo.id)).first()
    if attachment is None or not os.path.isfile(attachment_path(attachment)):
        abort(404)
    response = send_file(attachment_path(attachment), mimetype=attachment.content_type,
                         as_attachment=True, download_name=download_name(attachment),
                         conditional=True, etag=attachment.sha256, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
