"""The zone staff's pages for the contact persons of an organisation: add one, change one (a stale change is
refused), take one off the map. Everyone sees them on the organisation's page (socialmap/show.html)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Optional

from models import StaleEdit
from models.members import DISCIPLINES
from models.socialmap.contacts import find_contact, remove_contact, save_contact
from zorgteam import labels
from zorgteam.access import ZONE_STAFF, Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.socialmap.directory import organisation_or_404
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("socialmap_contacts", __name__, url_prefix="/socialmap")


class ContactForm(FlaskForm):
    name = StringField(_l("Naam van de contactpersoon"), validators=[
        DataRequired(_l("Vul de naam van de contactpersoon in.")), MaxLength(200)])
    discipline = SelectField(_l("Discipline"), choices=[])
    function = StringField(_l("Wat doet deze persoon daar?"), validators=[MaxLength(200)])
    phone = StringField(_l("Telefoon"), validators=[MaxLength(40)], render_kw={"type": "tel"})
    email = EmailField(_l("E-mailadres"), validators=[Optional(), Email(_l("Dit is geen geldig e-mailadres.")),
                                                      MaxLength(254)])
    reachability = TextAreaField(_l("Wanneer en hoe bereikbaar"), validators=[MaxLength(500)])
    version = HiddenField()

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.discipline.choices = [("", "—")] + [(d, str(labels.DISCIPLINES[d])) for d in DISCIPLINES]

    def fields(self) -> dict:
        values = {name: (getattr(self, name).data or "").strip() or None
                  for name in ("name", "discipline", "function", "phone", "reachability")}
        return {**values, "email": (self.email.data or "").strip().lower() or None}


def _contact_or_404(contact_id: str):
    contact = find_contact(get_session(), contact_id)
    if contact is None:
        abort(404)
    return contact


def _page(form, organisation, contact=None, status: int = 200):
    return render_template("socialmap/contact_form.html", form=form, organisation=organisation,
                           contact=contact), status


@bp.route("/<organisation_id>/contacts/new", methods=["GET", "POST"], access=ZONE_STAFF)
def add(organisation_id):
    organisation = organisation_or_404(organisation_id)
    form = ContactForm()
    if not form.validate_on_submit():
        return _page(form, organisation)
    contact = save_contact(get_session(), current_user._get_current_object(), organisation, None, None,
                           **form.fields())
    flash(_("%(name)s staat bij de contactpersonen van %(organisation)s.", name=contact.name,
            organisation=organisation.name), "info")
    return redirect(url_for("socialmap.show", organisation_id=organisation.id))


@bp.route("/contacts/<contact_id>/edit", methods=["GET", "POST"], access=ZONE_STAFF)
def edit(contact_id):
    contact = _contact_or_404(contact_id)
    form = ContactForm(obj=contact)
    if not form.validate_on_submit():
        return _page(form, contact.organisation, contact)
    try:
        save_contact(get_session(), current_user._get_current_object(), contact.organisation, contact,
                     int(form.version.data or 0), **form.fields())
    except StaleEdit:
        fresh = ContactForm(obj=contact, formdata=None)
        fresh.form_errors.append(_("Iemand anders heeft deze contactpersoon intussen gewijzigd. Hieronder ziet u "
                                   "de huidige gegevens; voer uw wijziging opnieuw in."))
        return _page(fresh, contact.organisation, contact, 409)
    flash(_("De gegevens van %(name)s zijn bewaard.", name=contact.name), "info")
    return redirect(url_for("socialmap.show", organisation_id=contact.organisation_id))


@bp.route("/contacts/<contact_id>/remove", methods=["POST"], access=ZONE_STAFF)
def remove(contact_id):
    contact = _contact_or_404(contact_id)
    organisation_id, name = contact.organisation_id, contact.name
    if FlaskForm().validate_on_submit():
        remove_contact(get_session(), current_user._get_current_object(), contact)
        flash(_("%(name)s staat niet meer bij de contactpersonen.", name=name), "info")
    return redirect(url_for("socialmap.show", organisation_id=organisation_id))
