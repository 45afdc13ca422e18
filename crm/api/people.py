"""/api/v1/people"""
from __future__ import annotations

from flask.views import MethodView

from crm.api import bp
from crm.api.resources import (archive_method, changed, changing, checked_version, created,
                               creating, listing, paginated, read_method, restore_route)
from crm.api.schemas import (PersonCreateSchema, PersonPage, PersonPatchSchema, PersonQuery,
                             PersonSchema)
from crm.models import Person
from crm.people.services import create_person, find_people, update_person

TAGS = ["people"]


@bp.route("/people", endpoint="people", tags=TAGS)
class People(MethodView):
    @listing(PersonQuery, PersonPage)
    def get(self, args):
        """List people

        `q` matches the full name, the local name and the email, in any script."""
        return paginated(find_people(args.get("q"), organization_id=args.get("organization_id"),
                                     country=args.get("country"), role=args.get("role")), args)

    @creating(PersonSchema, PersonCreateSchema)
    def post(self, data):
        """Add a person"""
        person = create_person(data)
        return created(person, "api.person")


@bp.route("/people/<int:id>", endpoint="person", tags=TAGS)
class PersonItem(MethodView):
    get = read_method(Person, PersonSchema, "Read a person")

    @changing(Person, PersonSchema, PersonPatchSchema)
    def patch(self, data, obj):
        """Change a person

        Only the fields sent change."""
        version = checked_version(obj, data)
        update_person(obj, data, expected_version=version)
        return changed(obj)

    delete = archive_method(Person, """Archive a person

        They disappear from lists and searches; an administrator can restore them.""")


restore_route("/people/<int:id>/restore", "person_restore", TAGS, Person, PersonSchema,
              "Restore an archived person (administrators)")
