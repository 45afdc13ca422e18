from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from crm.form_fields import EnumField, TextField
from crm.models import Role
from crm.people.forms import organization_choices


class UserForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[
        DataRequired(), Length(max=254),
        Email(message=_l("Enter an email address like name@example.com."))])
    name = TextField(_l("Name"), 200, [DataRequired()])
    role = EnumField(_l("Role"), Role)
    organization_id = SelectField(_l("Organization"), validators=[Optional()], description=_l(
        "An executive linked to an organization sees only the deals it is party to."))
    password = PasswordField(_l("Password"), validators=[Optional(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})
    active = BooleanField(_l("Active (may sign in)"), default=True)
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization_id.choices = organization_choices()

    def values(self) -> dict:
        return {"email": self.email.data, "name": self.name.data, "role": Role(self.role.data),
                "organization_id": int(self.organization_id.data) if self.organization_id.data
                else None, "password": self.password.data, "active": self.active.data}
