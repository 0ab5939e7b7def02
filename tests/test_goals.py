"""Goals: life goals in the person's words, care goals with GAS, evaluations, the spider web, and who may do what."""
from __future__ import annotations

import math
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEvent, CareGoal, GoalEvaluation, HealthScoring, LifeGoal
from models.gas import t_score
from models.goals import life_goals

LIFE_GOALS = ["Ik wil thuis blijven wonen, samen met Maria.", "Ik wil elke zondag naar de duivenclub.",
              "Ik wil mijn kleinkinderen zien opgroeien."]
SCORES = {"bodily_functions": "6", "mental_wellbeing": "6", "meaningfulness": "8", "quality_of_life": "7",
          "participation": "6", "daily_functioning": "5"}


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/goals/{path}"


def _care_goal(db, world, text_start="Johan kan 200 meter") -> CareGoal:
    goals = db.scalars(select(CareGoal).where(CareGoal.team_id == world.johan_team.id))
    return next(g for g in goals if g.text.startswith(text_start))


def _care_form(life_goal, **extra) -> dict:
    levels = {"level_m2": "Niet buiten", "level_m1": "Tot de brievenbus", "level_0": "Tot bij de bakker",
              "level_p1": "Tot de kerk", "level_p2": "Rond het dorp"}
    return {"life_goal": str(life_goal.id), "text": "Johan gaat elke dag even naar buiten.", "owner": "",
            "baseline": "-1", "weight": "1", "lifecycle": "active", **levels, **extra}


# --- the T-score, against worked examples -------------------------------------------------------------------

def test_one_goal_at_the_expected_level_scores_50():
    assert t_score([(1, 0)]) == 50


def test_one_goal_at_plus_two_scores_70():
    # denominator sqrt(0.7 * 1 + 0.3 * 1) = 1, so 50 + 10 * 2
    assert t_score([(1, 2)]) == pytest.approx(70)


def test_three_goals_at_minus_one():
    # 50 + 10 * -3 / sqrt(0.7 * 3 + 0.3 * 9) = 50 - 30 / sqrt(4.8)
    assert t_score([(1, -1)] * 3) == pytest.approx(36.307, abs=0.001)


def test_weights_count():
    # w = (1, 2), x = (+1, -1): 50 + 10 * -1 / sqrt(0.7 * 5 + 0.3 * 9) = 50 - 10 / sqrt(6.2)
    assert t_score([(1, 1), (2, -1)]) == pytest.approx(50 - 10 / math.sqrt(6.2))


def test_no_goals_no_score_and_levels_outside_the_scale_are_refused():
    assert t_score([]) is None
    with pytest.raises(ValueError):
        t_score([(1, 3)])


# --- the goals page ---------------------------------------------------------------------------------------------

def test_karim_sees_johans_goals_in_his_words_with_charts_t_score_and_spider_web(login_as, world):
    page = login_as("karim").get(_url(world)).get_data(as_text=True)
    positions = [page.index(goal) for goal in LIFE_GOALS]
    assert positions == sorted(positions)
    assert "Johan neemt zijn medicatie elke dag juist in" in page
    assert page.count('class="chart gas-chart"') == 3
    # baselines -1, -1, -1 -> 36; now 0, -1, 0 -> 50 - 10 / sqrt(4.8) = 45
    assert re.search(r"Bij de start <strong>36</strong>.*nu <strong>45</strong>", page, re.S)
    assert 'class="previous"' in page and 'class="latest"' in page
    assert "Wat voor mij belangrijk is" in page and "koffie met Maria" in page


def test_reading_the_goals_is_logged(login_as, world, db):
    login_as("tom").get(_url(world))
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.category, event.actor_id) == ("read", "goals", world.user("tom").id)


@pytest.mark.parametrize("who, status", [("karim", 200), ("johan", 200), ("maria", 200), ("an", 200),
                                         ("tom", 200), ("griet", 200), ("jef", 403), ("hanne", 404)])
def test_who_reads_the_goals(login_as, world, who, status):
    assert login_as(who).get(_url(world)).status_code == status


# --- life goals -------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("johan", 302), ("maria", 302), ("karim", 302), ("an", 403),
                                         ("tom", 403), ("els", 403), ("jef", 403), ("hanne", 404)])
def test_who_writes_life_goals(login_as, world, db, who, status):
    response = login_as(who).post(_url(world, "life/new"), data={
        "text": "Ik wil nog eens naar zee.", "dimension": "quality_of_life", "expressed_by": str(world.member("johan").id),
        "expressed_on": date.today().isoformat(), "lifecycle": "active"})
    assert response.status_code == status
    texts = [g.text for g in life_goals(db, world.johan_team.id)]
    assert ("Ik wil nog eens naar zee." in texts) == (status == 302)


