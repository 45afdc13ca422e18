"""/api/v1/organizations"""
from __future__ import annotations

from flask.views import MethodView

from crm import access, lifecycle
from crm.api import bp
from crm.api.resources import (ETAG, IF_MATCH, IF_MATCH_OPTIONAL, LOCATION, checked_version,
                               created, documents, guarded, no_content, one, optional_version,
                               paginated, stored)
from crm.api.schemas import (OrganizationCreateSchema, OrganizationPage, OrganizationPatchSchema,
                             OrganizationQuery, OrganizationSchema)
from crm.models import Organization
from crm.organizations.services import (create_organization, find_organizations,
                                        update_organization)

TAGS = ["organizations"]


@bp.route("/organizations", endpoint="organizations", tags=TAGS)
class Organizations(MethodView):
    @bp.arguments(OrganizationQuery, location="query")
    @bp.response(200, OrganizationPage)
    @documents(422)
    def get(self, args):
        """List organizations

        `q` matches the name, the local name and the other spellings, in any script."""
        return paginated(find_organizations(args.get("q"), kind=args.get("kind"),
                                            country=args.get("country")), args)

    @bp.response(201, OrganizationSchema, headers={**LOCATION, **ETAG})
    @documents(403, 413, 422)
    @guarded(may=access.can_edit)
    @bp.arguments(OrganizationCreateSchema)
    def post(self, data):
        """Add an organization"""
        org = create_organization({"aliases": [], **data})
        stored()
        return created(org, "api.organization")


@bp.route("/organizations/<int:id>", endpoint="organization", tags=TAGS)
class OrganizationItem(MethodView):
    @bp.response(200, OrganizationSchema, headers=ETAG)
    @documents(404)
    @guarded(Organization)
    def get(self, obj):
        """Read an organization"""
        return one(obj)

    @bp.response(200, OrganizationSchema, headers=ETAG)
    @bp.doc(parameters=[IF_MATCH])
    @documents(403, 404, 412, 413, 422, 428)
    @guarded(Organization, may=access.can_edit, version_required=True)
    @bp.arguments(OrganizationPatchSchema)
    def patch(self, data, obj):
        """Change an organization

        Only the fields sent change; `aliases`, when sent, replaces the list."""
        version = checked_version(obj, data)
        update_organization(obj, data, expected_version=version)
        stored()
        return one(obj)

    @bp.response(204)
    @bp.doc(parameters=[IF_MATCH_OPTIONAL])
    @documents(403, 404, 412)
    @guarded(Organization, may=access.can_edit)
    def delete(self, obj):
        """Archive an organization

        It disappears from lists and searches; an administrator can restore it."""
        lifecycle.archive(obj, optional_version(obj))
        stored()
        return no_content()


@bp.route("/organizations/<int:id>/restore", endpoint="organization_restore", tags=TAGS,
          methods=["POST"])
@bp.response(200, OrganizationSchema, headers=ETAG)
@documents(403, 404)
@guarded(Organization, may=access.can_administer, include_archived=True)
def restore_organization(obj):
    """Restore an archived organization (administrators)"""
    lifecycle.restore(obj)
    stored()
    return one(obj)
