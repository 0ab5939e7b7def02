"""The consent forms: the matrix (its cells are read from the request by matrix.py) and one member's grants with end
dates. Both carry how consent was given, an optional note and the snapshot the page was rendered with."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, HiddenField, RadioField, TextAreaField
from wtforms.validators import Optional, ValidationError

from models.consent import CATEGORIES
from models.permissions import Designation, Role
from zorgteam import labels
from zorgteam.limits import MaxLength
from zorgteam.translate import lazy_gettext as _l

METHODS = ("in_person", "on_paper", "by_representative")


def field_key(category: str) -> str:
    """'advance-care' -> 'advance_care': a category as part of a field name."""
    return category.replace("-", "_")


def default_method(actor) -> str | None:
    """The person says it themselves; the representative speaks for them; anyone else says how it was given."""
    if actor.role == Role.PERSON:
        return "in_person"
    if Designation.REPRESENTATIVE in actor.held:
        return "by_representative"
    return None


class ConsentForm(FlaskForm):
    method = RadioField(_l("Hoe werd de toestemming gegeven?"),
                        choices=[(m, labels.CONSENT_METHODS[m]) for m in METHODS], validators=[Optional()])
    note = TextAreaField(_l("Notitie (niet verplicht)"), validators=[MaxLength(500)])
    seen = HiddenField()

    def __init__(self, actor, *args, **kw):
        super().__init__(*args, **kw)
        if not self.is_submitted():
            self.method.data = default_method(actor)

    def require_method(self) -> bool:
        if self.method.data in METHODS:
            return True
        self.method.errors = [_l("Kies hoe de toestemming gegeven werd.")]
        return False


def _not_past(_form, field):
    if field.data and field.data < date.today():
        raise ValidationError(_l("De einddatum ligt in het verleden."))


class MemberConsentForm(ConsentForm):
    """Per category: shared or not, and until when (empty: no end date)."""

    def wanted(self, withdraw_all: bool = False) -> dict[str, tuple[bool, date | None]]:
        result = {}
        for category in CATEGORIES:
            key = field_key(category)
            on = self[f"grant_{key}"].data and not withdraw_all
            result[category] = (bool(on), self[f"until_{key}"].data if on else None)
        return result

    def rows(self):
        return [(c, self[f"grant_{field_key(c)}"], self[f"until_{field_key(c)}"]) for c in CATEGORIES]


for _category in CATEGORIES:
    setattr(MemberConsentForm, f"grant_{field_key(_category)}", BooleanField(labels.CATEGORIES[_category]))
    setattr(MemberConsentForm, f"until_{field_key(_category)}",
            DateField(_l("%(category)s: gedeeld tot en met", category=labels.CATEGORIES[_category]),
                      validators=[Optional(), _not_past]))
