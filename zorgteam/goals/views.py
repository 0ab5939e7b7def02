"""The goals pages: read, load-authorise-act, redirect. Domain rules live in models/goals.py."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import flash, redirect, render_template, request, url_for
from flask_wtf import FlaskForm

from models import CareGoal, LifeGoal, Member, StaleEdit, audit
from models import goals as domain
from models.gas import t_score
from models.goals import GoalRule
from models.members import team_members
from models.permissions import Permission
from zorgteam.access import Blueprint, team_child
from zorgteam.db import get_session
from zorgteam.goals import charts
from zorgteam.goals.forms import CareGoalForm, EvaluationForm, HealthScoringForm, LifeGoalForm, ProfileForm
from zorgteam.translate import gettext as _

bp = Blueprint("goals", __name__, url_prefix="/teams/<team_id>/goals")


@dataclass
class CareGoalView:
    goal: CareGoal
    evaluations: list
    chart: charts.GasChart | None

    @property
    def latest_level(self) -> int | None:
        scored = [e.level for e in self.evaluations if e.level is not None]
        return scored[-1] if scored else self.goal.baseline


@dataclass
class LifeGoalView:
    goal: LifeGoal
    care: list[CareGoalView] = field(default_factory=list)


def _care_view(goal: CareGoal, evaluations: list) -> CareGoalView:
    chart = None
    if goal.gas:
        chart = charts.gas_chart(goal.baseline, goal.created_at.date(), evaluations)
    return CareGoalView(goal, evaluations, chart)


def _goal_tree(db, team) -> list[LifeGoalView]:
    tree = {g.id: LifeGoalView(g) for g in domain.life_goals(db, team.id)}
    evaluations = domain.evaluations_by_goal(db, team.id)
    for goal in domain.care_goals(db, team.id):
        tree[goal.life_goal_id].care.append(_care_view(goal, evaluations.get(goal.id, [])))
    return list(tree.values())


def gas_summary(tree: list[LifeGoalView]) -> dict | None:
    """The T-score of the active care goals with GAS levels: at their start and now."""
    scored = [c for life in tree for c in life.care if c.goal.gas and c.goal.lifecycle == "active"]
    if not scored:
        return None
    start = t_score((c.goal.weight, c.goal.baseline) for c in scored)
    now = t_score((c.goal.weight, c.latest_level) for c in scored)
    return {"count": len(scored), "start": round(start), "now": round(now)}


@bp.route("/", access=Permission.GOALS_VIEW)
def index(team, member):
    db = get_session()
    audit.record(db, member, "read", team=team, category="goals")
    tree = _goal_tree(db, team)
    scorings = domain.health_scorings(db, team.id)
    latest, previous = (scorings[-1] if scorings else None), (scorings[-2] if len(scorings) > 1 else None)
    web = charts.spider_web(latest.scores if latest else None, previous.scores if previous else None)
    return render_template("goals/index.html", team=team, member=member, tree=tree, gas=gas_summary(tree),
                           profile=domain.profile_of(db, team), latest=latest, previous=previous, web=web)


def _stale(form) -> None:
    form.form_errors.append(_("Iemand anders heeft dit intussen gewijzigd. Hieronder ziet u de huidige versie; "
                              "voer uw wijziging opnieuw in."))


@bp.route("/profile", methods=["GET", "POST"], access=Permission.LIFE_GOALS_WRITE)
def profile(team, member):
    db = get_session()
    current = domain.profile_of(db, team)
    form = ProfileForm(obj=current)
    if form.validate_on_submit():
        seen = int(form.version.data) if current is not None and form.version.data else None
        try:
            domain.save_profile(db, team, member, seen, important=form.important.data or None,
                                good_day=form.good_day.data or None)
            flash(_("Bewaard."), "info")
            return redirect(url_for("goals.index", team_id=team.id))
        except StaleEdit:
            form = ProfileForm(obj=current, formdata=None)
            _stale(form)
            return render_template("goals/profile.html", team=team, member=member, form=form), 409
    return render_template("goals/profile.html", team=team, member=member, form=form)


def _members(db, team) -> list[Member]:
    return team_members(db, team)


def _life_form(db, team, goal: LifeGoal | None = None, **kw) -> LifeGoalForm:
    form = LifeGoalForm(_members(db, team), obj=goal, **kw)
    if request.method == "GET" and goal is not None:
        form.dimension.data = goal.dimension or ""
        form.expressed_by.data = str(goal.expressed_by_id or "")
    return form


def _life_values(team, form: LifeGoalForm) -> dict:
    speaker = team_child(team, Member, form.expressed_by.data) if form.expressed_by.data else None
    return {"text": form.text.data.strip(), "dimension": form.dimension.data or None, "expressed_by": speaker,
            "expressed_on": form.expressed_on.data}


@bp.route("/life/new", methods=["GET", "POST"], access=Permission.LIFE_GOALS_WRITE)
def add_life_goal(team, member):
    db = get_session()
    form = _life_form(db, team)
    if request.method == "GET":
        person = next((m for m in _members(db, team) if m.role == "person"), None)
        form.expressed_by.data = str(person.id) if person else None
    if not form.validate_on_submit():
        return render_template("goals/life_form.html", team=team, member=member, form=form, new=True)
    domain.add_life_goal(db, team, member, **_life_values(team, form))
    flash(_("Het levensdoel is bewaard."), "info")
    return redirect(url_for("goals.index", team_id=team.id))


@bp.route("/life/<life_goal_id>/edit", methods=["GET", "POST"], access=Permission.LIFE_GOALS_WRITE)
def edit_life_goal(team, member, life_goal_id):
    db = get_session()
    goal = team_child(team, LifeGoal, life_goal_id)
    form = _life_form(db, team, goal)
    if not form.validate_on_submit():
        return render_template("goals/life_form.html", team=team, member=member, form=form, goal=goal)
    values = _life_values(team, form)
    speaker = values.pop("expressed_by")
    try:
        domain.update_life_goal(db, goal, member, int(form.version.data or 0), lifecycle=form.lifecycle.data,
                                expressed_by_id=speaker.id if speaker else None, **values)
    except StaleEdit:
        form = _life_form(db, team, goal, formdata=None)
        _stale(form)
        return render_template("goals/life_form.html", team=team, member=member, form=form, goal=goal), 409
    flash(_("Het levensdoel is bewaard."), "info")
    return redirect(url_for("goals.index", team_id=team.id))


@bp.route("/life/<life_goal_id>/move", methods=["POST"], access=Permission.LIFE_GOALS_WRITE)
def move_life_goal(team, member, life_goal_id):
    goal = team_child(team, LifeGoal, life_goal_id)
    if FlaskForm().validate_on_submit():
        domain.move_life_goal(get_session(), goal, member, -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("goals.index", team_id=team.id, _anchor=f"life-{goal.id}"))


def _care_form(db, team, goal: CareGoal | None = None, **kw) -> CareGoalForm:
    form = CareGoalForm(domain.life_goals(db, team.id), _members(db, team), obj=goal, **kw)
    if goal is not None and (request.method == "GET" or kw.get("formdata", True) is None):
        form.life_goal.data, form.owner.data = str(goal.life_goal_id), str(goal.owner_id or "")
        form.fill_gas(goal.gas)
    return form


def _care_values(team, form: CareGoalForm) -> dict:
    owner = team_child(team, Member, form.owner.data) if form.owner.data else None
    return {"text": form.text.data.strip(), "owner": owner, "target_date": form.target_date.data,
            "gas": form.gas(), "weight": form.weight.data}


@bp.route("/care/new", methods=["GET", "POST"], access=Permission.CARE_GOALS_MANAGE)
def add_care_goal(team, member):
    db = get_session()
    form = _care_form(db, team)
    if not form.life_goal.choices:
        flash(_("Noteer eerst een levensdoel: elk zorgdoel dient een levensdoel."), "error")
        return redirect(url_for("goals.index", team_id=team.id))
    if request.method == "GET" and request.args.get("life_goal"):
        form.life_goal.data = request.args["life_goal"]
    if not form.validate_on_submit():
        return render_template("goals/care_form.html", team=team, member=member, form=form, new=True)
    life_goal = team_child(team, LifeGoal, form.life_goal.data)
    try:
        domain.add_care_goal(db, team, member, life_goal, lifecycle=form.lifecycle.data, **_care_values(team, form))
    except GoalRule as error:
        form.form_errors.append(str(error))
        return render_template("goals/care_form.html", team=team, member=member, form=form, new=True), 422
    flash(_("Het zorgdoel is bewaard."), "info")
    return redirect(url_for("goals.index", team_id=team.id))


@bp.route("/care/<care_goal_id>/", access=Permission.GOALS_VIEW)
def care_goal(team, member, care_goal_id):
    db = get_session()
    goal = team_child(team, CareGoal, care_goal_id)
    audit.record(db, member, "read", team=team, target=goal, category="goals")
    view = _care_view(goal, domain.evaluations_by_goal(db, team.id).get(goal.id, []))
    return render_template("goals/care_goal.html", team=team, member=member, view=view,
                           life_goal=db.get(LifeGoal, goal.life_goal_id))


@bp.route("/care/<care_goal_id>/edit", methods=["GET", "POST"], access=Permission.CARE_GOALS_MANAGE)
def edit_care_goal(team, member, care_goal_id):
    db = get_session()
    goal = team_child(team, CareGoal, care_goal_id)
    form = _care_form(db, team, goal)
    if not form.validate_on_submit():
        return render_template("goals/care_form.html", team=team, member=member, form=form, goal=goal)
    values = _care_values(team, form)
    owner = values.pop("owner")
    life_goal = team_child(team, LifeGoal, form.life_goal.data)
    try:
        domain.update_care_goal(db, goal, member, int(form.version.data or 0), owner_id=owner.id if owner else None,
                                life_goal_id=life_goal.id, lifecycle=form.lifecycle.data,
                                achievement=form.achievement.data, **values)
    except StaleEdit:
        form = _care_form(db, team, goal, formdata=None)
        _stale(form)
        return render_template("goals/care_form.html", team=team, member=member, form=form, goal=goal), 409
    except GoalRule as error:
        form.form_errors.append(str(error))
        return render_template("goals/care_form.html", team=team, member=member, form=form, goal=goal), 422
    flash(_("Het zorgdoel is bewaard."), "info")
    return redirect(url_for("goals.care_goal", team_id=team.id, care_goal_id=goal.id))


@bp.route("/care/<care_goal_id>/evaluate", methods=["GET", "POST"], access=Permission.CARE_GOALS_EVALUATE)
def evaluate(team, member, care_goal_id):
    db = get_session()
    goal = team_child(team, CareGoal, care_goal_id)
    if not goal.is_open:
        flash(_("Dit zorgdoel is afgesloten en kan niet meer geëvalueerd worden."), "error")
        return redirect(url_for("goals.care_goal", team_id=team.id, care_goal_id=goal.id))
    form = EvaluationForm(goal)
    if request.method == "GET":
        form.achievement.data = goal.achievement
    if not form.validate_on_submit():
        return render_template("goals/evaluate.html", team=team, member=member, form=form, goal=goal)
    domain.evaluate(db, goal, member, level=int(form.level.data) if goal.gas else None,
                    achievement=form.achievement.data, remark=form.remark.data or None, on=form.evaluated_on.data)
    flash(_("De evaluatie is bewaard."), "info")
    return redirect(url_for("goals.care_goal", team_id=team.id, care_goal_id=goal.id))


@bp.route("/health/new", methods=["GET", "POST"], access=Permission.HEALTH_SCORE)
def score_health(team, member):
    form = HealthScoringForm()
    if not form.validate_on_submit():
        return render_template("goals/health_form.html", team=team, member=member, form=form)
    domain.score_health(get_session(), team, member, form.scores(), remark=form.remark.data or None,
                        on=form.scored_on.data)
    flash(_("De scores zijn bewaard."), "info")
    return redirect(url_for("goals.index", team_id=team.id, _anchor="spider"))
