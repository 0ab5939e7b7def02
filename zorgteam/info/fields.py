"""Forms for shared information, built from the shapes in models/info.py, with the Dutch words for every field."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from models.info import Field
from zorgteam.limits import MaxLength
from zorgteam.translate import lazy_gettext as _l

LABELS = {
    "name": _l("Naam"), "relation": _l("Relatie of functie"), "organisation": _l("Organisatie"),
    "phone": _l("Telefoon"), "email": _l("E-mailadres"), "note": _l("Opmerking"),
    "trusted": _l("Vertrouwenspersoon"), "drug": _l("Geneesmiddel"), "dose": _l("Dosis"),
    "moments": _l("Wanneer innemen"), "food": _l("Met of zonder eten"), "started_on": _l("Gestart op"),
    "stopped_on": _l("Gestopt op"), "kind": _l("Soort"), "recorded_on": _l("Datum van het document"),
    "where_kept": _l("Waar ligt het document?"), "occurred_on": _l("Datum"), "text": _l("Wat gebeurde er?"),
    "household": _l("Wie woont er in huis"), "involvement": _l("Wie is betrokken en hoeveel"),
    "notes": _l("Notities"), "problems": _l("Gekende problemen met de medicatie"),
    "allergies": _l("Allergieën"), "diagnoses": _l("Diagnoses"), "vaccinations": _l("Vaccinaties"),
    "meals": _l("Maaltijden"), "mobility": _l("Mobiliteit"), "earlier_care": _l("Eerdere zorg en ondersteuning"),
    "hospital_stays": _l("Ziekenhuisopnames"), "likes": _l("Wat de persoon graag doet"),
    "wishes": _l("Wensen"), "needs": _l("Waarbij is hulp nodig"),
}
OPTIONS = {
    "morning": _l("'s ochtends"), "noon": _l("'s middags"), "evening": _l("'s avonds"), "night": _l("'s nachts"),
    "as_needed": _l("indien nodig"), "with_food": _l("met eten"), "without_food": _l("zonder eten (nuchter)"),
    "any": _l("maakt niet uit"), "negative": _l("negatieve wilsverklaring (weigering van behandelingen)"),
    "euthanasia": _l("wilsverklaring euthanasie"), "funeral": _l("wilsverklaring begraven of cremeren"),
    "organ_donation": _l("orgaandonatie"), "body_donation": _l("lichaam aan de wetenschap"),
    "other": _l("ander document"), "contact": _l("contact"), "event": _l("gebeurtenis"),
    "admission": _l("opname in het ziekenhuis"), "discharge": _l("ontslag uit het ziekenhuis"),
    "move": _l("verhuis"),
}
ITEM_TITLES = {"contact": _l("Andere contacten"), "medication": _l("Medicatieschema"),
               "directive": _l("Wilsverklaringen"), "journal": _l("Logboek, nieuwste eerst")}
ITEM_ADD = {"contact": _l("Contact toevoegen"), "medication": _l("Geneesmiddel toevoegen"),
            "directive": _l("Wilsverklaring toevoegen"), "journal": _l("Iets noteren in het logboek")}
REQUIRED = _l("Vul dit in.")


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _at_least_one(_form, field):
    if not field.data:
        raise ValidationError(_l("Kies minstens één."))


def _validators(spec: Field) -> list:
    found = [InputRequired(REQUIRED)] if spec.required and spec.kind not in ("flag", "choices") else [Optional()]
    if spec.kind in ("text", "long"):
        found.append(MaxLength(spec.max_length))
    return found


def _field(spec: Field):
    label, validators = LABELS.get(spec.name, spec.name), _validators(spec)
    choices = [(option, OPTIONS[option]) for option in spec.options]
    if spec.kind == "long":
        return TextAreaField(label, validators=validators)
    if spec.kind == "date":
        return DateField(label, validators=validators)
    if spec.kind == "choice":
        return SelectField(label, choices=([] if spec.required else [("", "—")]) + choices, validators=validators)
    if spec.kind == "choices":
        return CheckboxesField(label, choices=choices, validators=[_at_least_one] if spec.required else [])
    if spec.kind == "flag":
        return BooleanField(label)
    return StringField(label, validators=validators)


def form_class(fields: tuple[Field, ...]) -> type[FlaskForm]:
    """A form with one input per declared field, plus the version for stale-edit protection."""
    attributes = {spec.name: _field(spec) for spec in fields}
    attributes["version"] = HiddenField()
    return type("InfoForm", (FlaskForm,), attributes)


def form_data(form, fields: tuple[Field, ...]) -> dict:
    return {spec.name: getattr(form, spec.name).data for spec in fields}


def initial(item, fields: tuple[Field, ...]) -> dict:
    """The item's stored values as form data (dates parsed back)."""
    data = {spec.name: item.as_date(spec.name) if spec.kind == "date" else item.value(spec.name) for spec in fields}
    data["version"] = item.version
    return data
