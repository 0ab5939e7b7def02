"""The zone staff's list of proposed organisations ("Voorstellen"): accept one (it becomes an organisation on the
map, or is linked to one that was there already) or reject it. Coordinators propose from "Teamlid toevoegen"."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Optional, ValidationError

from models.socialmap import organisations_by_name
from models.socialmap.directory import DirectoryRule
from models.socialmap.proposals import accept, find_proposal, proposals, reject
from zorgteam.access import ZONE_STAFF, Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.socialmap.directory import POSTCODE
from zorgteam.socialmap.texts import KINDS
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("socialmap_proposals", __name__, url_prefix="/socialmap/proposals")


class AcceptForm(FlaskForm):
    existing = SelectField(_l("Staat de organisatie al op de sociale kaart?"), choices=[], default="",
                           validate_choice=False)
    name = StringField(_l("Naam"), validators=[DataRequired(_l("Vul de naam van de organisatie in.")),
                                               MaxLength(200)])
    kind = SelectField(_l("Soort organisatie"), choices=[])
    phone = StringField(_l("Telefoon"), validators=[MaxLength(40)], render_kw={"type": "tel"})
    postcode = StringField(_l("Postcode"), validators=[Optional(), MaxLength(4), POSTCODE])
    city = StringField(_l("Gemeente"), validators=[MaxLength(100)])

    def __init__(self, organisations=(), *args, **kw):
        super().__init__(*args, **kw)
        self.organisations = {str(o.id): o for o in organisations}
        self.kind.choices = [(code, str(label)) for code, label in KINDS.items()]
        self.existing.choices = [("", str(_l("nee: zet ze erop als nieuwe organisatie")))] + [
            (key, f"{o.name} ({o.city})" if o.city else o.name) for key, o in self.organisations.items()]

    def validate_existing(self, field):
        if field.data and field.data not in self.organisations:
            raise ValidationError(_l("Kies een organisatie uit de lijst."))

    def fields(self) -> dict:
        values = {name: (getattr(self, name).data or "").strip() or None for name in ("name", "kind", "phone",
                                                                                    "postcode", "city")}
        return {**values, "languages": "nl"}


def _proposal_or_404(proposal_id: str):
    proposal = find_proposal(get_session(), proposal_id)
    if proposal is None:
        abort(404)
    return proposal


@bp.route("/", access=ZONE_STAFF)
def index():
    db = get_session()
    return render_template("socialmap/proposals.html", waiting=proposals(db),
                           decided=proposals(db, pending=False)[:20])


@bp.route("/<proposal_id>", methods=["GET", "POST"], access=ZONE_STAFF)
def show(proposal_id):
    """The proposal with the form that accepts it (prefilled with the name as the coordinator typed it)."""
    proposal = _proposal_or_404(proposal_id)
    form = AcceptForm(organisations_by_name(get_session()), data={"name": proposal.name})
    if not proposal.pending or not form.validate_on_submit():
        return render_template("socialmap/proposal.html", proposal=proposal, form=form)
    existing = form.organisations.get(form.existing.data or "")
    try:
        organisation = accept(get_session(), current_user._get_current_object(), proposal, existing=existing,
                              **({} if existing else form.fields()))
    except DirectoryRule as error:
        flash(str(error), "error")
        return redirect(url_for("socialmap_proposals.index"))
    flash(_("%(name)s staat op de sociale kaart; wie de organisatie voorstelde, is ermee verbonden.",
            name=organisation.name), "info")
    return redirect(url_for("socialmap_manage.edit", organisation_id=organisation.id))


@bp.route("/<proposal_id>/reject", methods=["POST"], access=ZONE_STAFF)
def refuse(proposal_id):
    proposal = _proposal_or_404(proposal_id)
    if FlaskForm().validate_on_submit():
        try:
            reject(get_session(), current_user._get_current_object(), proposal)
            flash(_("Het voorstel %(name)s is afgewezen.", name=proposal.name), "info")
        except DirectoryRule as error:
            flash(str(error), "error")
    return redirect(url_for("socialmap_proposals.index"))
