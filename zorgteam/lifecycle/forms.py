"""The forms of a team's life: starting a team (the person, the care question, consent, oneself, the first
members, who coordinates) and closing it (why and when)."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, EmailField, FieldList, Form, FormField, HiddenField, RadioField,
                     SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Optional, ValidationError

from models.lifecycle import CARE_QUESTION_MAX, CONSENT_METHODS, FOUNDER_ROLES
from models.members import DISCIPLINES
from models.permissions import Role
from models.people import Person
from zorgteam import labels
from zorgteam.limits import MaxLength
from zorgteam.members import PersonForm
from zorgteam.translate import lazy_gettext as _l

FIRST_MEMBERS = 3  # rows on the page; more members are added afterwards on the members page
PROFESSIONAL = (Role.PROFESSIONAL, Role.CASE_MANAGER)


def _roles() -> list[tuple[str, str]]:
    return [(r, str(labels.ROLES[r])) for r in FOUNDER_ROLES]


def _disciplines() -> list[tuple[str, str]]:
    return [("", "—")] + [(d, str(labels.DISCIPLINES[d])) for d in DISCIPLINES]


def _needs_discipline(role_field, discipline_field) -> None:
    if role_field.data in PROFESSIONAL and not discipline_field.data:
        raise ValidationError(_l("Kies de discipline van deze zorgverlener."))


class FirstMemberForm(Form):
    """One row of first members: left empty, it is skipped; with an e-mail address, the member is invited."""

    name = StringField(_l("Naam"), validators=[MaxLength(200)])
    role = SelectField(_l("Rol in het team"), choices=[], default=Role.INFORMAL_CARER.value)
    discipline = SelectField(_l("Discipline (voor zorgverleners)"), choices=[])
    email = EmailField(_l("E-mailadres (voor een uitnodiging)"),
                       validators=[Optional(), Email(_l("Dit is geen geldig e-mailadres.")),
                                   MaxLength(254)])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.role.choices, self.discipline.choices = _roles(), _disciplines()

    @property
    def filled(self) -> bool:
        return bool((self.name.data or "").strip())

    def validate_name(self, field):
        if not self.filled and self.email.data:
            raise ValidationError(_l("Vul ook de naam in."))

    def validate_discipline(self, field):
        if self.filled:
            _needs_discipline(self.role, field)


class CareQuestionFields:
    """The care question in the person's words and the kind of care: asked when a team starts, edited later."""

    care_question = TextAreaField(_l("De zorgvraag, in de woorden van de persoon"), validators=[
        DataRequired(_l("Vul de zorgvraag in.")), MaxLength(CARE_QUESTION_MAX)],
                                  render_kw={"rows": 4})
    care_level = RadioField(_l("Soort zorg"), choices=[], default="simple",
                            validators=[InputRequired(_l("Kies enkelvoudige of complexe zorg."))])


class CareQuestionForm(CareQuestionFields, FlaskForm):
    version = HiddenField()

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.care_level.choices = list(labels.CARE_LEVELS.items())

    def seen_version(self) -> int:
        """The team's version the form was opened on (zorgteam/errors.py refuses one that is not a number); none
        at all counts as a stale edit."""
        return int(self.version.data or -1)


class NewTeamForm(CareQuestionFields, PersonForm):
    """The person (the fields of the person's record), and what a team needs from its first day."""

    person_email = EmailField(_l("E-mailadres van de persoon (voor een uitnodiging)"),
                              validators=[Optional(), Email(_l("Dit is geen geldig e-mailadres.")),
                                          MaxLength(254)])
    consent_method = RadioField(_l("Hoe gaf de persoon toestemming?"), choices=[],
                                validators=[InputRequired(_l("Kies hoe de persoon toestemming gaf."))])
    consent_given = BooleanField(_l("De persoon (of de vertegenwoordiger) gaat akkoord met dit zorgteam en met wat "
                                    "elk teamlid te zien krijgt."),
                                 validators=[DataRequired(_l("Zonder toestemming van de persoon kan er geen "
                                                             "zorgteam starten."))])
    my_role = SelectField(_l("Uw rol in het team"), choices=[], default=Role.PROFESSIONAL.value)
    my_discipline = SelectField(_l("Uw discipline (voor zorgverleners)"), choices=[])
    my_organisation = StringField(_l("Uw organisatie"), validators=[MaxLength(200)])
    my_phone = StringField(_l("Uw telefoon"), validators=[MaxLength(40)],
                           render_kw={"type": "tel"})
    members = FieldList(FormField(FirstMemberForm), min_entries=FIRST_MEMBERS, max_entries=FIRST_MEMBERS)
    coordinator = SelectField(_l("Wie wordt zorgcoördinator?"), choices=[], default="me")

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.care_level.choices = list(labels.CARE_LEVELS.items())
        self.consent_method.choices = [(m, labels.CONSENT_METHODS[m]) for m in CONSENT_METHODS]
        self.my_role.choices, self.my_discipline.choices = _roles(), _disciplines()
        self.coordinator.choices = [("me", _l("Ikzelf")), ("person", _l("De persoon zelf"))] + [
            (str(i), _l("Teamlid %(number)s hieronder", number=i)) for i in range(1, FIRST_MEMBERS + 1)]

    def validate_my_discipline(self, field):
        _needs_discipline(self.my_role, field)

    def validate_coordinator(self, field):
        rows = {str(i): row for i, row in enumerate(self.members, start=1)}  # anything else is no choice at all
        if field.data in rows and not rows[field.data].filled:
            raise ValidationError(_l("Vul de naam van dat teamlid in, of kies iemand anders als zorgcoördinator."))

    def person(self) -> Person:
        address = {k: getattr(self, k).data for k in ("street", "postcode", "city") if getattr(self, k).data}
        return Person(given_name=self.given_name.data.strip(), family_name=self.family_name.data.strip(),
                      birth_date=self.birth_date.data, address=address or None, phone=self.phone.data or None,
                      language=self.language.data, gp=self.gp.data or None)

    def start(self) -> dict:
        """The arguments of models.lifecycle.start_team besides the person and the founder."""
        return {"role": self.my_role.data, "care_level": self.care_level.data, "insz": self.insz.data or None,
                "consent_method": self.consent_method.data, "care_question": self.care_question.data,
                "discipline": self.my_discipline.data or None, "organisation": self.my_organisation.data or None,
                "phone": self.my_phone.data or None, "person_email": self.invited_person}

    @property
    def invited_person(self) -> str | None:
        return (self.person_email.data or "").strip().lower() or None

    def first_members(self) -> list[tuple[int, FirstMemberForm]]:
        """The rows filled in, numbered from 1 as on the page."""
        return [(i, row.form) for i, row in enumerate(self.members, start=1) if row.form.filled]


class CloseForm(FlaskForm):
    reason = RadioField(_l("Waarom wordt het zorgteam afgesloten?"), choices=[],
                        validators=[InputRequired(_l("Kies waarom het zorgteam afgesloten wordt."))])
    note = TextAreaField(_l("Toelichting"), validators=[MaxLength(500)])
    on = DateField(_l("Datum van afsluiten"), default=date.today,
                   validators=[InputRequired(_l("Vul de datum van afsluiten in."))])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.reason.choices = list(labels.CLOSING_REASONS.items())

    def validate_note(self, field):
        if self.reason.data == "other" and not (field.data or "").strip():
            raise ValidationError(_l("Beschrijf waarom het zorgteam afgesloten wordt."))
