from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import DataRequired

from crm.account.services import NAME_MAX
from crm.form_fields import TextField


class NewTokenForm(FlaskForm):
    name = TextField(_l("Name"), NAME_MAX, [DataRequired()],
                     description=_l("What will use it, e.g. “Festival office spreadsheet”."))
    submit = SubmitField(_l("Create token"))


class RevokeTokenForm(FlaskForm):
    """Only the CSRF token: which token to revoke is in the URL."""

    submit = SubmitField(_l("Revoke"))
