from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from crm.form_fields import EnumField, OrganizationNameField, TextField, as_choices
from crm.i18n import DEFAULT, LANGUAGES
from crm.models import Role, User
from crm.models.base import column_length
from crm.people.forms import OrganizationByName


class UserForm(OrganizationByName, FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(), Length(max=column_length(User.email)),
        Email(message=_l("Enter an email address like name@example.com."))])
    name = TextField(_l("Name"), column_length(User.name), [DataRequired()])
    role = EnumField(_l("Role"), Role)
    organization = OrganizationNameField(description=_l(
        "An executive linked to an organization sees only the deals it is party to."))
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField(_l("Active (may sign in)"), default=True)
    # each language under its own name; the user can change it with the picker
    preferred_language = SelectField(_l("Language"), choices=as_choices(LANGUAGES.items()),
                                     default=DEFAULT)
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {"email": self.email.data, "name": self.name.data, "role": Role(self.role.data),
                "organization_id": self.organization_id_value,
                "password": self.password.data, "active": self.active.data,
                "preferred_language": self.preferred_language.data}
