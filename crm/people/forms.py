import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Optional, Regexp

from crm.extensions import db
from crm.form_fields import CountryField, as_choices, EnumField, LongTextField, TextField
from crm.models import Organization, PersonRole


def organization_choices() -> list[tuple[str, str]]:
    rows = db.session.execute(sa.select(Organization.id, Organization.name, Organization.local_name)
                              .order_by(Organization.name)).all()
    return as_choices(((i, f"{n} ({ln})" if ln else n) for i, n, ln in rows), blank="—")


class PersonForm(FlaskForm):
    full_name = TextField(_l("Full name (Latin)"), 200, [DataRequired()])
    local_name = TextField(_l("Name in its own script"), 200,
                           description=_l("For example 市山尚三 or Ерлан Нұрмұхамбетов"))
    position = TextField(_l("Position"), 200)
    role = EnumField(_l("Role"), PersonRole)
    organization_id = SelectField(_l("Organization"), validators=[Optional()])
    country = CountryField()
    email = TextField(_l("Email"), 254,
                      [Optional(), Email(message=_l("Enter an email address like name@example.com."))])
    phone = TextField(_l("Phone"), 50, [Optional(), Regexp(
        r"^[0-9+()\-.\s/]{3,50}$", message=_l("Use digits, spaces and + ( ) - . / only."))])
    notes = LongTextField(_l("Notes"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = organization_choices()

    def values(self) -> dict:
        return {
            "full_name": self.full_name.data, "local_name": self.local_name.data,
            "position": self.position.data, "role": PersonRole(self.role.data),
            "organization_id": int(self.organization_id.data) if self.organization_id.data else None,
            "country": self.country.data, "email": self.email.data, "phone": self.phone.data,
            "notes": self.notes.data,
        }
