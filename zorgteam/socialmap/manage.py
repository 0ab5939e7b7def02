"""The zone staff's pages: adding and changing organisations on the social map, and what each offers.

Who is zone staff: an account with `zone_staff` set (`flask --app app socialmap staff EMAIL`; Griet in the demo).
"""
from __future__ import annotations

import re
from datetime import date

from flask import flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, EmailField, HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, NumberRange, Optional, ValidationError

from models import StaleEdit
from models.socialmap.directory import DirectoryRule, remove_service, save_organisation, save_service
from zorgteam.access import ZONE_STAFF, Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.socialmap.directory import POSTCODE, need_choices, organisation_or_404
from zorgteam.socialmap.texts import KINDS, LANGUAGES
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("socialmap_manage", __name__, url_prefix="/socialmap")
POSTCODES = re.compile(r"^([1-9][0-9]{3}\s*)*$")


class OrganisationForm(FlaskForm):
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam van de organisatie in.")),
                                               MaxLength(200)])
    kind = SelectField(_l("Soort organisatie"), choices=[])
    phone = StringField(_l("Telefoon"), validators=[MaxLength(40)], render_kw={"type": "tel"})
    email = EmailField(_l("E-mailadres"), validators=[Optional(), Email(_l("Dit is geen geldig e-mailadres.")),
                                                      MaxLength(254)])
    website = StringField(_l("Website"), validators=[MaxLength(300)])
    address = StringField(_l("Straat en huisnummer"), validators=[MaxLength(200)])
    postcode = StringField(_l("Postcode"), validators=[Optional(), MaxLength(4), POSTCODE])
    city = StringField(_l("Gemeente"), validators=[MaxLength(100)])
    languages = StringField(_l("Talen (codes, met spaties: nl fr en)"), validators=[MaxLength(60)], default="nl")
    last_checked = DateField(_l("Laatst nagekeken op"), validators=[Optional()], default=date.today)
    version = HiddenField()

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.kind.choices = [(code, str(label)) for code, label in KINDS.items()]

    def validate_languages(self, field):
        if any(code not in LANGUAGES for code in (field.data or "").split()):
            raise ValidationError(_l("Gebruik taalcodes, bijvoorbeeld: nl fr en."))

    def fields(self) -> dict:
        values = {name: (getattr(self, name).data or "").strip() or None
                  for name in ("name", "kind", "phone", "email", "website", "address", "postcode", "city")}
        return {**values, "languages": " ".join((self.languages.data or "nl").split()) or "nl",
                "last_checked": self.last_checked.data}


class ServiceForm(FlaskForm):
    need = SelectField(_l("Nood"), choices=[], validators=[DataRequired(_l("Kies een nood."))])
    description = TextAreaField(_l("Wat ze doen"), validators=[MaxLength(500)])
    postcodes = StringField(_l("Voor welke postcodes (met spaties; leeg: voor iedereen)"),
                            validators=[MaxLength(1000)])
    waiting_weeks = IntegerField(_l("Wachttijd in weken"), validators=[
        Optional(), NumberRange(min=0, max=520, message=_l("Geef een aantal weken tussen 0 en 520."))])
    waiting_list = BooleanField(_l("Er is een wachtlijst (wachttijd niet te zeggen)"))

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.need.choices = need_choices("—")

    def validate_postcodes(self, field):
        if not POSTCODES.match(field.data or ""):
            raise ValidationError(_l("Geef postcodes van 4 cijfers, gescheiden door spaties."))


def _form_page(form, organisation=None, status: int = 200):
    return render_template("socialmap/form.html", form=form, organisation=organisation,
                           service_form=ServiceForm(formdata=None)), status


@bp.route("/new", methods=["GET", "POST"], access=ZONE_STAFF)
def new():
    form = OrganisationForm()
    if not form.validate_on_submit():
        return _form_page(form)
    organisation = save_organisation(get_session(), current_user._get_current_object(), None, None,
                                     **form.fields())
    flash(_("%(name)s staat op de sociale kaart. Vul nu in wat ze aanbieden.", name=organisation.name), "info")
    return redirect(url_for("socialmap_manage.edit", organisation_id=organisation.id))


@bp.route("/<organisation_id>/edit", methods=["GET", "POST"], access=ZONE_STAFF)
def edit(organisation_id):
    organisation = organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    if not form.validate_on_submit():
        return _form_page(form, organisation)
    try:
        save_organisation(get_session(), current_user._get_current_object(), organisation,
                          int(form.version.data or 0), **form.fields())
    except StaleEdit:
        fresh = OrganisationForm(obj=organisation, formdata=None)
        fresh.form_errors.append(_("Iemand anders heeft deze organisatie intussen gewijzigd. Hieronder ziet u de "
                                   "huidige gegevens; voer uw wijziging opnieuw in."))
        return _form_page(fresh, organisation, 409)
    flash(_("De gegevens van %(name)s zijn bewaard.", name=organisation.name), "info")
    return redirect(url_for("socialmap.show", organisation_id=organisation.id))


@bp.route("/<organisation_id>/services", methods=["POST"], access=ZONE_STAFF)
def add_service(organisation_id):
    organisation = organisation_or_404(organisation_id)
    form = ServiceForm()
    if not form.validate_on_submit():
        page = render_template("socialmap/form.html", form=OrganisationForm(obj=organisation, formdata=None),
                               organisation=organisation, service_form=form)
        return page, 422
    try:
        save_service(get_session(), current_user._get_current_object(), organisation, need=form.need.data,
                     description=(form.description.data or "").strip() or None, postcodes=form.postcodes.data or "",
                     waiting_weeks=form.waiting_weeks.data, waiting_list=form.waiting_list.data)
    except DirectoryRule as error:
        flash(str(error), "error")
    return redirect(url_for("socialmap_manage.edit", organisation_id=organisation.id))


@bp.route("/<organisation_id>/services/<need>/remove", methods=["POST"], access=ZONE_STAFF)
def remove(organisation_id, need):
    organisation = organisation_or_404(organisation_id)
    if FlaskForm().validate_on_submit():
        try:
            remove_service(get_session(), current_user._get_current_object(), organisation, need)
        except DirectoryRule as error:
            flash(str(error), "error")
    return redirect(url_for("socialmap_manage.edit", organisation_id=organisation.id))
