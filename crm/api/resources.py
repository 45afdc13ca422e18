"""What every collection's routes do the same way: load the record named by the URL
(404 when it does not exist or the caller may not see it), check the caller's role (403),
require and check the version on changes (428, 412), page lists, answer with ETag and
Location, and document the errors each route can answer."""
from __future__ import annotations

import contextlib
import functools
import http
from collections.abc import Callable, Iterator

import sqlalchemy as sa
from flask import Response, abort, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from crm import access, lifecycle
from crm.api import bp
from crm.api.errors import Problem
from crm.api.schemas import ID_MAX, PER_PAGE_MAX
from crm.crud import paginate
from crm.errors import StaleObject, ValidationFailed
from crm.extensions import db
from crm.models import parse_id

# Headers documented on responses.
LOCATION = {"Location": {"description": "The URL of the new record.",
                         "schema": {"type": "string"}}}
ETAG = {"ETag": {"description": "The record's version, quoted: send it back as If-Match.",
                 "schema": {"type": "string"}}}
IF_MATCH = {
    "in": "header", "name": "If-Match", "required": False, "schema": {"type": "string"},
    "description": 'The version you read, as the ETag gave it (e.g. "3"). Required unless the '
                   "body has `version` (else 428). A stale version gets 412 and changes "
                   "nothing.",
}
IF_MATCH_OPTIONAL = {
    **IF_MATCH,
    "description": 'Optional: the version you read, as the ETag gave it (e.g. "3"). A stale '
                   "version gets 412 and changes nothing.",
}

# Errors every route can answer.
_ALWAYS = (401, 429)


def documents(*statuses: int):
    """Document the error responses a route answers (besides 401 and 429), each a problem
    document. A route that takes a body (413) may also answer 415 (not JSON)."""
    statuses = {*statuses, *_ALWAYS, *((415,) if 413 in statuses else ())}

    def decorator(view):
        for status in sorted(statuses, reverse=True):
            view = bp.alt_response(status, response=http.HTTPStatus(status).name)(view)
        return view
    return decorator


def load(model, ident: int, *, include_archived: bool = False, details=None):
    """The visible record with this id, else 404 (never 403: existence is not revealed);
    `details` adds loader options to its statement (what its JSON shows, loaded at once)."""
    if not 0 < ident <= ID_MAX:
        abort(404)
    return access.get_or_404(model, ident, include_archived=include_archived, details=details)


def require(check: Callable[[object], bool]) -> None:
    if not check(current_user):
        raise Problem(403, _("Your role (%(role)s) may not do this.", role=current_user.role))


def guarded(model=None, *, may: Callable[[object], bool] | None = None,
            include_archived: bool = False, version_required: bool = False, details=None):
    """Before the body is parsed: load the record named by the URL's `id` (404) and pass it
    as `obj`, check the role (403), and when `version_required`, check that a version was
    sent at all (428)."""
    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if model is not None:
                kwargs["obj"] = load(model, kwargs.pop("id"), include_archived=include_archived,
                                     details=details)
            if may is not None:
                require(may)
            if version_required and not _version_sent():
                raise Problem(428)
            return view(*args, **kwargs)
        return wrapper
    return decorator


# --- the shapes of a collection's routes: what each documents and checks, written once --

def listing(query_schema, page_schema):
    """A GET of a collection: the query string checked (422), a page of records."""
    def decorator(view):
        view = documents(422)(view)
        view = bp.response(200, page_schema)(view)
        return bp.arguments(query_schema, location="query")(view)
    return decorator


def reading(model, schema, details=None):
    """A GET of one record (404 unless the caller may see it), with its ETag; `details`:
    see `load`."""
    def decorator(view):
        view = guarded(model, details=details)(view)
        view = documents(404)(view)
        return bp.response(200, schema, headers=ETAG)(view)
    return decorator


def read_method(model, schema, doc: str, details=None):
    """A record view's GET that shows the record as it is; `doc` is its OpenAPI summary;
    `details`: see `load`."""
    def get(self, obj):
        return one(obj)
    get.__doc__ = doc
    return reading(model, schema, details)(get)


def creating(schema, body_schema, *statuses: int):
    """A POST that adds a record: editors only (403), the body checked (413, 415, 422),
    201 with Location and ETag."""
    def decorator(view):
        view = bp.arguments(body_schema)(view)
        view = guarded(may=access.can_edit)(view)
        view = documents(403, 413, 422, *statuses)(view)
        return bp.response(201, schema, headers={**LOCATION, **ETAG})(view)
    return decorator


def changing(model, schema, body_schema, *statuses: int):
    """A PATCH of one record: editors only, the version required (428) and checked (412)."""
    def decorator(view):
        view = bp.arguments(body_schema)(view)
        view = guarded(model, may=access.can_edit, version_required=True)(view)
        view = documents(403, 404, 412, 413, 422, 428, *statuses)(view)
        view = bp.doc(parameters=[IF_MATCH])(view)
        return bp.response(200, schema, headers=ETAG)(view)
    return decorator


