"""The forms of meetings: planning and moving, attendance and minutes, the checklist facts, decisions, the next
meeting, and the two feedback questions."""
from __future__ import annotations

from datetime import date, time, timedelta

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, HiddenField, IntegerField, RadioField, SelectField,
                     SelectMultipleField, StringField, TextAreaField, TimeField, URLField)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, URL, ValidationError

from models.agreements import RECURRENCES
from models.meetings import HELPED, KINDS, MODES
from zorgteam.agreements.forms import not_in_the_past
from zorgteam.goals.forms import EvaluationForm, member_choices
from zorgteam.limits import LineLimit, MaxLength
from zorgteam.meetings import texts
from zorgteam.translate import lazy_gettext as _l


def _choices(mapping: dict, keys) -> list[tuple[str, str]]:
    return [(key, mapping[key]) for key in keys]


class PlanForm(FlaskForm):
    kind = SelectField(_l("Soort overleg"), choices=_choices(texts.KINDS, KINDS), default="mdo")
    day = DateField(_l("Datum"), validators=[InputRequired(_l("Vul een datum in."))])
    start = TimeField(_l("Beginuur"), default=time(14, 0), validators=[InputRequired(_l("Vul een beginuur in."))])
    duration = IntegerField(_l("Duur in minuten"), default=60, validators=[
        InputRequired(_l("Vul de duur in.")), NumberRange(15, 480, _l("Tussen 15 en 480 minuten."))],
        render_kw={"inputmode": "numeric", "min": 15, "max": 480, "step": 15})
    place = StringField(_l("Plaats"), validators=[MaxLength(300)])
    video_link = URLField(_l("Videolink"), validators=[Optional(), URL(message=_l("Dit is geen geldige link.")),
                                                       MaxLength(500)])
    organiser = SelectField(_l("Wie organiseert en leidt het overleg?"), choices=[])
    invitees = SelectMultipleField(_l("Wie wordt uitgenodigd?"), choices=[])
    agenda_keep = SelectMultipleField(_l("Voorgestelde agendapunten"), choices=[])
    agenda_extra = TextAreaField(_l("Andere agendapunten (één per regel)"), validators=[MaxLength(3000), LineLimit(500)])
    version = HiddenField()

    def __init__(self, members, agenda: list[dict], *args, **kw):
        super().__init__(*args, **kw)
        self.organiser.choices = member_choices([m for m in members if m.is_professional], str(_l("nog niemand")))
        self.invitees.choices = member_choices(members)
        self.agenda_keep.choices = [(agenda_key(item), item.get("text") or "") for item in agenda]
        self.proposed = agenda

    def validate_day(self, field):
        if field.data and field.data < date.today() - timedelta(days=1) and not self.version.data:
            raise ValidationError(_l("Deze datum ligt in het verleden."))

    def validate_place(self, field):
        if not (field.data or "").strip() and not (self.video_link.data or "").strip():
            raise ValidationError(_l("Vul een plaats of een videolink in."))

    def agenda(self) -> list[dict]:
        kept = set(self.agenda_keep.data or [])
        items = [item for item in self.proposed if agenda_key(item) in kept]
        extra = [line.strip() for line in (self.agenda_extra.data or "").splitlines() if line.strip()]
        return items + [{"source": "free", "category": None, "text": line} for line in extra]


def agenda_key(item: dict) -> str:
    return f"{item.get('source')}:{item.get('ref') or item.get('text', '')[:60]}"


class CancelForm(FlaskForm):
    """Cancelling asks first: only a post with `confirm` from the confirmation page does it."""

    confirm = HiddenField()


