"""The team's referrals (verwijzingen): to an organisation of the social map for one need, followed from asked
to started, with the days it took."""
from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, InputRequired

from models import StaleEdit, audit
from models.permissions import Permission
from models.socialmap import Referral, search
from models.socialmap.referrals import MAX_NOTE, ReferralRule, advance, median_days_to_start, referrals_of, refer
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.socialmap.directory import need_choices, organisation_or_404
from zorgteam.socialmap.texts import REFERRAL_STATUSES
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("referrals", __name__, url_prefix="/teams/<team_id>/referrals")


class ReferralForm(FlaskForm):
    need = SelectField(_l("Waarvoor verwijst u door?"), choices=[], validators=[DataRequired(_l("Kies een nood."))])
    organisation_id = RadioField(_l("Naar welke organisatie?"), choices=[],
                                 validators=[InputRequired(_l("Kies een organisatie."))])
    asked_on = DateField(_l("Gevraagd op"), default=date.today,
                         validators=[InputRequired(_l("Vul de datum in waarop de hulp gevraagd werd."))])
    note = TextAreaField(_l("Notitie (waarom, wat afgesproken is)"), validators=[
        MaxLength(MAX_NOTE)])

    def __init__(self, found, *args, **kw):
        super().__init__(*args, **kw)
        self.need.choices = need_choices("—")
        self.organisation_id.choices = [(str(o.id), o.name) for o, _service in found]


class StatusForm(FlaskForm):
    status = SelectField(_l("Nieuwe stand"), choices=[])
    on = DateField(_l("Op welke dag"), default=date.today,
                   validators=[InputRequired(_l("Vul de datum in."))])
    version = HiddenField()

    def __init__(self, referral: Referral, *args, **kw):
        super().__init__(*args, **kw)
        self.status.choices = [(s, str(REFERRAL_STATUSES[s])) for s in referral.next_statuses()]


def status_form(referral: Referral, **kw) -> StatusForm:
    """The status form of one referral; its own prefix keeps field ids apart on a page with several."""
    return StatusForm(referral, prefix=f"r{referral.id.hex[:8]}", **kw)


def postcode_of(team) -> str | None:
    return (team.person.address or {}).get("postcode")


@bp.route("/", access=Permission.REFERRALS_VIEW)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="referrals")
    referrals = referrals_of(db, team.id)
    forms = {r.id: status_form(r, formdata=None, data={"version": r.version}) for r in referrals if r.next_statuses()}
    return render_template("socialmap/referrals.html", team=team, member=member, referrals=referrals, forms=forms,
                           median=median_days_to_start(referrals), today=date.today())


def _found(team, need: str | None) -> list:
    """The organisations answering `need` where the person lives (or anywhere, when the address has no postcode)."""
    return search(get_session(), need=need, postcode=postcode_of(team)) if need else []


@bp.route("/new", methods=["GET", "POST"], access=Permission.REFERRALS_MANAGE)
def new(team, member):
    need = request.values.get("need") or None
    found = _found(team, need)
    form = ReferralForm(found)
    if request.method == "GET":
        form.need.data = need
        form.organisation_id.data = request.args.get("organisation")
    if request.method == "GET" or not form.validate_on_submit():
        return _new_page(team, member, form, found, need, 200 if request.method == "GET" else 422)
    try:
        referral = refer(get_session(), team, member, organisation_or_404(form.organisation_id.data),
                         need=form.need.data, asked_on=form.asked_on.data, note=form.note.data)
    except ReferralRule as error:
        form.form_errors.append(str(error))
        return _new_page(team, member, form, found, need, 422)
    flash(_("De verwijzing naar %(name)s is bewaard.", name=referral.organisation.name), "info")
    return redirect(url_for("referrals.index", team_id=team.id))


def _new_page(team, member, form, found, need, status: int):
    return render_template("socialmap/referral_form.html", team=team, member=member, form=form, found=found,
                           need=need, postcode=postcode_of(team)), status


@bp.route("/<referral_id>/status", methods=["POST"], access=Permission.REFERRALS_MANAGE)
def status(team, member, referral_id):
    referral = team_child(team, Referral, referral_id)
    form = status_form(referral)
    if not form.validate_on_submit():
        flash(_("Kies de nieuwe stand en de dag."), "error")
        return redirect(url_for("referrals.index", team_id=team.id))
    try:
        advance(get_session(), team, referral, member, int(form.version.data or 0), form.status.data, form.on.data)
    except StaleEdit:
        flash(_("Iemand anders heeft deze verwijzing intussen gewijzigd. Bekijk de huidige stand en probeer opnieuw."),
              "error")
    except ReferralRule as error:
        flash(str(error), "error")
    else:
        flash(_("De verwijzing naar %(name)s staat nu op: %(status)s.", name=referral.organisation.name,
                status=REFERRAL_STATUSES[referral.status]), "info")
    return redirect(url_for("referrals.index", team_id=team.id))
