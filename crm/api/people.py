"""/api/v1/people"""
from __future__ import annotations

from flask.views import MethodView

from crm import access, lifecycle
from crm.api import bp
from crm.api.resources import (ETAG, IF_MATCH, IF_MATCH_OPTIONAL, LOCATION, checked_version,
                               created, documents, guarded, no_content, one, optional_version,
                               paginated, stored)
from crm.api.schemas import (PersonCreateSchema, PersonPage, PersonPatchSchema, PersonQuery,
                             PersonSchema)
from crm.models import Person
from crm.people.services import create_person, find_people, update_person

TAGS = ["people"]


@bp.route("/people", endpoint="people", tags=TAGS)
class People(MethodView):
    @bp.arguments(PersonQuery, location="query")
    @bp.response(200, PersonPage)
    @documents(422)
    def get(self, args):
        """List people

        `q` matches the full name, the local name and the email, in any script."""
        return paginated(find_people(args.get("q"), organization_id=args.get("organization_id"),
                                     country=args.get("country"), role=args.get("role")), args)

    @bp.response(201, PersonSchema, headers={**LOCATION, **ETAG})
    @documents(403, 413, 422)
    @guarded(may=access.can_edit)
    @bp.arguments(PersonCreateSchema)
    def post(self, data):
        """Add a person"""
        person = create_person(data)
        stored()
        return created(person, "api.person")


@bp.route("/people/<int:id>", endpoint="person", tags=TAGS)
class PersonItem(MethodView):
    @bp.response(200, PersonSchema, headers=ETAG)
    @documents(404)
    @guarded(Person)
    def get(self, obj):
        """Read a person"""
        return one(obj)

    @bp.response(200, PersonSchema, headers=ETAG)
    @bp.doc(parameters=[IF_MATCH])
    @documents(403, 404, 412, 413, 422, 428)
    @guarded(Person, may=access.can_edit, version_required=True)
    @bp.arguments(PersonPatchSchema)
    def patch(self, data, obj):
        """Change a person

        Only the fields sent change."""
        version = checked_version(obj, data)
        update_person(obj, data, expected_version=version)
        stored()
        return one(obj)

    @bp.response(204)
    @bp.doc(parameters=[IF_MATCH_OPTIONAL])
    @documents(403, 404, 412)
    @guarded(Person, may=access.can_edit)
    def delete(self, obj):
        """Archive a person

        They disappear from lists and searches; an administrator can restore them."""
        lifecycle.archive(obj, optional_version(obj))
        stored()
        return no_content()


@bp.route("/people/<int:id>/restore", endpoint="person_restore", tags=TAGS, methods=["POST"])
@bp.response(200, PersonSchema, headers=ETAG)
@documents(403, 404)
@guarded(Person, may=access.can_administer, include_archived=True)
def restore_person(obj):
    """Restore an archived person (administrators)"""
    lifecycle.restore(obj)
    stored()
    return one(obj)
