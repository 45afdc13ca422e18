"""/api/v1/memoranda, and a memorandum's summary PDF."""
from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy.orm import selectinload

from crm import access
from crm.api import bp
from crm.api.reports import PDF_RESPONSE
from crm.api.resources import (archive_method, changed, changing, check_references,
                               checked_version, created, creating, documents, duplicates_conflict,
                               guarded, listing, paginated, read_method, restore_route)
from crm.api.schemas import (MemorandumCreateSchema, MemorandumPage, MemorandumPatchSchema,
                             MemorandumQuery, MemorandumSchema)
from crm.memoranda.services import (MemorandumFilters, archive_memorandum, create_memorandum,
                                    find_memoranda, normalize_reference, reference_taken,
                                    suggest_reference, update_memorandum)
from crm.models import Event, Memorandum, Project, utcnow

TAGS = ["memoranda"]


def _override() -> bool:
    """Administrators may correct any status, as on the pages (see the workflow)."""
    return access.can_administer(current_user)


def _reference_taken(values: dict, memo: Memorandum | None = None):
    """Whether another memorandum (archived ones included) has this reference: then the
    service's complaint about the reference is a 409."""
    def check() -> bool:
        reference = normalize_reference(values.get("reference"))
        return bool(reference) and reference_taken(reference, memo)
    return check


def _split(data: dict) -> tuple[dict, list | None, list | None]:
    """Body -> the service's (values, parties, terms), with the references it names
    checked (the project and the event must be ones the caller may see)."""
    values = dict(data)
    check_references({"project_id": (Project, values.get("project_id")),
                      "event_id": (Event, values.get("event_id"))})
    return values, values.pop("parties", None), values.pop("terms", None)


@bp.route("/memoranda", endpoint="memoranda", tags=TAGS)
class Memoranda(MethodView):
    @listing(MemorandumQuery, MemorandumPage)
    def get(self, args):
        """List memoranda

        Newest first. `q` matches the reference and the title."""
        filters = MemorandumFilters(
            q=args.get("q"), status=args.get("status"), kind=args.get("kind"),
            organization_id=args.get("organization_id"), project_id=args.get("project_id"),
            event_id=args.get("event_id"), expiring=bool(args.get("expiring")))
        stmt = find_memoranda(filters, today=utcnow().date()).options(
            selectinload(Memorandum.terms), selectinload(Memorandum.attachments))
        return paginated(stmt, args)

    @creating(MemorandumSchema, MemorandumCreateSchema, 409)
    def post(self, data):
        """Add a memorandum

        A reference can be used once (archived memoranda keep theirs): a second one is a
        409. Without a reference, the next free MOU-<year>-<nnn> is given."""
        values, parties, terms = _split(data)
        if "reference" not in values:
            values["reference"] = suggest_reference(utcnow().year)
        with duplicates_conflict("reference", _reference_taken(values)):
            memo = create_memorandum(values, parties or [], terms or [], override=_override())
        return created(memo, "api.memorandum")


@bp.route("/memoranda/<int:id>", endpoint="memorandum", tags=TAGS)
class MemorandumItem(MethodView):
    get = read_method(Memorandum, MemorandumSchema,
                      "Read a memorandum, with its parties and terms")

    @changing(Memorandum, MemorandumSchema, MemorandumPatchSchema, 409)
    def patch(self, data, obj):
        """Change a memorandum

        Only the fields sent change; `parties` or `terms`, when sent, replace the list.
        A change of `status` follows the workflow (administrators may correct any)."""
        version = checked_version(obj, data)
        values, parties, terms = _split(data)
        with duplicates_conflict("reference", _reference_taken(values, obj)):
            update_memorandum(obj, values, parties, terms, expected_version=version,
                              override=_override())
        return changed(obj)

    delete = archive_method(Memorandum, """Archive a memorandum

        It disappears from lists; its reference stays taken; an administrator can restore
        it.""", archive=archive_memorandum)


restore_route("/memoranda/<int:id>/restore", "memorandum_restore", TAGS, Memorandum,
              MemorandumSchema, "Restore an archived memorandum (administrators)")


@bp.route("/memoranda/<int:id>/summary.pdf", endpoint="memorandum_summary", tags=TAGS)
@bp.response(200, **PDF_RESPONSE)
@documents(404)
@guarded(Memorandum)
def memorandum_summary(obj):
    """The memorandum's summary as PDF

    Reference, parties with their signatories, the project with its stage and shares,
    terms, related meetings and stage history (what the caller may see)."""
    # Imported here: a worker that never sends a PDF never loads ReportLab (10 MB).
    from crm.memoranda.pdf import MemorandumSummaryPDF
    from crm.pdf import send_pdf
    return send_pdf(MemorandumSummaryPDF(obj, prepared_for=current_user.name))