class FactsForm(FlaskForm):
    residence = SelectField(_l("Waar woont de persoon?"), choices=[], default="")
    consent = SelectField(_l("Toestemming"), choices=[], default="")
    psychiatric = BooleanField(_l("Psychiatrische zorg (een psychiater mag de huisarts vervangen)"))
    home_nursing = SelectField(_l("Krijgt de persoon thuisverpleging?"), choices=[], default="")
    katz_score = StringField(_l("Katz-score (zelfredzaamheid)"), validators=[MaxLength(40)])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        unknown = [("", str(_l("nog niet genoteerd")))]
        self.residence.choices = unknown + _choices(texts.RESIDENCES, texts.RESIDENCES)
        self.consent.choices = unknown + _choices(texts.CONSENTS, texts.CONSENTS)
        self.home_nursing.choices = unknown + [("yes", str(_l("ja"))), ("no", str(_l("nee")))]

    def facts(self) -> dict:
        nursing = {"yes": True, "no": False}.get(self.home_nursing.data)
        return {"residence": self.residence.data or None, "consent": self.consent.data or None,
                "psychiatric": bool(self.psychiatric.data), "home_nursing": nursing,
                "katz_score": (self.katz_score.data or "").strip() or None}

    def fill(self, facts: dict) -> None:
        self.residence.data, self.consent.data = facts.get("residence") or "", facts.get("consent") or ""
        self.psychiatric.data = bool(facts.get("psychiatric"))
        self.home_nursing.data = {True: "yes", False: "no"}.get(facts.get("home_nursing"), "")
        self.katz_score.data = facts.get("katz_score") or ""


class MinutesForm(FlaskForm):
    minutes = TextAreaField(_l("Verslag"), validators=[MaxLength(20000)])
    version = HiddenField()

    def __init__(self, invitees, *args, **kw):
        super().__init__(*args, **kw)
        self.invitees = invitees


def mode_choices() -> list[tuple[str, str]]:
    return [("", str(_l("nog niet genoteerd")))] + _choices(texts.MODES, MODES)


class DecisionForm(FlaskForm):
    what = TextAreaField(_l("Wat is er afgesproken?"), validators=[
        DataRequired(_l("Beschrijf wat er afgesproken is.")), MaxLength(1000)])
    owner = SelectField(_l("Wie doet het?"), choices=[])
    due_on = DateField(_l("Tegen wanneer (of vanaf wanneer)"), validators=[Optional()])
    recurrence = SelectField(_l("Herhaling"), choices=_choices(texts.RECURRENCES, RECURRENCES), default="none")
    care_goal = SelectField(_l("Hoort bij het zorgdoel"), choices=[])

    def __init__(self, members, goals, *args, **kw):
        super().__init__(*args, **kw)
        self.owner.choices = member_choices(members, str(_l("nog niemand")))
        self.care_goal.choices = [("", str(_l("geen")))] + [(str(g.id), g.text) for g in goals]

    def validate_due_on(self, field):
        if field.data is not None:
            not_in_the_past(field.data)


class NextMeetingForm(FlaskForm):
    day = DateField(_l("Datum van het volgende overleg"), validators=[Optional()])
    start = TimeField(_l("Beginuur"), default=time(14, 0), validators=[Optional()])
    place = StringField(_l("Plaats"), validators=[MaxLength(300)])
    video_link = URLField(_l("Videolink"), validators=[Optional(), URL(message=_l("Dit is geen geldige link.")),
                                                       MaxLength(500)])
    no_next_reason = TextAreaField(_l("Of: waarom er geen volgend overleg komt"), validators=[MaxLength(1000)])

    def validate_day(self, field):
        if field.data is not None and field.data < date.today():
            raise ValidationError(_l("Deze datum ligt in het verleden."))


class FeedbackForm(FlaskForm):
    helped = RadioField(_l("Heeft dit overleg geholpen?"), choices=[],
                        validators=[InputRequired(_l("Kies een antwoord."))])
    change = TextAreaField(_l("Wat moet er volgende keer anders?"), validators=[MaxLength(2000)])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.helped.choices = _choices(texts.HELPED, HELPED)


class MeetingEvaluationForm(EvaluationForm):
    """The goal's GAS evaluation as on the goals pages; in a meeting, the date is the meeting's."""

    evaluated_on = None
