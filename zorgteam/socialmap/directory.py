"""The social map's directory for every logged-in user: search by need and postcode, and an organisation's page."""
from __future__ import annotations

import uuid

from flask import abort, render_template, request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import Optional, Regexp

from models.socialmap import Organisation, first_contacts, search
from models.socialmap.proposals import pending_count
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.socialmap.texts import NEEDS
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("socialmap", __name__, url_prefix="/socialmap")
POSTCODE = Regexp(r"^[1-9][0-9]{3}$", message=_l("Een postcode heeft 4 cijfers, bijvoorbeeld 2440."))


def need_choices(blank: str) -> list[tuple[str, str]]:
    return [("", blank)] + [(code, str(label)) for code, label in NEEDS.items()]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a search changes nothing

    need = SelectField(_l("Waarvoor zoekt u hulp?"), choices=[], validators=[Optional()])
    postcode = StringField(_l("Postcode waar de persoon woont"), validators=[Optional(), MaxLength(4), POSTCODE],
                           render_kw={"inputmode": "numeric", "autocomplete": "postal-code"})
    q = StringField(_l("Naam van de organisatie (mag leeg)"), validators=[Optional(), MaxLength(100)])

    def __init__(self, *args, **kw):
        super().__init__(*args, **kw)
        self.need.choices = need_choices(str(_l("alle soorten hulp")))


@bp.route("/", access=LOGGED_IN)
def index():
    """Search the directory; without a question it asks for one instead of listing everything."""
    form = SearchForm(request.args)
    asked = any(request.args.get(k) for k in ("need", "postcode", "q"))
    valid = asked and form.validate()
    results = search(get_session(), need=form.need.data or None, postcode=form.postcode.data or None,
                     text=(form.q.data or "").strip() or None) if valid else []
    contacts = first_contacts(get_session(), form.postcode.data) if valid and form.postcode.data else []
    staff = current_user.zone_staff
    return render_template("socialmap/index.html", form=form, asked=asked, valid=valid, results=results,
                           contacts=contacts, staff=staff, proposals_waiting=pending_count(get_session()) if staff else 0)


def organisation_or_404(organisation_id: str) -> Organisation:
    try:
        found = get_session().get(Organisation, uuid.UUID(organisation_id))
    except ValueError:
        found = None
    if found is None:
        abort(404)
    return found


@bp.route("/<organisation_id>", access=LOGGED_IN)
def show(organisation_id):
    organisation = organisation_or_404(organisation_id)
    return render_template("socialmap/show.html", organisation=organisation, staff=current_user.zone_staff)
