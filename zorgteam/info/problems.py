"""Reporting a medication problem (a side effect, trouble taking it): it reaches the GP and the pharmacist as a
professionals-only message and an agreement to follow it up, and they are told by mail (without its content)."""
from __future__ import annotations

from datetime import date, timedelta

from flask import flash, redirect, render_template, url_for
from flask_wtf import FlaskForm
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired

from models import info as domain
from models.agreements import add_agreement
from models.members import current_designations, team_members
from models.messages import post_message
from models.permissions import Permission
from zorgteam.access import Blueprint
from zorgteam.db import get_session
from zorgteam.info.notify import _link, mail_members
from zorgteam.limits import MaxLength
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("medication", __name__, url_prefix="/teams/<team_id>/info/medication")
KINDS = {"side_effect": _l("bijwerking"), "intake": _l("probleem met innemen"), "other": _l("iets anders")}
FOLLOW_UP_DAYS = 2


class ProblemForm(FlaskForm):
    kind = SelectField(_l("Wat voor probleem?"), choices=[])
    drug = SelectField(_l("Welk geneesmiddel?"), choices=[])
    description = TextAreaField(_l("Wat merkt u?"), validators=[
        DataRequired(_l("Beschrijf wat u merkt.")), MaxLength(2000)])

    def __init__(self, lines, *args, **kw):
        super().__init__(*args, **kw)
        self.kind.choices = [(key, str(label)) for key, label in KINDS.items()]
        self.drug.choices = [("", str(_l("weet ik niet / meerdere")))] + [
            (str(line.id), line.value("drug")) for line in lines]


def _responders(db, team) -> list:
    """The GP and the pharmacist of the team (the coordinator when neither is in it)."""
    members = team_members(db, team)
    found = [m for m in members if m.discipline in ("gp", "pharmacist")]
    if found:
        return found
    coordinator = current_designations(db, team).get("coordinator")
    return [coordinator.member] if coordinator else []


def report(db, team, member, form, lines) -> None:
    drug = next((line.value("drug") for line in lines if str(line.id) == form.drug.data), None)
    body = _("Medicatieprobleem (%(kind)s)%(drug)s: %(text)s", kind=KINDS[form.kind.data],
             drug=f", {drug}" if drug else "", text=form.description.data.strip())
    post_message(db, team, member, body, audience="professionals", kind="medication-problem")
    responders = _responders(db, team)
    gp = next((m for m in responders if m.discipline == "gp"), responders[0] if responders else None)
    add_agreement(db, team, None, owner=gp, due_on=date.today() + timedelta(days=FOLLOW_UP_DAYS),
                  what=_("Gemeld medicatieprobleem opvolgen en terugkoppelen aan %(name)s", name=member.name))
    mail_members(db, [m for m in responders if m.id != member.id],
                 _("Medicatieprobleem gemeld in het zorgteam van %(initials)s", initials=team.person.initials),
                 _("Er is een medicatieprobleem gemeld in het zorgteam van %(initials)s.\n\nBekijk het hier:\n"
                   "%(link)s\n", initials=team.person.initials,
                   link=_link("info.category", team_id=team.id, category="medication")))


@bp.route("/problem", methods=["GET", "POST"], access=Permission.INFO_VIEW, change_form=True)
def problem(team, member):
    db = get_session()
    domain.require_visible(db, member, "medication")
    lines = domain.items_of(db, team.id, "medication")
    form = ProblemForm(lines)
    if not form.validate_on_submit():
        return render_template("info/problem.html", team=team, member=member, form=form)
    report(db, team, member, form, lines)
    flash(_("Dank u. De huisarts en de apotheker zijn verwittigd en volgen het op."), "info")
    return redirect(url_for("info.category", team_id=team.id, category="medication"))
