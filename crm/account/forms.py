from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Length

from crm import passwords
from crm.account.services import NAME_MAX
from crm.form_fields import TextField

# The rule itself is checked by the service (crm.passwords), with its reason at the field.
NEW_PASSWORD_HELP = _l("At least %(n)d characters; not a common password. A few words "
                       "that belong together only for you make a good one.", n=passwords.MIN_LENGTH)


class NewTokenForm(FlaskForm):
    name = TextField(_l("Name"), NAME_MAX, [DataRequired()],
                     description=_l("What will use it, e.g. “Festival office spreadsheet”."))
    submit = SubmitField(_l("Create token"))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: which token to revoke is in the URL."""

    submit = SubmitField(_l("Revoke"))


class SetPasswordForm(FlaskForm):
    """Choosing a password through a reset link or an invitation."""

    new_password = PasswordField(_l("New password"),
                                 [DataRequired(), Length(max=passwords.MAX_LENGTH)],
                                 description=NEW_PASSWORD_HELP,
                                 render_kw={"autocomplete": "new-password", "autofocus": True})
    confirm_password = PasswordField(_l("New password again"),
                                     [DataRequired(), Length(max=passwords.MAX_LENGTH)],
                                     render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Set password"))


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"),
                                     [DataRequired(), Length(max=passwords.MAX_LENGTH)],
                                     render_kw={"autocomplete": "current-password",
                                                "autofocus": True})
    new_password = PasswordField(_l("New password"),
                                 [DataRequired(), Length(max=passwords.MAX_LENGTH)],
                                 description=NEW_PASSWORD_HELP,
                                 render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email"), [DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username", "autofocus": True})
    submit = SubmitField(_l("Send me a link"))
