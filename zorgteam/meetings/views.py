"""The meeting pages: the list, planning, the meeting itself, moving and cancelling, the invite and the report.

Each view loads and authorises through the guard (`team`, `member`), calls one domain operation, sends the
calendar mail the change calls for, flashes and redirects. Holding the meeting lives in holding.py.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from flask import current_app, flash, redirect, render_template, request, url_for

from models import Member, StaleEdit, audit
from models import meetings as domain
from models.calendar import meeting_ics
from models.meetings import Meeting, MeetingRule, Thresholds
from models.goals import care_goals
from models.members import team_members
from models.permissions import Permission
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session
from zorgteam.meetings import invites, texts
from zorgteam.meetings.forms import CancelForm, FactsForm, PlanForm, agenda_key
from zorgteam.translate import gettext as _

bp = Blueprint("meetings", __name__, url_prefix="/teams/<team_id>/meetings", cli_group=None)


@bp.record_once
def _texts(state) -> None:
    """The meeting words, also for the overview and macros imported without context."""
    state.app.jinja_env.globals.update(MEETING=texts)


def settings():
    return current_app.config["ZORGTEAM"]


def checklist_of(db, meeting: Meeting):
    return domain.checklist(db, meeting, Thresholds.from_settings(settings()),
                            decisions=len(domain.decisions_of(db, meeting)))


def _visible_meetings(db, team, member) -> list[Meeting]:
    """Everyone sees the meetings they are invited to; only who may read meetings sees the others."""
    found = domain.meetings_of(db, team.id)
    if member.may(Permission.MEETINGS_READ):
        return found
    return [m for m in found if m.invitee_of(member.id) is not None]


@bp.route("/", access=Permission.MEETINGS_VIEW)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="meetings")
    found = _visible_meetings(db, team, member)
    now = datetime.now().astimezone()
    upcoming = sorted((m for m in found if m.is_planned and m.ends_at >= now), key=lambda m: m.starts_at)
    earlier = [m for m in found if m not in upcoming]
    return render_template("meetings/index.html", team=team, member=member, upcoming=upcoming, earlier=earlier)


def _goals_by_id(db, team) -> dict:
    return {goal.id: goal for goal in care_goals(db, team.id)}


def viewable(meeting: Meeting, member) -> bool:
    return member.may(Permission.MEETINGS_READ) or meeting.invitee_of(member.id) is not None


def _not_invited(team):
    flash(_("U bent niet uitgenodigd voor dit overleg."), "error")
    return redirect(url_for("meetings.index", team_id=team.id))


def _default_start() -> datetime:
    return domain.at_brussels(date.today() + timedelta(days=14), datetime.strptime("14:00", "%H:%M").time())


def _starts_at(form) -> datetime:
    return domain.at_brussels(form.day.data, form.start.data)


def _plan_form(db, team, member, meeting: Meeting | None = None, **kw) -> PlanForm:
    members = team_members(db, team)
    if meeting is not None:
        agenda = domain.visible_agenda(db, meeting, member)
        agenda = [item for item in agenda if not item.get("hidden")]
    else:
        starts = _starts_at_submitted() or _default_start()
        agenda = domain.propose_agenda(db, team, member, starts, interval_days=settings().goal_evaluation_days)
    return PlanForm(members, agenda, **kw)


def _starts_at_submitted() -> datetime | None:
    try:
        day = date.fromisoformat(request.form.get("day", ""))
        start = datetime.strptime(request.form.get("start", ""), "%H:%M").time()
    except ValueError:
        return None
    return domain.at_brussels(day, start)


def _fill_new(db, team, form: PlanForm) -> None:
    starts = domain.brussels(_default_start())
    form.day.data, form.start.data = starts.date(), starts.time()
    form.invitees.data = [str(m.id) for m in domain.default_invitees(db, team)]
    form.agenda_keep.data = [agenda_key(item) for item in form.proposed]
    person = team.person
    form.place.data = f"{_('Bij %(name)s thuis', name=person.given_name)}, {person.address_line}" \
        if person.address_line else ""


def _chosen(team, form: PlanForm) -> tuple[Member | None, list[Member]]:
    organiser = team_child(team, Member, form.organiser.data) if form.organiser.data else None
    return organiser, [team_child(team, Member, value) for value in form.invitees.data or []]


@bp.route("/new", methods=["GET", "POST"], access=Permission.MEETINGS_MANAGE)
def plan(team, member):
    db = get_session()
    form = _plan_form(db, team, member)
    if request.method == "GET":
        _fill_new(db, team, form)
    if not form.validate_on_submit():
        return render_template("meetings/plan.html", team=team, member=member, form=form, new=True)
    organiser, invitees = _chosen(team, form)
    try:
        meeting = domain.plan_meeting(db, team, member, kind=form.kind.data, starts_at=_starts_at(form),
                                      duration_minutes=form.duration.data, place=form.place.data.strip(),
                                      video_link=(form.video_link.data or "").strip(), organiser=organiser,
                                      invitees=invitees, agenda=form.agenda())
    except MeetingRule as error:
        form.form_errors.append(str(error))
        return render_template("meetings/plan.html", team=team, member=member, form=form, new=True), 422
    db.flush()
    invites.send_invites(db, meeting)
    flash(_("Het overleg is gepland; de uitgenodigden krijgen een uitnodiging in hun agenda."), "info")
    return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))


@bp.route("/<meeting_id>/", access=Permission.MEETINGS_VIEW)
def show(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    if not viewable(meeting, member):
        return _not_invited(team)
    reads = member.may(Permission.MEETINGS_READ)
    audit.record(db, member, "read", team=team, target=meeting, category="meetings")
    context = {"agenda": domain.visible_agenda(db, meeting, member) if reads else [],
               "checklist": checklist_of(db, meeting) if reads else None,
               "evaluations": domain.evaluations_of(db, meeting) if reads else [],
               "goals": _goals_by_id(db, team) if reads else {},
               "decisions": domain.decisions_of(db, meeting) if reads else [],
               "feedback": domain.feedback_of(db, meeting) if member.may(Permission.MEETINGS_MANAGE) else [],
               "next": db.get(Meeting, meeting.next_meeting_id) if meeting.next_meeting_id else None,
               "may_give_feedback": domain.may_give_feedback(meeting, member), "reads": reads,
               "facts_form": _facts_form(meeting, member)}
    return render_template("meetings/show.html", team=team, member=member, meeting=meeting, **context)


def _facts_form(meeting: Meeting, member) -> FactsForm | None:
    if not member.may(Permission.MEETINGS_MANAGE):
        return None
    form = FactsForm(formdata=None)
    form.fill(meeting.facts or {})
    return form


def _fill_edit(form: PlanForm, meeting: Meeting) -> None:
    starts = domain.brussels(meeting.starts_at)
    form.day.data, form.start.data, form.duration.data = starts.date(), starts.time(), meeting.duration_minutes
    form.kind.data, form.place.data, form.video_link.data = meeting.kind, meeting.place, meeting.video_link
    form.organiser.data = str(meeting.organiser_id or "")
    form.invitees.data = [str(i.member_id) for i in meeting.invitees]
    form.agenda_keep.data = [agenda_key(item) for item in form.proposed]
    form.version.data = str(meeting.version)


def _kept_hidden(db, meeting: Meeting, member) -> list[dict]:
    """Agenda items the editor may not see stay on the agenda untouched."""
    visible = domain.visible_agenda(db, meeting, member)
    return [item for item, shown in zip(meeting.agenda or [], visible) if shown.get("hidden")]


@bp.route("/<meeting_id>/edit", methods=["GET", "POST"], access=Permission.MEETINGS_MANAGE)
def edit(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    form = _plan_form(db, team, member, meeting)
    if request.method == "GET":
        _fill_edit(form, meeting)
    if not meeting.is_planned or not form.validate_on_submit():
        return render_template("meetings/plan.html", team=team, member=member, form=form, meeting=meeting)
    organiser, invitees = _chosen(team, form)
    try:
        change = domain.change_meeting(
            db, meeting, member, int(form.version.data or 0), invitees=invitees, kind=form.kind.data,
            starts_at=_starts_at(form), duration_minutes=form.duration.data, place=form.place.data.strip() or None,
            video_link=(form.video_link.data or "").strip() or None, organiser_id=organiser.id if organiser else None,
            agenda=form.agenda() + _kept_hidden(db, meeting, member))
    except StaleEdit:
        form = _plan_form(db, team, member, meeting, formdata=None)
        _fill_edit(form, meeting)
        form.form_errors.append(_("Iemand anders heeft dit overleg intussen gewijzigd. Hieronder ziet u de huidige "
                                  "versie; voer uw wijziging opnieuw in."))
        return render_template("meetings/plan.html", team=team, member=member, form=form, meeting=meeting), 409
    except MeetingRule as error:
        form.form_errors.append(str(error))
        return render_template("meetings/plan.html", team=team, member=member, form=form, meeting=meeting), 422
    db.flush()
    invites.send_change(db, change)
    flash(_("Het overleg is gewijzigd; de uitgenodigden krijgen een update in hun agenda.") if change.changed
          or change.added or change.removed else _("Bewaard."), "info")
    return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))


@bp.route("/<meeting_id>/cancel", methods=["GET", "POST"], access=Permission.MEETINGS_MANAGE)
def cancel(team, member, meeting_id):
    """GET (or a post without the confirmation): "Weet u het zeker?" with what happens; confirmed: cancel it."""
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    if not meeting.is_planned:
        flash(_("Dit overleg kan niet meer geannuleerd worden."), "error")
        return redirect(url_for("meetings.show", team_id=team.id, meeting_id=meeting.id))
    form = CancelForm()
    if not form.validate_on_submit() or form.confirm.data != "yes":
        return render_template("meetings/cancel.html", team=team, member=member, meeting=meeting, form=form)
    domain.cancel_meeting(db, meeting, member)
    db.flush()
    invites.send_invites(db, meeting)
    flash(_("Het overleg is geannuleerd; de uitgenodigden krijgen dat in hun agenda."), "info")
    return redirect(url_for("meetings.index", team_id=team.id))


@bp.route("/<meeting_id>/invite.ics", access=Permission.MEETINGS_VIEW)
def invite(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    if not viewable(meeting, member):
        return _not_invited(team)
    audit.record(db, member, "export", team=team, target=meeting, category="meetings")
    body = meeting_ics(db, meeting, settings().base_url)
    return current_app.response_class(body, mimetype="text/calendar", headers={
        "Content-Disposition": "attachment; filename=invite.ics"})


@bp.route("/<meeting_id>/report", access=Permission.MEETINGS_READ)
def report(team, member, meeting_id):
    db = get_session()
    meeting = team_child(team, Meeting, meeting_id)
    audit.record(db, member, "print", team=team, target=meeting, category="meetings")
    return render_template("meetings/report.html", team=team, member=member, meeting=meeting,
                           evaluations=domain.evaluations_of(db, meeting), decisions=domain.decisions_of(db, meeting),
                           goals=_goals_by_id(db, team),
                           next=db.get(Meeting, meeting.next_meeting_id) if meeting.next_meeting_id else None,
                           agenda=domain.visible_agenda(db, meeting, member))
