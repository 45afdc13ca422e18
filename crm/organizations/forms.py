from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SubmitField
from wtforms.validators import URL, DataRequired, Optional, ValidationError

from crm.form_fields import CountryField, EnumField, LongTextField, TextField
from crm.models import OrganizationKind


class OrganizationForm(FlaskForm):
    name = TextField(_l("Name (Latin)"), 200, [DataRequired()])
    local_name = TextField(_l("Name in its own script"), 200,
                           description=_l("For example Қазақфильм or 東京ニューシネマ"))
    kind = EnumField(_l("Kind"), OrganizationKind)
    country = CountryField()
    city = TextField(_l("City"), 120)
    website = TextField(_l("Website"), 500,
                        [Optional(), URL(require_tld=True, message=_l("Enter a full address, "
                                                                      "starting with https://"))])
    aliases = LongTextField(_l("Other spellings"), 4000,
                            description=_l("One per line, e.g. Kazakfilm, Казахфильм"))
    notes = LongTextField(_l("Notes"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def validate_aliases(self, field):
        for line in alias_lines(field.data):
            if len(line) > 200:
                raise ValidationError(_l("Each spelling may be at most 200 characters."))

    def values(self) -> dict:
        return {
            "name": self.name.data, "local_name": self.local_name.data,
            "kind": OrganizationKind(self.kind.data), "country": self.country.data,
            "city": self.city.data, "website": self.website.data, "notes": self.notes.data,
            "aliases": alias_lines(self.aliases.data),
        }


def alias_lines(text: str | None) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