def test_a_life_goal_is_added_last_with_who_said_it(login_as, world, db):
    client = login_as("maria")
    johan = world.member("johan")
    client.post(_url(world, "life/new"), data={
        "text": "Ik wil mijn tuin zelf bijhouden.", "dimension": "", "expressed_by": str(johan.id),
        "expressed_on": date.today().isoformat()})
    goals = life_goals(db, world.johan_team.id)
    assert goals[-1].text == "Ik wil mijn tuin zelf bijhouden." and goals[-1].expressed_by_id == johan.id
    assert goals[-1].dimension is None
    page = client.get(_url(world)).get_data(as_text=True)
    assert "gezegd door Johan Peeters" in page


def test_a_life_goal_needs_words_and_a_date_not_in_the_future(login_as, world):
    page = login_as("karim").post(_url(world, "life/new"), data={
        "text": "  ", "expressed_on": (date.today() + timedelta(days=3)).isoformat()}).get_data(as_text=True)
    assert "Schrijf het doel op, zoals de persoon het zegt." in page
    assert "Deze datum ligt in de toekomst." in page


def test_moving_a_life_goal_up_changes_the_order(login_as, world, db):
    third = life_goals(db, world.johan_team.id)[2]
    assert login_as("johan").post(_url(world, f"life/{third.id}/move"), data={"direction": "up"}).status_code == 302
    db.expire_all()
    assert [g.text for g in life_goals(db, world.johan_team.id)] == [LIFE_GOALS[0], LIFE_GOALS[2], LIFE_GOALS[1]]


def test_a_stale_life_goal_edit_is_refused_and_shows_the_other_change(login_as, world, db):
    client = login_as("karim")
    goal = life_goals(db, world.johan_team.id)[1]
    form = {"text": "Ik wil elke zondag naar de duivenclub, met Jef.", "dimension": "participation",
            "expressed_by": str(world.member("maria").id), "expressed_on": goal.expressed_on.isoformat(), "lifecycle": "active",
            "version": str(goal.version)}
    assert client.post(_url(world, f"life/{goal.id}/edit"), data=form).status_code == 302
    stale = client.post(_url(world, f"life/{goal.id}/edit"), data={**form, "text": "Ik wil duiven kweken."})
    assert stale.status_code == 409
    page = stale.get_data(as_text=True)
    assert "Iemand anders heeft dit intussen gewijzigd" in page and "met Jef." in page
    db.expire_all()
    assert db.get(LifeGoal, goal.id).text == "Ik wil elke zondag naar de duivenclub, met Jef."


# --- care goals: add, evaluate, close, by the roles allowed to and no one else ----------------------------------

CARE_ROLES = [("karim", True), ("els", True), ("tom", True), ("lotte", True), ("griet", False),
              ("maria", False), ("an", False), ("johan", False), ("jef", False)]


@pytest.mark.parametrize("who, allowed", CARE_ROLES + [("hanne", None)])
def test_who_adds_a_care_goal(login_as, world, db, who, allowed):
    life = life_goals(db, world.johan_team.id)[0]
    response = login_as(who).post(_url(world, "care/new"), data=_care_form(life))
    assert response.status_code == {True: 302, False: 403, None: 404}[allowed]
    count = db.scalar(select(func.count()).select_from(CareGoal).where(CareGoal.team_id == world.johan_team.id))
    assert count == (4 if allowed else 3)


@pytest.mark.parametrize("who, allowed", CARE_ROLES + [("hanne", None)])
def test_who_evaluates_a_care_goal(login_as, world, db, who, allowed):
    goal = _care_goal(db, world)
    response = login_as(who).post(_url(world, f"care/{goal.id}/evaluate"), data={
        "level": "0", "achievement": "improving", "evaluated_on": date.today().isoformat()})
    assert response.status_code == {True: 302, False: 403, None: 404}[allowed]
    count = db.scalar(select(func.count()).select_from(GoalEvaluation).where(GoalEvaluation.care_goal_id == goal.id))
    assert count == (2 if allowed else 1)


@pytest.mark.parametrize("who, allowed", CARE_ROLES + [("hanne", None)])
def test_who_closes_a_care_goal(login_as, world, db, who, allowed):
    goal = _care_goal(db, world)
    data = _care_form(db.get(LifeGoal, goal.life_goal_id), text=goal.text, lifecycle="completed",
                      achievement="achieved", version=str(goal.version))
    response = login_as(who).post(_url(world, f"care/{goal.id}/edit"), data=data)
    assert response.status_code == {True: 302, False: 403, None: 404}[allowed]
    db.expire_all()
    assert (db.get(CareGoal, goal.id).lifecycle == "completed") == bool(allowed)


