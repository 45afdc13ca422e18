from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from crm import passwords
from crm.form_fields import EnumField, OrganizationNameField, TextField, as_choices
from crm.i18n import DEFAULT, LANGUAGES
from crm.models import LOWEST_ROLE, Role, User
from crm.models.base import column_length
from crm.people.forms import OrganizationByName


ROLE_HELP = _l("Executives read; staff also edit; administrators also manage users and "
               "reference data.")
ORGANIZATION_HELP = _l("An executive linked to an organization sees only the deals it is "
                       "party to.")


class _Account(OrganizationByName, FlaskForm):
    """Who a user is, the same on the new-user, edit and invitation forms."""

    email = EmailField(_l("Email"), validators=[
        DataRequired(), Length(max=column_length(User.email)),
        Email(message=_l("Enter an email address like name@example.com."))])
    name = TextField(_l("Name"), column_length(User.name), [DataRequired()])
    # The least privileged role unless the administrator picks another.
    role = EnumField(_l("Role"), Role, default=LOWEST_ROLE.value, description=ROLE_HELP)
    organization = OrganizationNameField(description=ORGANIZATION_HELP)


class UserForm(_Account):
    password = PasswordField(_l("Password"),
                             validators=[Optional(), Length(max=passwords.MAX_LENGTH)],
                             description=_l("At least %(n)d characters; not a common password.",
                                            n=passwords.MIN_LENGTH),
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


class InviteForm(_Account):
    """A new user who chooses their own password through a link mailed to them."""

    preferred_language = SelectField(_l("Language"), choices=as_choices(LANGUAGES.items()),
                                     default=DEFAULT,
                                     description=_l("The invitation is written in it."))
    submit = SubmitField(_l("Send invitation"))

    def values(self) -> dict:
        return {"email": self.email.data, "name": self.name.data, "role": Role(self.role.data),
                "organization_id": self.organization_id_value,
                "preferred_language": self.preferred_language.data}


class InviteAgainForm(FlaskForm):
    """Only the CSRF token: whom to invite again is in the URL."""

    submit = SubmitField(_l("Send a new invitation"))
