"""The forms of goal-oriented care: the profile, life goals, care goals with GAS levels, evaluations, the spider web."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional, ValidationError

from models.gas import LEVELS
from models.goals import ACHIEVEMENT, DIMENSIONS, LIFECYCLE
from zorgteam import labels
from zorgteam.limits import MaxLength
from zorgteam.translate import lazy_gettext as _l

TEXT_MAX = 500


def _choices(mapping: dict, keys) -> list[tuple[str, str]]:
    # The labels stay lazy: these lists are built at import, and str() here would freeze them in Dutch.
    return [(key, mapping[key]) for key in keys]


def member_choices(members, empty: str | None = None) -> list[tuple[str, str]]:
    """Members as choices, 'Name (role)', with an optional empty first choice."""
    found = [(str(m.id), f"{m.name} ({labels.role_label(m)})") for m in members]
    return ([("", empty)] if empty is not None else []) + found


def _not_in_future(_form, field):
    if field.data and field.data > date.today():
        raise ValidationError(_l("Deze datum ligt in de toekomst."))


class ProfileForm(FlaskForm):
    important = TextAreaField(_l("Wat vindt u belangrijk in uw leven?"), validators=[MaxLength(1000)])
    good_day = TextAreaField(_l("Wat maakt een dag voor u een goede dag?"), validators=[MaxLength(1000)])
    version = HiddenField()


class LifeGoalForm(FlaskForm):
    text = TextAreaField(_l("Het doel, in de woorden van de persoon"), validators=[
        DataRequired(_l("Schrijf het doel op, zoals de persoon het zegt.")), MaxLength(TEXT_MAX)])
    dimension = SelectField(_l("Past bij (Positieve Gezondheid)"), choices=[])
    expressed_by = SelectField(_l("Wie zei dit?"), choices=[])
    expressed_on = DateField(_l("Wanneer"), default=date.today,
                             validators=[InputRequired(_l("Vul een datum in.")), _not_in_future])
    lifecycle = SelectField(_l("Status"), choices=_choices(labels.LIFECYCLE, LIFECYCLE), default="active")
    version = HiddenField()

    def __init__(self, members, *args, **kw):
        super().__init__(*args, **kw)
        self.dimension.choices = [("", str(_l("geen keuze")))] + _choices(labels.DIMENSIONS, DIMENSIONS)
        self.expressed_by.choices = member_choices(members)


class CareGoalForm(FlaskForm):
    life_goal = SelectField(_l("Dient het levensdoel"), choices=[])
    text = TextAreaField(_l("Zorg- of ondersteuningsdoel"), validators=[
        DataRequired(_l("Beschrijf het zorgdoel.")), MaxLength(TEXT_MAX)])
    owner = SelectField(_l("Wie volgt dit doel op?"), choices=[])
    target_date = DateField(_l("Streefdatum"), validators=[Optional()])
    level_m2 = StringField(labels.GAS_LEVELS[-2], validators=[MaxLength(300)])
    level_m1 = StringField(labels.GAS_LEVELS[-1], validators=[MaxLength(300)])
    level_0 = StringField(labels.GAS_LEVELS[0], validators=[MaxLength(300)])
    level_p1 = StringField(labels.GAS_LEVELS[1], validators=[MaxLength(300)])
    level_p2 = StringField(labels.GAS_LEVELS[2], validators=[MaxLength(300)])
    baseline = SelectField(_l("Waar staan we nu? (startniveau)"), choices=[], default="-1")
    weight = IntegerField(_l("Gewicht"), default=1, validators=[
        InputRequired(_l("Geef een gewicht van 1 tot 5.")), NumberRange(1, 5, _l("Geef een gewicht van 1 tot 5."))])
    lifecycle = SelectField(_l("Status"), choices=_choices(labels.LIFECYCLE, LIFECYCLE), default="proposed")
    achievement = SelectField(_l("Voortgang"), choices=_choices(labels.ACHIEVEMENT, ACHIEVEMENT),
                              default="in-progress")
    version = HiddenField()

    LEVEL_FIELDS = {-2: "level_m2", -1: "level_m1", 0: "level_0", 1: "level_p1", 2: "level_p2"}

    def __init__(self, life_goals, members, *args, **kw):
        super().__init__(*args, **kw)
        self.life_goal.choices = [(str(g.id), g.text) for g in life_goals]
        self.owner.choices = member_choices(members, str(_l("nog niemand")))
        self.baseline.choices = [(str(level), str(labels.GAS_LEVELS[level])) for level in reversed(LEVELS)]

    def validate_level_0(self, _field):
        filled = [bool((getattr(self, name).data or "").strip()) for name in self.LEVEL_FIELDS.values()]
        if any(filled) and not all(filled):
            raise ValidationError(_l("Beschrijf alle vijf niveaus, of laat ze allemaal leeg."))

    def gas(self) -> dict | None:
        """The GAS levels and baseline, or None when no level was described."""
        levels = {str(k): (getattr(self, name).data or "").strip() for k, name in self.LEVEL_FIELDS.items()}
        if not any(levels.values()):
            return None
        return {"levels": levels, "baseline": int(self.baseline.data)}

    def fill_gas(self, gas: dict | None) -> None:
        for level, name in self.LEVEL_FIELDS.items():
            getattr(self, name).data = (gas or {}).get("levels", {}).get(str(level), "")
        if gas:
            self.baseline.data = str(gas["baseline"])


class EvaluationForm(FlaskForm):
    level = RadioField(_l("Welk niveau is bereikt?"), choices=[])
    achievement = SelectField(_l("Hoe evolueert het doel?"), choices=_choices(labels.ACHIEVEMENT, ACHIEVEMENT),
                              default="in-progress")
    remark = TextAreaField(_l("Opmerking"), validators=[MaxLength(1000)])
    evaluated_on = DateField(_l("Datum van de evaluatie"), default=date.today,
                             validators=[InputRequired(_l("Vul een datum in.")), _not_in_future])

    def __init__(self, goal, *args, **kw):
        super().__init__(*args, **kw)
        self.level.choices = [(str(level), f"{labels.GAS_LEVELS[level]} — {goal.level_text(level)}")
                              for level in reversed(LEVELS)] if goal.gas else []
        self.uses_gas = bool(goal.gas)

    def validate_level(self, field):
        if self.uses_gas and field.data not in {str(level) for level in LEVELS}:
            raise ValidationError(_l("Kies het niveau dat bereikt is."))


def _score_field(dimension: str) -> IntegerField:
    message = _l("Geef een score van 0 tot 10.")
    return IntegerField(labels.DIMENSIONS[dimension], validators=[InputRequired(message), NumberRange(0, 10, message)],
                        render_kw={"inputmode": "numeric", "min": 0, "max": 10})


class HealthScoringForm(FlaskForm):
    bodily_functions = _score_field("bodily_functions")
    mental_wellbeing = _score_field("mental_wellbeing")
    meaningfulness = _score_field("meaningfulness")
    quality_of_life = _score_field("quality_of_life")
    participation = _score_field("participation")
    daily_functioning = _score_field("daily_functioning")
    remark = TextAreaField(_l("Opmerking"), validators=[MaxLength(1000)])
    scored_on = DateField(_l("Datum"), default=date.today,
                          validators=[InputRequired(_l("Vul een datum in.")), _not_in_future])

    def scores(self) -> dict:
        return {dimension: getattr(self, dimension).data for dimension in DIMENSIONS}
