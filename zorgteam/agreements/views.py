"""The team's agreements: the list (open and overdue first), who does what, one agreement with its history,
creating and editing, and the owner's answers (accept, decline, done). Rules live in models/agreements.py."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from models import Agreement, AgreementCompletion, Base, CareGoal, Member, StaleEdit, audit
from models import agreements as domain
from models.agreements import AgreementRule
from models.goals import care_goals
from models.members import team_members
from models.permissions import Permission
from zorgteam.access import Blueprint, team_child
from zorgteam.agreements.forms import BACK, ActionForm, AgreementForm, DeclineForm
from zorgteam.agreements.texts import day_words, when
from zorgteam.db import get_session, keep_changes
from zorgteam.translate import gettext as _

bp = Blueprint("agreements", __name__, url_prefix="/teams/<team_id>/agreements")

# The list's status filter: "open" also holds declined ones, which wait for the coordinator.
FILTERS = {"open": ("proposed", "accepted", "declined"), "done": ("done",), "cancelled": ("cancelled",),
           "all": domain.STATUSES}


@dataclass
class Row:
    """One agreement as a page shows it, with what the viewer may know and do."""

    agreement: Agreement
    goal: CareGoal | None
    meeting_at: datetime | None
    last_done: AgreementCompletion | None
    may_act: bool
    mine: bool
    owns: bool  # the owner, or the person's representative for the person's own agreement

    @property
    def when(self) -> str:
        return when(self.agreement)

    @property
    def undoable(self) -> bool:
        """The latest completion may still be taken back (a mistaken tap on "Klaar")."""
        return self.may_act and domain.may_undo(self.agreement, self.last_done)


def _meeting_dates(db, agreements) -> dict[uuid.UUID, datetime]:
    """When the meetings that made these agreements took place (read from the meetings table once it exists)."""
    table = Base.metadata.tables.get("meetings")
    ids = {a.meeting_id for a in agreements if a.meeting_id}
    if table is None or not ids:
        return {}
    return dict(db.execute(select(table.c.id, table.c.starts_at).where(table.c.id.in_(ids))).all())


def rows_for(db, member: Member, agreements: list[Agreement]) -> list[Row]:
    """The agreements `member` may see, ready for a page: goals only for those who may see goals."""
    return rows_for_each(db, [(member, agreements)])


def _goals_of(db, visible: list[tuple[Member, Agreement]]) -> dict[uuid.UUID, CareGoal]:
    """The care goals these agreements serve, for members who may see goals and only within their own team."""
    ids = {a.care_goal_id for m, a in visible if a.care_goal_id and m.may(Permission.GOALS_VIEW)}
    teams = {m.team_id for m, _ in visible}
    found = db.scalars(select(CareGoal).where(CareGoal.id.in_(ids))) if ids else []
    return {g.id: g for g in found if g.team_id in teams}


def rows_for_each(db, pairs: list[tuple[Member, list[Agreement]]]) -> list[Row]:
    """Rows for one user's memberships at once (my tasks across 150 teams): three queries, not three per team."""
    visible = [(m, a) for m, agreements in pairs for a in agreements if domain.may_view(m, a)]
    goals = _goals_of(db, visible)
    meetings = _meeting_dates(db, [a for _, a in visible])
    done = domain.last_completions(db, (a.id for _, a in visible))
    return [Row(a, goals.get(a.care_goal_id) if m.may(Permission.GOALS_VIEW) else None, meetings.get(a.meeting_id),
                done.get(a.id), domain.may_act(m, a), a.owner_id == m.id, domain.owns(m, a)) for m, a in visible]


def _refuse(team, member) -> None:
    """403, audited as the guard does for a missing permission."""
    audit.record(get_session(), member, "denied", team=team, category="agreements", outcome="denied")
    keep_changes()
    abort(403)


def _agreement(team, member, agreement_id, *, act: bool = False) -> Agreement:
    """The team's agreement (404 for another team's id); 403 when the member may not see it or act on it."""
    agreement = team_child(team, Agreement, agreement_id)
    if not domain.may_view(member, agreement) or (act and not domain.may_act(member, agreement)):
        _refuse(team, member)
    return agreement


def _back(team, agreement: Agreement, back: str | None):
    if back == "tasks":  # to the page of my tasks the task stood on
        page = request.args.get("page", "")
        return redirect(url_for("tasks.index", page=page if page.isascii() and page.isdigit() and len(page) < 6
                                else None, _anchor=f"task-{agreement.id}"))
    if back == "show":
        return redirect(url_for("agreements.show", team_id=team.id, agreement_id=agreement.id))
    return redirect(url_for("agreements.index", team_id=team.id, _anchor=f"agreement-{agreement.id}"))


