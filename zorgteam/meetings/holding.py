"""Holding a meeting, in one flow: attendance and minutes, the checklist facts, goal evaluations, decisions made
into agreements, the next meeting planned and the meeting closed; afterwards, the feedback questions."""
from __future__ import annotations

import uuid
from datetime import time, timedelta

from flask import flash, redirect, render_template, request, url_for

from models import CareGoal, Member, StaleEdit, audit
from models import meetings as domain
from models.agreements import AgreementRule
from models.goals import GoalRule, care_goals, evaluations_by_goal
from models.meetings import Meeting, MeetingRule
from models.members import team_members
from models.permissions import Permission
from zorgteam.access import team_child
from zorgteam.db import get_session
from zorgteam.meetings import invites
from zorgteam.meetings.forms import (DecisionForm, FactsForm, FeedbackForm, MeetingEvaluationForm, MinutesForm,
                                     NextMeetingForm, mode_choices)
from zorgteam.meetings.views import bp, checklist_of, settings
from zorgteam.translate import gettext as _


def _back(team, meeting: Meeting, anchor: str | None = None):
    return redirect(url_for("meetings.hold", team_id=team.id, meeting_id=meeting.id, _anchor=anchor))


def _open_or_back(team, meeting: Meeting):
    if meeting.is_planned:
        return None
    flash(_("Dit overleg is al afgesloten of geannuleerd."), "error")
    return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))


def _forms(db, team, meeting: Meeting, **given) -> dict:
    members = team_members(db, team)
    goals = [g for g in care_goals(db, team.id) if g.is_open]
    minutes = given.get("minutes") or MinutesForm(meeting.invitees, formdata=None, obj=meeting)
    if "minutes" not in given:
        minutes.version.data = str(meeting.version)
    facts = given.get("facts") or FactsForm(formdata=None)
    if "facts" not in given:
        facts.fill(meeting.facts or {})
    next_form = given.get("next") or NextMeetingForm(formdata=None, place=meeting.place, video_link=meeting.video_link,
                                                     day=domain.meeting_day(meeting) + timedelta(weeks=12))
    return {"minutes_form": minutes, "facts_form": facts, "next_form": next_form,
            "decision_form": given.get("decision") or DecisionForm(members, goals, formdata=None),
            "goals": goals, "evaluated": {e.care_goal_id for e in domain.evaluations_of(db, meeting)},
            "latest": evaluations_by_goal(db, team.id), "modes": mode_choices()}


def _page(db, team, member, meeting: Meeting, status: int = 200, **given):
    context = _forms(db, team, meeting, **given)
    return render_template("meetings/hold.html", team=team, member=member, meeting=meeting,
                           checklist=checklist_of(db, meeting), decisions=domain.decisions_of(db, meeting),
                           agenda=domain.visible_agenda(db, meeting, member), **context), status


