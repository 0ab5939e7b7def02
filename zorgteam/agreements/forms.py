"""The forms of agreements: what, who and when (once, weekly or monthly), the care goal it serves; declining."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from models.agreements import RECURRENCES
from zorgteam import labels
from zorgteam.goals.forms import member_choices

TEXT_MAX = 500
# Where a button sends the user back to: a fixed choice, never a URL from the form.
BACK = ("list", "show", "tasks")


class AgreementForm(FlaskForm):
    what = TextAreaField(_l("Wat is er afgesproken?"), validators=[
        DataRequired(_l("Beschrijf wat er afgesproken is.")), Length(max=TEXT_MAX)])
    owner = SelectField(_l("Wie doet het?"), choices=[])
    recurrence = RadioField(_l("Hoe vaak?"), choices=[(key, labels.RECURRENCES[key]) for key in RECURRENCES],
                            default="none")
    due_on = DateField(_l("Tegen wanneer? (bij een herhaling: de eerste keer)"), validators=[Optional()])
    care_goal = SelectField(_l("Dient het zorgdoel"), choices=[])
    version = HiddenField()

    def __init__(self, members, goals, *args, **kw):
        super().__init__(*args, **kw)
        self.owner.choices = member_choices(members, str(_l("nog niemand")))
        self.care_goal.choices = [("", str(_l("geen zorgdoel")))] + [(str(g.id), g.text) for g in goals]

    def validate_due_on(self, field):
        if self.recurrence.data != "none" and field.data is None:
            raise ValidationError(_l("Een afspraak die terugkomt, heeft een eerste datum nodig."))


class DeclineForm(FlaskForm):
    remark = TextAreaField(_l("Waarom lukt het niet?"), validators=[
        DataRequired(_l("Zeg kort waarom, zodat de zorgcoördinator een oplossing kan zoeken.")),
        Length(max=TEXT_MAX)])
    back = HiddenField()


class ActionForm(FlaskForm):
    """Accept, mark done or cancel: only the CSRF token, an optional remark and where to go back to."""

    remark = TextAreaField(_l("Opmerking (niet verplicht)"), validators=[Length(max=TEXT_MAX)])
    back = HiddenField()
