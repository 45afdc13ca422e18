from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, Email, Optional, Regexp

from crm.form_fields import (CountryField, EnumField, LongTextField, OrganizationNameField,
                             TextField, resolve_record)
from crm.models import Organization, Person, PersonRole
from crm.models.base import column_length


class OrganizationByName:
    """A form's organization, named by type-ahead (`organization`) with its id kept in a
    hidden field (`organization_id`): a festival season has thousands of organizations,
    too many for a select. Validating resolves it to `organization_id_value`."""

    organization = OrganizationNameField()
    organization_id = HiddenField()

    def show_organization(self, organization: Organization | None) -> None:
        self.organization.data = organization.name if organization else None
        self.organization_id.data = str(organization.id) if organization else ""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        self.organization_id_value = resolve_record(
            self.organization, self.organization_id, "organizations", Organization, "name")
        return valid and not self.organization.errors


class PersonForm(OrganizationByName, FlaskForm):
    full_name = TextField(_l("Full name (Latin)"), column_length(Person.full_name),
                          [DataRequired()])
    local_name = TextField(_l("Name in its own script"), column_length(Person.local_name),
                           description=_l("For example 市山尚三 or Ерлан Нұрмұхамбетов"))
    position = TextField(_l("Position"), column_length(Person.position))
    role = EnumField(_l("Role"), PersonRole)
    country = CountryField()
    email = TextField(_l("Email"), column_length(Person.email),
                      [Optional(), Email(message=_l("Enter an email address like name@example.com."))])
    phone = TextField(_l("Phone"), column_length(Person.phone), [Optional(), Regexp(
        r"^[0-9+()\-.\s/]{3,50}$", message=_l("Use digits, spaces and + ( ) - . / only."))])
    notes = LongTextField(_l("Notes"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {
            "full_name": self.full_name.data, "local_name": self.local_name.data,
            "position": self.position.data, "role": PersonRole(self.role.data),
            "organization_id": self.organization_id_value,
            "country": self.country.data, "email": self.email.data, "phone": self.phone.data,
            "notes": self.notes.data,
        }
