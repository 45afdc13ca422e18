from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField
from wtforms.validators import DataRequired

from crm.form_fields import TextField


class NewStageForm(FlaskForm):
    key = TextField(_l("Key"), 40, [DataRequired()],
                    description=_l("Used by the API and reports, e.g. festival_release"))
    name = TextField(_l("Name"), 80, [DataRequired()])
    name_ru = TextField(_l("Name in Russian"), 80)
    name_kk = TextField(_l("Name in Kazakh"), 80)
    submit = SubmitField(_l("Add stage"))
