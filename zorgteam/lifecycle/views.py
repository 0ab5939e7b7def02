"""Starting a care team (/teams/new, for every logged-in account), rewriting its care question
(/teams/<team_id>/care-question: the person, their representative, the coordinator) and closing it
(/teams/<team_id>/close, the coordinator)."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from models import Member, StaleEdit, audit
from models.lifecycle import LifecycleRule, PersonHasTeam, change_care_question, close_team, start_team
from models.members import MembershipRule, add_member, designate, invite, load_membership
from models.people import InvalidINSZ
from models.permissions import Permission, Role
from zorgteam.access import LOGGED_IN, Blueprint
from zorgteam.db import get_session, keep_changes
from zorgteam.lifecycle.forms import CareQuestionForm, CloseForm, NewTeamForm
from zorgteam.meetings import invites
from zorgteam.members import invitation_mail
from zorgteam.translate import gettext as _

bp = Blueprint("lifecycle", __name__)


def _form_page(form, status: int = 200):
    return render_template("lifecycle/new.html", form=form), status


@bp.route("/teams/new", methods=["GET", "POST"], access=LOGGED_IN)
def new():
    form = NewTeamForm()
    if not form.validate_on_submit():
        return _form_page(form, 422 if form.is_submitted() else 200)
    db = get_session()
    try:
        founder = start_team(db, form.person(), current_user._get_current_object(),
                             actor=current_user._get_current_object(), **form.start())
        _add_first_members(db, founder, form)
    except PersonHasTeam as error:
        keep_changes()  # nothing was created; the look-up stays in that team's audit trail
        form.insz.errors = [_duplicate(db, error.team)]
        return _form_page(form, 422)
    except InvalidINSZ as error:
        form.insz.errors = [str(error)]
        return _form_page(form, 422)
    except (LifecycleRule, MembershipRule) as error:
        form.form_errors.append(str(error))
        return _form_page(form, 422)
    flash(_("Het zorgteam van %(name)s is gestart.", name=founder.team.person.full_name), "info")
    return redirect(url_for("teams.overview", team_id=founder.team_id))


def _duplicate(db, team) -> str:
    """Members are pointed to the team; anyone else learns only that it exists, not whose team it is."""
    if load_membership(db, team.id, current_user.id) is not None:
        return _("U bent al lid van het zorgteam van deze persoon. U vindt het bij Mijn zorgteams.")
    return _("Voor deze persoon bestaat er al een zorgteam. Vraag de persoon of een naaste wie de "
             "zorgcoördinator is; die kan u toevoegen aan het team.")


def _add_first_members(db, founder: Member, form: NewTeamForm) -> None:
    """The rows filled in, as members added by the founder (invited when an address is given), the person's
    invitation; then the coordinator hand-over, when someone else was chosen."""
    team, method = founder.team, form.consent_method.data
    person = db.scalar(select(Member).where(Member.team_id == team.id, Member.role == Role.PERSON))
    added = {"person": person}
    if form.invited_person:
        invitation_mail(team, *invite(db, team, founder, person, form.invited_person))
    for number, row in form.first_members():
        added[str(number)] = add_member(db, team, founder, role=row.role.data, name=row.name.data.strip(),
                                        discipline=row.discipline.data or None,
                                        email=(row.email.data or "").strip().lower() or None, consent_method=method)
        if row.email.data:
            invitation_mail(team, *invite(db, team, founder, added[str(number)], row.email.data))
    if form.coordinator.data in added:
        designate(db, team, founder, "coordinator", added[form.coordinator.data])


def _care_question_page(team, member, form, status: int = 200):
    return render_template("lifecycle/care_question.html", team=team, member=member, form=form), status


def _care_question_data(team) -> dict:
    return {"care_question": team.care_question, "care_level": team.care_level, "version": team.version}


@bp.route("/teams/<team_id>/care-question", methods=["GET", "POST"], access=Permission.PERSON_EDIT)
def care_question(team, member):
    # What is posted stands alone: a field left out is missing, not filled in with what is stored now (a version
    # left out would otherwise be the current one, and the edit never stale).
    form = CareQuestionForm(data=_care_question_data(team)) if request.method == "GET" else CareQuestionForm()
    if not form.validate_on_submit():
        if not form.is_submitted():
            audit.record(get_session(), member, "read", team=team, target=team, category="care-question")
        return _care_question_page(team, member, form, 422 if form.is_submitted() else 200)
    try:
        change_care_question(get_session(), team, member, form.seen_version(), care_question=form.care_question.data,
                             care_level=form.care_level.data)
    except LifecycleRule as error:
        form.form_errors.append(str(error))
        return _care_question_page(team, member, form, 422)
    except StaleEdit:
        fresh = CareQuestionForm(formdata=None, data=_care_question_data(team))
        fresh.form_errors.append(_("Iemand anders heeft de zorgvraag intussen gewijzigd. Hieronder ziet u de "
                                   "huidige zorgvraag; voer uw wijziging opnieuw in."))
        return _care_question_page(team, member, fresh, 409)
    flash(_("De zorgvraag is bewaard."), "info")
    return redirect(url_for("teams.overview", team_id=team.id))


@bp.route("/teams/<team_id>/close", methods=["GET", "POST"], access=Permission.TEAM_CLOSE)
def close(team, member):
    form = CloseForm()  # a closed team never gets here: the guard answers with the 'closed' page
    if not form.validate_on_submit():
        status = 422 if form.is_submitted() else 200
        return render_template("lifecycle/close.html", team=team, member=member, form=form), status
    db = get_session()
    try:
        closing = close_team(db, team, member, reason=form.reason.data, on=form.on.data, note=form.note.data)
    except LifecycleRule as error:
        form.form_errors.append(str(error))
        return render_template("lifecycle/close.html", team=team, member=member, form=form), 422
    db.flush()
    for meeting in closing.meetings:
        invites.send_invites(db, meeting)
    flash(_("Het zorgteam is afgesloten."), "info")
    return redirect(url_for("teams.overview", team_id=team.id))
