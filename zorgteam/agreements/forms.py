"""The forms of agreements: what, who and when (once, weekly or monthly), the care goal it serves; declining."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Optional, ValidationError

from models.agreements import RECURRENCES
from zorgteam import labels
from zorgteam.goals.forms import member_choices
from zorgteam.limits import MaxLength
from zorgteam.translate import lazy_gettext as _l

TEXT_MAX = 500
# Where a button sends the user back to: a fixed choice, never a URL from the form.
BACK = ("list", "show", "tasks")


class AgreementForm(FlaskForm):
    what = TextAreaField(_l("Wat is er afgesproken?"), validators=[
        DataRequired(_l("Beschrijf wat er afgesproken is.")), MaxLength(TEXT_MAX)])
    owner = SelectField(_l("Wie doet het?"), choices=[])
    recurrence = RadioField(_l("Hoe vaak?"), choices=[(key, labels.RECURRENCES[key]) for key in RECURRENCES],
                            default="none")
    due_on = DateField(_l("Tegen wanneer? (bij een herhaling: de eerste keer)"), validators=[Optional()])
    care_goal = SelectField(_l("Dient het zorgdoel"), choices=[])
    version = HiddenField()

    def __init__(self, members, goals, *args, **kw):
        super().__init__(*args, **kw)
        self.saved_due_on = getattr(kw.get("obj"), "due_on", None)  # editing: an overdue date may stay
        self.owner.choices = member_choices(members, str(_l("nog niemand")))
        self.care_goal.choices = [("", str(_l("geen zorgdoel")))] + [(str(g.id), g.text) for g in goals]

    def validate_due_on(self, field):
        if self.recurrence.data != "none" and field.data is None:
            raise ValidationError(_l("Een afspraak die terugkomt, heeft een eerste datum nodig."))
        if field.data is not None and field.data != self.saved_due_on:
            not_in_the_past(field.data)


def not_in_the_past(day: date) -> None:
    """A new due date lies today or later, as on the meeting form."""
    if day < date.today():
        raise ValidationError(_l("Deze datum ligt in het verleden."))


class DeclineForm(FlaskForm):
    remark = TextAreaField(_l("Waarom lukt het niet?"), validators=[
        DataRequired(_l("Zeg kort waarom, zodat de zorgcoördinator een oplossing kan zoeken.")),
        MaxLength(TEXT_MAX)])
    back = HiddenField()


class ActionForm(FlaskForm):
    """Accept, mark done or cancel: only the CSRF token, an optional remark and where to go back to."""

    remark = TextAreaField(_l("Opmerking (niet verplicht)"), validators=[MaxLength(TEXT_MAX)])
    back = HiddenField()
    occurrence = HiddenField()  # "Klaar": the due date the page showed, so a second tap ticks off nothing more

    def occurrence_named(self) -> dict:
        """complete()'s `occurrence` when the form names one ('' for an agreement without a date)."""
        if not self.occurrence.raw_data:
            return {}
        try:
            return {"occurrence": date.fromisoformat(self.occurrence.data) if self.occurrence.data else None}
        except ValueError:
            return {"occurrence": date.min}  # a date no agreement has: refused as changed meanwhile