def meeting_link(team_id, meeting_id) -> str | None:
    """The meeting page, once the meetings pages exist."""
    if meeting_id is None or "meetings.show" not in current_app.view_functions:
        return None
    return url_for("meetings.show", team_id=team_id, meeting_id=meeting_id)


# --- reading ----------------------------------------------------------------------------------------------------

@bp.route("/", access=Permission.AGREEMENTS_VIEW)
def index(team, member):
    db = get_session()
    status = request.args.get("status") if request.args.get("status") in FILTERS else "open"
    mine_only = request.args.get("who") == "mine"
    audit.record(db, member, "read", team=team, category="agreements")
    rows = [r for r in rows_for(db, member, domain.team_agreements(db, team.id))
            if r.agreement.status in FILTERS[status] and (r.mine or not mine_only)]
    manages = member.may(Permission.AGREEMENTS_MANAGE)
    # A coordinator sees all in one list; everyone else sees their own first.
    mine, others = ([], rows) if manages else ([r for r in rows if r.mine], [r for r in rows if not r.mine])
    overdue = sum(1 for r in rows if r.agreement.overdue())
    return render_template("agreements/index.html", team=team, member=member, mine=mine, others=others,
                           status=status, mine_only=mine_only, manages=manages, overdue=overdue,
                           meeting_link=meeting_link)


@bp.route("/who", access=Permission.AGREEMENTS_VIEW)
def who(team, member):
    """Who does what: every member with their open agreements, phone and reachability."""
    db = get_session()
    audit.record(db, member, "read", team=team, category="agreements")
    rows = rows_for(db, member, domain.open_agreements(db, team.id))
    by_owner: dict = {}
    for row in rows:
        by_owner.setdefault(row.agreement.owner_id, []).append(row)
    sees_all = member.role != "volunteer" or member.may(Permission.AGREEMENTS_MANAGE)
    return render_template("agreements/who.html", team=team, member=member, members=team_members(db, team),
                           by_owner=by_owner, unassigned=by_owner.get(None, []), sees_all=sees_all)


@bp.route("/<agreement_id>/", access=Permission.AGREEMENTS_VIEW)
def show(team, member, agreement_id):
    db = get_session()
    agreement = _agreement(team, member, agreement_id)
    audit.record(db, member, "read", team=team, target=agreement, category="agreements")
    row = rows_for(db, member, [agreement])[0]
    return render_template("agreements/show.html", team=team, member=member, row=row,
                           history=domain.completions_of(db, agreement), form=ActionForm(),
                           manages=member.may(Permission.AGREEMENTS_MANAGE), meeting_link=meeting_link)


# --- creating and editing -----------------------------------------------------------------------------------------

def _form(db, team, agreement: Agreement | None = None, **kw) -> AgreementForm:
    goals = [g for g in care_goals(db, team.id) if g.is_open or (agreement and g.id == agreement.care_goal_id)]
    form = AgreementForm(team_members(db, team), goals, obj=agreement, **kw)
    if agreement is not None and (request.method == "GET" or kw.get("formdata", True) is None):
        form.owner.data, form.care_goal.data = str(agreement.owner_id or ""), str(agreement.care_goal_id or "")
    return form


def _values(team, form: AgreementForm) -> dict:
    owner = team_child(team, Member, form.owner.data) if form.owner.data else None
    goal = team_child(team, CareGoal, form.care_goal.data) if form.care_goal.data else None
    return {"what": form.what.data, "owner": owner, "due_on": form.due_on.data, "recurrence": form.recurrence.data,
            "care_goal_id": goal.id if goal else None}


@bp.route("/new", methods=["GET", "POST"], access=Permission.AGREEMENTS_MANAGE)
def add(team, member):
    db = get_session()
    form = _form(db, team)
    if not form.validate_on_submit():
        return render_template("agreements/form.html", team=team, member=member, form=form, new=True)
    values = _values(team, form)
    takes_it_on = values["owner"] is not None and values["owner"].id == member.id
    try:
        agreement = domain.add_agreement(db, team, member, status="accepted" if takes_it_on else "proposed",
                                         **values)
    except AgreementRule as error:
        form.form_errors.append(str(error))
        return render_template("agreements/form.html", team=team, member=member, form=form, new=True), 422
    flash(_("De afspraak is bewaard."), "info")
    return _back(team, agreement, "list")


@bp.route("/<agreement_id>/edit", methods=["GET", "POST"], access=Permission.AGREEMENTS_MANAGE)
def edit(team, member, agreement_id):
    db = get_session()
    agreement = _agreement(team, member, agreement_id)
    form = _form(db, team, agreement)
    page = {"team": team, "member": member, "agreement": agreement}
    if not form.validate_on_submit():
        return render_template("agreements/form.html", form=form, **page)
    try:
        domain.update_agreement(db, agreement, member, int(form.version.data or 0), **_values(team, form))
    except StaleEdit:
        form = _form(db, team, agreement, formdata=None)
        form.form_errors.append(_("Iemand anders heeft deze afspraak intussen gewijzigd. Hieronder ziet u de "
                                  "huidige versie; voer uw wijziging opnieuw in."))
        return render_template("agreements/form.html", form=form, **page), 409
    except AgreementRule as error:
        form.form_errors.append(str(error))
        return render_template("agreements/form.html", form=form, **page), 422
    flash(_("De afspraak is bewaard."), "info")
    return _back(team, agreement, "show")