def test_an_evaluation_is_kept_with_who_when_and_the_remark_and_drawn(login_as, world, db):
    client = login_as("lotte")
    goal = _care_goal(db, world)
    client.post(_url(world, f"care/{goal.id}/evaluate"), data={
        "level": "1", "achievement": "improving", "remark": "Wandelt nu tot aan de kerk.",
        "evaluated_on": date.today().isoformat()})
    latest = db.scalars(select(GoalEvaluation).where(GoalEvaluation.care_goal_id == goal.id)
                        .order_by(GoalEvaluation.created_at.desc())).first()
    assert (latest.level, latest.evaluated_by_id, latest.evaluated_on) == (1, world.member("lotte").id, date.today())
    page = client.get(_url(world, f"care/{goal.id}/")).get_data(as_text=True)
    assert "Wandelt nu tot aan de kerk." in page and "Lotte Vermeulen" in page
    assert page.count('class="dot"') == 2  # the earlier MDO's evaluation and this one, after the start


def test_an_evaluation_needs_a_level_when_the_goal_has_gas(login_as, world, db):
    goal = _care_goal(db, world)
    response = login_as("els").post(_url(world, f"care/{goal.id}/evaluate"), data={
        "achievement": "improving", "evaluated_on": date.today().isoformat()})
    assert response.status_code == 200
    assert "Kies het niveau dat bereikt is." in response.get_data(as_text=True)


def test_a_closed_goal_is_not_evaluated_any_more(login_as, world, db):
    client = login_as("els")
    goal = _care_goal(db, world)
    client.post(_url(world, f"care/{goal.id}/edit"), data=_care_form(
        db.get(LifeGoal, goal.life_goal_id), text=goal.text, lifecycle="cancelled", achievement="not-achieved",
        version=str(goal.version)))
    response = client.post(_url(world, f"care/{goal.id}/evaluate"), data={
        "level": "0", "achievement": "improving", "evaluated_on": date.today().isoformat()}, follow_redirects=True)
    assert "kan niet meer geëvalueerd worden" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(GoalEvaluation)
                     .where(GoalEvaluation.care_goal_id == goal.id)) == 1


def test_gas_levels_are_all_described_or_none(login_as, world, db):
    life = life_goals(db, world.johan_team.id)[0]
    client = login_as("tom")
    page = client.post(_url(world, "care/new"), data=_care_form(life, level_p2="")).get_data(as_text=True)
    assert "Beschrijf alle vijf niveaus, of laat ze allemaal leeg." in page
    empty = {k: "" for k in ("level_m2", "level_m1", "level_0", "level_p1", "level_p2")}
    assert client.post(_url(world, "care/new"), data=_care_form(life, **empty)).status_code == 302
    added = _care_goal(db, world, "Johan gaat elke dag")
    assert added.gas is None


def test_a_care_goal_of_another_teams_life_goal_is_refused(login_as, world, db):
    rita_goal = life_goals(db, world.rita_team.id)[0]
    response = login_as("karim").post(_url(world, "care/new"), data=_care_form(rita_goal))
    assert response.status_code == 200  # not one of the choices: a field error, nothing stored
    assert "Not a valid choice" in response.get_data(as_text=True) or "geldige keuze" in response.get_data(as_text=True)
    assert db.scalar(select(func.count()).select_from(CareGoal).where(CareGoal.life_goal_id == rita_goal.id)) == 0


def test_changes_to_goals_are_audited(login_as, world, db):
    before = db.scalar(select(func.max(AuditEvent.seq)))
    life = life_goals(db, world.johan_team.id)[0]
    login_as("tom").post(_url(world, "care/new"), data=_care_form(life))
    events = db.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert [(e.action, e.object_type, e.category) for e in events] == [("create", "care_goals", "goals")]


# --- positive health --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, status", [("johan", 302), ("maria", 302), ("karim", 302), ("tom", 403),
                                         ("an", 403), ("jef", 403)])
def test_who_scores_positive_health(login_as, world, db, who, status):
    data = {**SCORES, "scored_on": date.today().isoformat()}
    assert login_as(who).post(_url(world, "health/new"), data=data).status_code == status
    count = db.scalar(select(func.count()).select_from(HealthScoring).where(HealthScoring.team_id == world.johan_team.id))
    assert count == (3 if status == 302 else 2)


def test_a_new_scoring_is_drawn_over_the_previous_one(login_as, world):
    client = login_as("johan")
    client.post(_url(world, "health/new"), data={**SCORES, "scored_on": date.today().isoformat()})
    page = client.get(_url(world)).get_data(as_text=True)
    table = page.split('class="scores"')[1]
    # the previous (5 for mental wellbeing, from the demo) and the new latest (6): "6 ... 1 beter" no more
    assert re.search(r"Zingeving</th>\s*<td>7</td>\s*<td><strong>8</strong> <span class=\"up\">▲ 1 beter", table)


def test_scores_run_from_0_to_10(login_as, world):
    page = login_as("johan").post(_url(world, "health/new"), data={
        **SCORES, "participation": "11", "meaningfulness": "", "scored_on": date.today().isoformat()}
    ).get_data(as_text=True)
    assert page.count("Geef een score van 0 tot 10.") == 2


def test_the_overview_shows_the_life_goals_to_those_who_may_read_them(login_as, world):
    assert LIFE_GOALS[1] in login_as("an").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert LIFE_GOALS[1] not in login_as("jef").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