def archive_method(model, doc: str, archive: Callable = lifecycle.archive,
                   refusable: bool = False):
    """A record view's DELETE: archive it (editors; the version is optional), 204. `doc`
    is the OpenAPI summary, a blank line and the description. `refusable`: `archive` may
    refuse with crm.errors.InUse (409, documented)."""
    def delete(self, obj):
        archive(obj, optional_version(obj))
        stored()
        return no_content()
    delete.__doc__ = doc
    delete = guarded(model, may=access.can_edit)(delete)
    delete = documents(403, 404, 412, *((409,) if refusable else ()))(delete)
    delete = bp.doc(parameters=[IF_MATCH_OPTIONAL])(delete)
    return bp.response(204)(delete)


def restore_route(rule: str, endpoint: str, tags: list[str], model, schema, doc: str) -> None:
    """POST <rule>: an administrator restores an archived record (200 with the record)."""
    def restore(obj):
        lifecycle.restore(obj)
        return changed(obj)
    restore.__doc__ = doc
    restore.__name__ = endpoint
    view = guarded(model, may=access.can_administer, include_archived=True)(restore)
    view = documents(403, 404)(view)
    view = bp.response(200, schema, headers=ETAG)(view)
    bp.route(rule, endpoint=endpoint, tags=tags, methods=["POST"])(view)


def _version_sent() -> bool:
    if request.headers.get("If-Match", "").strip():
        return True
    body = request.get_json(silent=True)
    return isinstance(body, dict) and body.get("version") is not None


def checked_version(obj, data: dict | None = None) -> int:
    """The version the caller read (If-Match and/or `version` in the body), checked
    against `obj`: a stale one raises StaleObject (412). Returns it."""
    sent = []
    if_match = request.if_match
    if if_match.star_tag:
        raise Problem(428, _("If-Match must be the version you read, e.g. If-Match: \"%(v)d\".",
                             v=obj.version))
    sent.extend(if_match.as_set(include_weak=True))
    if data is not None and data.get("version") is not None:
        sent.append(str(data.pop("version")))
    elif data is not None:
        data.pop("version", None)
    if not sent:
        raise Problem(428)
    for version in map(parse_id, sent):  # versions count from 1, like ids
        if version != obj.version:
            raise StaleObject(obj, version)
    return obj.version


def optional_version(obj, data: dict | None = None) -> int | None:
    """As `checked_version`, for changes where sending the version is optional."""
    if not request.headers.get("If-Match", "").strip() and not (data and data.get("version")):
        if data is not None:
            data.pop("version", None)
        return None
    return checked_version(obj, data)


def stored() -> None:
    """After a change: write it (a constraint fails here, inside the handler) and forget
    the loaded values, so that the answer shows the rows as stored (numbers rounded by
    their columns, defaults filled in). The request commits when it ends."""
    db.session.flush()
    db.session.expire_all()


def one(obj, status: int = 200, **headers):
    """A record response, with its version as ETag."""
    return obj, status, {"ETag": f'"{obj.version}"', **headers}


def changed(obj):
    """The answer to a change of `obj`: stored, then shown as stored, with its ETag."""
    stored()
    return one(obj)


def created(obj, endpoint: str):
    """The answer to a new record: stored, then 201 with its Location and ETag."""
    stored()
    return one(obj, 201, Location=url_for(endpoint, id=obj.id))


def no_content() -> Response:
    return Response(status=204)


def paginated(stmt, args: dict) -> dict:
    page = paginate(stmt, page=args["page"], per_page=args["per_page"],
                    max_per_page=PER_PAGE_MAX, error_out=False)
    return {"items": page.items, "page": page.page, "per_page": page.per_page,
            "total": page.total}


@contextlib.contextmanager
def duplicates_conflict(field: str, is_duplicate: Callable[[], bool]) -> Iterator[None]:
    """A service's complaint at `field` about a value that already exists (a memorandum's
    reference, an event's edition) is a 409 Conflict, with the service's messages."""
    try:
        yield
    except ValidationFailed as failure:
        if field in failure.errors and is_duplicate():
            db.session.rollback()
            raise Problem(409, errors={k: [str(m) for m in v]
                                       for k, v in failure.errors.items()}) from failure
        raise


def check_references(references: dict[str, tuple[type, int | None]]) -> None:
    """422 at each field whose id names no record the caller may see."""
    errors = {}
    for field, (model, ident) in references.items():
        if ident is None:
            continue
        found = db.session.scalar(sa.select(model.id).where(model.id == ident))
        if found is None:
            errors[field] = [_("No such record, or it is not shared with you.")]
    if errors:
        raise ValidationFailed(errors)
