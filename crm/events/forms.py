from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, SubmitField
from wtforms.validators import DataRequired, NumberRange, Optional

from crm.form_fields import CountryField, TextField
from crm.models import Event
from crm.models.base import column_length


class EventForm(FlaskForm):
    name = TextField(_l("Festival or market"), column_length(Event.name), [DataRequired()],
                     description=_l("Without the year, e.g. Festival de Cannes"))
    edition = IntegerField(_l("Edition (year)"), validators=[
        Optional(), NumberRange(1900, 2200, message=_l("Enter a year between 1900 and 2200."))])
    city = TextField(_l("City"), column_length(Event.city))
    country = CountryField()
    start_date = DateField(_l("Starts"), validators=[Optional()])
    end_date = DateField(_l("Ends"), validators=[Optional()])
    venue = TextField(_l("Venue"), column_length(Event.venue), description=_l("e.g. National Pavilion of Kazakhstan"))
    version = HiddenField()
    submit = SubmitField(_l("Save"))

    def values(self) -> dict:
        return {name: getattr(self, name).data for name in
                ("name", "edition", "city", "country", "start_date", "end_date", "venue")}
