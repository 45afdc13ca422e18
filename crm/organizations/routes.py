import sqlalchemy as sa
from flask import render_template
from flask_babel import gettext as _
from flask_login import login_required

from crm.crud import RecordPages, list_filters, page_of
from crm.models import Organization, OrganizationKind
from crm.organizations import bp
from crm.organizations.forms import OrganizationForm
from crm.organizations.services import (archive_organization, create_organization,
                                        find_organizations, list_rows, organization_page,
                                        update_organization)
from crm.timeline import organization_timeline


@bp.get("")
@login_required
def index():
    filters = list_filters(kind=OrganizationKind)
    page, organizations = page_of(
        find_organizations(**filters, of=sa.select(Organization.id)), list_rows)
    return render_template("organizations/index.html", page=page, organizations=organizations,
                           kinds=list(OrganizationKind), **filters)


def _show_aliases(form: OrganizationForm, org: Organization) -> None:
    form.aliases.data = "\n".join(org.alias_names)


RecordPages(
    Organization, "organization_id", OrganizationForm, "organizations/form.html", "org",
    create=create_organization, update=update_organization, show=_show_aliases,
    archive=archive_organization,
    detail_template="organizations/detail.html",
    detail_context=lambda org: {"page": organization_page(org),
                                "timeline": organization_timeline(org)},
    added=lambda org: _("Organization “%(name)s” added.", name=org.name),
    archived=lambda org: _("“%(name)s” archived. An administrator can restore it.",
                           name=org.name),
).register(bp)
