"""/api/v1/organizations"""
from __future__ import annotations

from flask.views import MethodView

from crm.api import bp
from crm.api.resources import (archive_method, changed, changing, checked_version, created,
                               creating, listing, paginated, read_method, restore_route)
from crm.api.schemas import (OrganizationCreateSchema, OrganizationPage, OrganizationPatchSchema,
                             OrganizationQuery, OrganizationSchema)
from crm.models import Organization
from crm.organizations.services import (archive_organization, create_organization,
                                        find_organizations, update_organization)

TAGS = ["organizations"]


@bp.route("/organizations", endpoint="organizations", tags=TAGS)
class Organizations(MethodView):
    @listing(OrganizationQuery, OrganizationPage)
    def get(self, args):
        """List organizations

        `q` matches the name, the local name and the other spellings, in any script."""
        return paginated(find_organizations(args.get("q"), kind=args.get("kind"),
                                            country=args.get("country")), args)

    @creating(OrganizationSchema, OrganizationCreateSchema)
    def post(self, data):
        """Add an organization"""
        org = create_organization({"aliases": [], **data})
        return created(org, "api.organization")


@bp.route("/organizations/<int:id>", endpoint="organization", tags=TAGS)
class OrganizationItem(MethodView):
    get = read_method(Organization, OrganizationSchema, "Read an organization")

    @changing(Organization, OrganizationSchema, OrganizationPatchSchema)
    def patch(self, data, obj):
        """Change an organization

        Only the fields sent change; `aliases`, when sent, replaces the list."""
        version = checked_version(obj, data)
        update_organization(obj, data, expected_version=version)
        return changed(obj)

    delete = archive_method(Organization, """Archive an organization

        It disappears from lists and searches; an administrator can restore it. While a
        deal that is not archived has it as a party, the answer is 409, naming the deals.""",
                            archive=archive_organization, refusable=True)


restore_route("/organizations/<int:id>/restore", "organization_restore", TAGS, Organization,
              OrganizationSchema, "Restore an archived organization (administrators)")
