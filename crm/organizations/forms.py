from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from crm.form_fields import CountryField, EnumField, LongTextField, NameLinesField, TextField
from crm.models import Organization, OrganizationKind
from crm.models.base import column_length
from crm.organizations.services import alias_lines, alias_problem, website_problem


class OrganizationForm(FlaskForm):
    name = TextField(_l("Name (Latin)"), column_length(Organization.name), [DataRequired()])
    local_name = TextField(_l("Name in its own script"), column_length(Organization.local_name),
                           description=_l("For example Қазақфильм or 東京ニューシネマ"))
    kind = EnumField(_l("Kind"), OrganizationKind)
    country = CountryField()
    city = TextField(_l("City"), column_length(Organization.city))
    website = TextField(_l("Website"), column_length(Organization.website))
    aliases = NameLinesField(_l("Other spellings"), 4000,
                             description=_l("One per line, e.g. Kazakfilm, Казахфильм"))
    notes = LongTextField(_l("Notes"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_website(self, field):
        if problem := website_problem(field.data):
            raise ValidationError(problem)

    def validate_aliases(self, field):
        for line in alias_lines(field.data):
            if problem := alias_problem(line):
                raise ValidationError(problem)

    def values(self) -> dict:
        return {
            "name": self.name.data, "local_name": self.local_name.data,
            "kind": OrganizationKind(self.kind.data), "country": self.country.data,
            "city": self.city.data, "website": self.website.data, "notes": self.notes.data,
            "aliases": alias_lines(self.aliases.data),
        }