@bp.route("/<meeting_id>/hold", methods=["GET"], access=Permission.MEETINGS_MANAGE)
def hold(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    audit.record(db, member, "read", team=team, target=meeting, category="meetings")
    return _open_or_back(team, meeting) or _page(db, team, member, meeting)


def _modes(meeting: Meeting) -> tuple[dict, set]:
    modes, paid = {}, set()
    for invitee in meeting.invitees:
        modes[invitee.member_id] = request.form.get(f"mode-{invitee.member_id}") or None
        if request.form.get(f"paid-{invitee.member_id}"):
            paid.add(invitee.member_id)
    return modes, paid


@bp.route("/<meeting_id>/minutes", methods=["POST"], access=Permission.MEETINGS_MANAGE)
def minutes(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    form = MinutesForm(meeting.invitees)
    if (closed := _open_or_back(team, meeting)) or not form.validate_on_submit():
        return closed or _page(db, team, member, meeting, 422, minutes=form)
    modes, paid = _modes(meeting)
    try:
        domain.record_attendance(db, meeting, member, modes, paid)
        domain.save_minutes(db, meeting, member, int(form.version.data or 0), form.minutes.data)
    except StaleEdit:
        form = MinutesForm(meeting.invitees, formdata=None, obj=meeting)
        form.version.data = str(meeting.version)
        form.form_errors.append(_("Iemand anders heeft het verslag intussen gewijzigd. Hieronder ziet u de huidige "
                                  "versie; voer uw wijziging opnieuw in."))
        return _page(db, team, member, meeting, 409, minutes=form)
    except MeetingRule as error:
        form.form_errors.append(str(error))
        return _page(db, team, member, meeting, 422, minutes=form)
    flash(_("Aanwezigheid en verslag zijn bewaard."), "info")
    return _back(team, meeting, "goals-h")


@bp.route("/<meeting_id>/facts", methods=["POST"], access=Permission.MEETINGS_MANAGE)
def facts(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    form = FactsForm()
    if not form.validate_on_submit():
        return _page(db, team, member, meeting, 422, facts=form)
    domain.save_facts(db, meeting, member, form.facts())
    flash(_("De gegevens voor de vergoeding zijn bewaard."), "info")
    target = "meetings.hold" if meeting.is_planned else "meetings.show"
    return redirect(url_for(target, team_id=team.id, meeting_id=meeting.id, _anchor="checklist-h"))


@bp.route("/<meeting_id>/goals/<care_goal_id>/evaluate", methods=["GET", "POST"],
          access=Permission.CARE_GOALS_EVALUATE)
def evaluate(team, member, meeting_id, care_goal_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    goal = team_child(team, CareGoal, care_goal_id)
    if closed := _open_or_back(team, meeting):
        return closed
    form = MeetingEvaluationForm(goal)
    if request.method == "GET":
        form.achievement.data = goal.achievement
    if not form.validate_on_submit():
        return render_template("meetings/evaluate.html", team=team, member=member, meeting=meeting, goal=goal,
                               form=form)
    try:
        domain.evaluate_in_meeting(db, meeting, goal, member, level=int(form.level.data) if goal.gas else None,
                                   achievement=form.achievement.data, remark=form.remark.data or None)
    except (GoalRule, MeetingRule) as error:
        form.form_errors.append(str(error))
        return render_template("meetings/evaluate.html", team=team, member=member, meeting=meeting, goal=goal,
                               form=form), 422
    flash(_("De evaluatie is bewaard bij dit overleg."), "info")
    if member.may(Permission.MEETINGS_MANAGE):
        return _back(team, meeting, "goals-h")
    return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))


def _goal_id(team, value: str) -> uuid.UUID | None:
    return team_child(team, CareGoal, value).id if value else None


@bp.route("/<meeting_id>/decisions", methods=["POST"], access=Permission.MEETINGS_MANAGE)
def decide(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    form = DecisionForm(team_members(db, team), [g for g in care_goals(db, team.id) if g.is_open])
    if (closed := _open_or_back(team, meeting)) or not form.validate_on_submit():
        return closed or _page(db, team, member, meeting, 422, decision=form)
    owner = team_child(team, Member, form.owner.data) if form.owner.data else None
    try:
        domain.add_decision(db, meeting, member, what=form.what.data, owner=owner, due_on=form.due_on.data,
                            recurrence=form.recurrence.data, care_goal_id=_goal_id(team, form.care_goal.data))
    except (AgreementRule, MeetingRule) as error:
        form.form_errors.append(str(error))
        return _page(db, team, member, meeting, 422, decision=form)
    flash(_("De afspraak is bewaard."), "info")
    return _back(team, meeting, "decisions-h")


def _plan_next(db, team, member, meeting: Meeting, form: NextMeetingForm) -> Meeting:
    organiser = db.get(Member, meeting.organiser_id) if meeting.organiser_id else None
    return domain.plan_meeting(
        db, team, member, kind=meeting.kind, starts_at=domain.at_brussels(form.day.data, form.start.data),
        duration_minutes=meeting.duration_minutes, place=(form.place.data or "").strip() or meeting.place,
        video_link=(form.video_link.data or "").strip() or None, organiser=organiser,
        invitees=[i.member for i in meeting.invitees if i.member.active],
        agenda=domain.propose_agenda(db, team, member, domain.at_brussels(form.day.data, form.start.data),
                                     interval_days=settings().goal_evaluation_days),
        facts={k: v for k, v in (meeting.facts or {}).items() if k in ("residence", "consent", "psychiatric")})


@bp.route("/<meeting_id>/close", methods=["POST"], access=Permission.MEETINGS_MANAGE)
def close(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    form = NextMeetingForm()
    if (closed := _open_or_back(team, meeting)) or not form.validate_on_submit():
        return closed or _page(db, team, member, meeting, 422, next=form)
    form.start.data = form.start.data or time(14, 0)
    try:
        following = _plan_next(db, team, member, meeting, form) if form.day.data else None
        domain.close_meeting(db, meeting, member, following, no_next_reason=form.no_next_reason.data)
    except MeetingRule as error:
        form.form_errors.append(str(error))
        return _page(db, team, member, meeting, 422, next=form)
    db.flush()
    if following is not None:
        invites.send_invites(db, following)
    flash(_("Het overleg is afgesloten.") + (" " + _("Het volgende overleg is gepland en de uitnodigingen zijn "
                                                     "verstuurd.") if following else ""), "info")
    return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))


@bp.route("/<meeting_id>/feedback", methods=["GET", "POST"], access=Permission.MEETINGS_VIEW,
          change_form=True)
def feedback(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    if not domain.may_give_feedback(meeting, member):
        flash(_("Alleen wie aan dit overleg deelnam, kan er na afloop iets over zeggen."), "error")
        return redirect(url_for("meetings.index", team_id=team.id))
    form = FeedbackForm()
    if not form.validate_on_submit():
        return render_template("meetings/feedback.html", team=team, member=member, meeting=meeting, form=form)
    domain.give_feedback(db, meeting, member, helped=form.helped.data, change=form.change.data)
    flash(_("Bedankt voor uw antwoord."), "info")
    return redirect(url_for("meetings.index", team_id=team.id))