# --- answering ------------------------------------------------------------------------------------------------

def _answer(team, member, agreement, operation, done_message: str):
    """Validate the button's form, run one domain operation, say how it went, go back where the user came from."""
    form = ActionForm()
    back = form.back.data if form.back.data in BACK else "list"
    if not form.validate_on_submit():
        flash(_first_error(form), "error")
        return _back(team, agreement, back)
    try:
        result = operation(get_session(), agreement, member, form)
        flash(done_message(result) if callable(done_message) else done_message, "info")
    except AgreementRule as error:
        flash(str(error), "error")
    return _back(team, agreement, back)


def _first_error(form) -> str:
    """What was wrong with a button's form (a remark that is too long), said on the page it goes back to."""
    for errors in form.errors.values():
        return str(errors[0])
    return _("Dat lukte niet. Probeer het opnieuw.")


def _remark(operation):
    """A domain operation that takes the form's remark."""
    return lambda db, agreement, actor, form: operation(db, agreement, actor, form.remark.data)


@bp.route("/<agreement_id>/accept", methods=["POST"], access=Permission.AGREEMENTS_VIEW)
def accept(team, member, agreement_id):
    agreement = _agreement(team, member, agreement_id, act=True)
    return _answer(team, member, agreement, _remark(domain.accept), _("Dank u. De afspraak staat nu op uw naam."))


def _complete(db, agreement: Agreement, actor: Member, form: ActionForm) -> Agreement:
    try:
        domain.complete(db, agreement, actor, note=form.remark.data, **form.occurrence_named())
    except domain.AlreadyDone:
        raise AgreementRule(_("Al afgevinkt: deze keer staat al op klaar.")) from None
    except domain.OccurrenceMoved:
        raise AgreementRule(_("Deze afspraak is intussen gewijzigd. Bekijk ze opnieuw voor u ze afvinkt.")) from None
    return agreement


def _done_message(agreement: Agreement) -> str:
    if agreement.recurrence != "none":
        return _("Goed gedaan! Volgende keer: %(day)s.", day=day_words(agreement.due_on))
    return _("Goed gedaan! De taak staat op klaar.")


@bp.route("/<agreement_id>/done", methods=["POST"], access=Permission.AGREEMENTS_VIEW)
def done(team, member, agreement_id):
    agreement = _agreement(team, member, agreement_id, act=True)
    return _answer(team, member, agreement, _complete, _done_message)


def _undo(db, agreement: Agreement, actor: Member, _form: ActionForm) -> Agreement:
    domain.undo_completion(db, agreement, actor)
    return agreement


@bp.route("/<agreement_id>/undo", methods=["POST"], access=Permission.AGREEMENTS_VIEW)
def undo(team, member, agreement_id):
    """Take back a mistaken "Klaar"."""
    agreement = _agreement(team, member, agreement_id, act=True)
    return _answer(team, member, agreement, _undo, _("Teruggedraaid: de taak staat weer open."))


@bp.route("/<agreement_id>/cancel", methods=["POST"], access=Permission.AGREEMENTS_MANAGE)
def cancel(team, member, agreement_id):
    agreement = _agreement(team, member, agreement_id)
    return _answer(team, member, agreement, _remark(domain.cancel), _("De afspraak is geannuleerd."))


@bp.route("/<agreement_id>/decline", methods=["GET", "POST"], access=Permission.AGREEMENTS_VIEW,
          change_form=True)
def decline(team, member, agreement_id):
    """The owner says it does not work out, and why."""
    agreement = _agreement(team, member, agreement_id, act=True)
    form = DeclineForm()
    if request.method == "GET":
        form.back.data = request.args.get("back") if request.args.get("back") in BACK else "list"
    page = {"team": team, "member": member, "agreement": agreement, "form": form}
    if not form.validate_on_submit():
        return render_template("agreements/decline.html", **page), 422 if form.errors else 200
    try:
        domain.decline(get_session(), agreement, member, form.remark.data)
    except AgreementRule as error:
        form.form_errors.append(str(error))
        return render_template("agreements/decline.html", **page), 422
    flash(_("Dank u. De zorgcoördinator ziet dat het niet lukt en zoekt een oplossing."), "info")
    return _back(team, agreement, form.back.data if form.back.data in BACK else "list")
