"""The list, record, create, edit and archive pages of a plain record (events,
organizations, people): the same steps everywhere, written once.

Each page does what STYLE.md's thin view does: load the record (404 when the viewer may
not see it), check the role (403, before the record is looked at), validate the form and
call the area's service through `crm.forms.submit`, flash, redirect; bad input renders the
form again with the user's input. An area says only what differs: its form, services,
messages, templates and what else its record page shows, and keeps its own endpoints
(`<area>.detail`, `<area>.create`, `<area>.edit`, `<area>.archive`) and URLs.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_sqlalchemy.pagination import Pagination, SelectPagination
from flask_wtf import FlaskForm
from sqlalchemy.orm import lazyload

from crm import access, lifecycle
from crm.errors import InUse
from crm.extensions import db
from crm.forms import submit
from crm.postgresql import fixed_limit


@dataclass(frozen=True)
class RecordPages:
    """What one area's record pages differ by; `register(bp)` adds the pages to its
    blueprint."""

    model: type
    id_arg: str  # the URL's argument, e.g. "event_id"
    form: type[FlaskForm]
    template: str  # the form page; it gets the form and the record as `record_name`
    record_name: str
    create: Callable[[dict], Any]  # values -> the new record
    update: Callable[..., Any]  # (record, values, expected_version=…)
    added: Callable[[Any], str]  # the flash after creating
    archived: Callable[[Any], str]  # the flash after archiving
    show: Callable[[FlaskForm, Any], None] | None = None  # fill what obj= does not (edit)
    prefill: Callable[[FlaskForm], None] | None = None  # a new record's form from the query
    detail_template: str | None = None  # the record's page, if it is served here
    detail_context: Callable[[Any], dict] | None = None  # what else that page shows
    archive: Callable[[Any], None] = lifecycle.archive  # may refuse with InUse

    def register(self, bp: Blueprint) -> None:
        """`/<id>` (for everyone signed in, when there is a `detail_template`), then `/new`,
        `/<id>/edit` and `/<id>/archive` (for editors) on `bp`."""
        if self.detail_template:
            bp.add_url_rule(f"/<int:{self.id_arg}>", "detail", login_required(self.detail_page),
                            methods=["GET"])
        editors = lambda view: login_required(access.editor_required(view))  # noqa: E731
        bp.add_url_rule("/new", "create", editors(self.create_page), methods=["GET", "POST"])
        bp.add_url_rule(f"/<int:{self.id_arg}>/edit", "edit", editors(self.edit_page),
                        methods=["GET", "POST"])
        bp.add_url_rule(f"/<int:{self.id_arg}>/archive", "archive", editors(self.archive_page),
                        methods=["POST"])

    def detail_page(self, **ids):
        record = access.get_or_404(self.model, ids[self.id_arg])
        extra = self.detail_context(record) if self.detail_context else {}
        return render_template(self.detail_template, **{self.record_name: record}, **extra)

    def _form_page(self, form: FlaskForm, record):
        return render_template(self.template, form=form, **{self.record_name: record})

    def _to_detail(self, record):
        return redirect(url_for(".detail", **{self.id_arg: record.id}))

    def create_page(self):
        form = self.form()
        if request.method == "GET" and self.prefill is not None:
            self.prefill(form)
        saved, record = submit(form, lambda: self.create(form.values()))
        if saved:
            flash(self.added(record), "success")
            return self._to_detail(record)
        return self._form_page(form, None)

    def edit_page(self, **ids):
        record = access.get_or_404(self.model, ids[self.id_arg])
        form = self.form(obj=record if request.method == "GET" else None)
        if request.method == "GET":
            form.version.data = record.version
            if self.show is not None:
                self.show(form, record)
        saved, _changes = submit(form, lambda: self.update(
            record, form.values(), expected_version=form.version.data))
        if saved:
            flash(_("Changes saved."), "success")
            return self._to_detail(record)
        return self._form_page(form, record)

    def archive_page(self, **ids):
        record = access.get_or_404(self.model, ids[self.id_arg])
        try:
            self.archive(record)
        except InUse as refused:
            flash(refused.reason, "danger")
            return self._to_detail(record)
        flash(self.archived(record), "info")
        return redirect(url_for(".index"))


def list_filters(**choices) -> dict:
    """The filters a list takes from its query string: `q` (text), `country` (a code) and,
    for each name given, one value of its enum (None when absent or not one of them)."""
    args = request.args
    filters = {"q": args.get("q", "").strip(),
               "country": args.get("country", "").strip().upper() or None}
    for name, enum_cls in choices.items():
        filters[name] = args.get(name) if args.get(name) in set(enum_cls) else None
    return filters


def paginate(select: sa.Select, *, page: int | None = None, per_page: int | None = None,
             max_per_page: int = 100, error_out: bool = True) -> Pagination:
    """`db.paginate` (the page from the argument, else from `?page=`; its size from the
    argument, else PER_PAGE), with the page's LIMIT and OFFSET written into the SQL
    (`fixed_limit`).
    Sent as parameters they kept PostgreSQL from ever settling on a generic plan: it
    planned every list's page query anew at every request."""
    return _FixedPage(select=select, session=db.session(), page=page,
                      per_page=per_page or current_app.config["PER_PAGE"],
                      max_per_page=max_per_page, error_out=error_out, count=True)


class _FixedPage(SelectPagination):
    def _query_items(self) -> list:
        select = self._query_args["select"].limit(fixed_limit(self.per_page))
        if self._query_offset:
            select = select.offset(fixed_limit(self._query_offset))
        return list(self._query_args["session"].execute(select).unique().scalars())

    def _query_count(self) -> int:
        # As Flask-SQLAlchemy counts, but with the select's execution options (such as
        # `include_archived`): the count is of the same rows as the page.
        select = self._query_args["select"]
        rows = select.options(lazyload("*")).order_by(None).subquery()
        return self._query_args["session"].execute(
            sa.select(sa.func.count()).select_from(rows)
            .execution_options(**select.get_execution_options())).scalar()


def page_of(ids: sa.Select, rows: Callable[[list[int]], list]) -> tuple[Pagination, list]:
    """One page of a list: the page is chosen on ids (`ids`, in the list's order; a deep
    page then skips index entries, not whole rows), then `rows(ids)` reads what it shows."""
    page = paginate(ids)
    return page, rows(page.items) if page.items else []
