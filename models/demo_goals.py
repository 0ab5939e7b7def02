"""Johan's goals in the demo: what matters to him, three life goals, care goals with GAS levels and their
evaluations (an interim one and the earlier MDO's), and two positive-health scorings."""
from __future__ import annotations

from datetime import date, timedelta

from models.base import utcnow
from models.goals import add_care_goal, add_life_goal, evaluate, save_profile, score_health

IMPORTANT = ("Thuis zijn bij Maria. Mijn duiven en de duivenclub op zondag. Dat de kleinkinderen langskomen "
             "en dat ik hen zie opgroeien.")
GOOD_DAY = ("Een goede dag begint met koffie met Maria in de keuken. Dan wat werken bij de duiven en 's middags "
            "een dutje. Als ik niet naar adem moet happen, is het een goede dag.")
LIFE_GOALS = [
    ("Ik wil thuis blijven wonen, samen met Maria.", "quality_of_life"),
    ("Ik wil elke zondag naar de duivenclub.", "participation"),
    ("Ik wil mijn kleinkinderen zien opgroeien.", "meaningfulness"),
]
# life goal index, owner, text, GAS levels from -2 to +2, evaluations (weeks before today, by, level, progress, remark)
CARE_GOALS = [
    (0, "tom", "Johan neemt zijn medicatie elke dag juist in, met de weekdoos die Maria klaarzet.",
     ["Meer dan twee keer per week een inname vergeten of dubbel genomen",
      "Eén à twee keer per week een inname vergeten",
      "Hoogstens één vergeten inname per twee weken",
      "Een hele maand geen enkele vergeten inname",
      "Geen vergeten inname, en Johan merkt zelf wanneer de weekdoos niet klopt"],
     [(10, "tom", -1, "no-change", "Weekdoos sinds twee weken in gebruik; 's avonds nog vaak vergeten."),
      (6, "karim", 0, "improving", "MDO: Maria zet een wekker om 20 uur; sindsdien bijna niets meer vergeten.")]),
    (1, "lotte", "Johan kan 200 meter wandelen zonder te rusten, zodat hij in de duivenclub kan rondlopen.",
     ["Minder dan 50 meter zonder rust", "50 tot 100 meter zonder rust", "200 meter zonder rust",
      "300 meter zonder rust", "500 meter, ook buiten bij wind"],
     [(6, "lotte", -1, "no-change", "MDO: bij koud weer sneller kortademig; oefenschema aangepast.")]),
    (0, "els", "Johan en Maria weten wat te doen bij een COPD-opstoot, zodat een ziekenhuisopname vermeden wordt.",
     ["Meer dan één ziekenhuisopname in een half jaar", "Eén ziekenhuisopname in een half jaar",
      "Geen opname; het actieplan wordt gevolgd", "Geen opname en geen spoedbezoek",
      "Geen opname, en Johan herkent zelf de eerste tekenen en belt tijdig"],
     [(6, "els", 0, "improving", "MDO: actieplan hangt op de koelkast; Maria belde tijdig bij de laatste verkoudheid.")]),
]
MDO_WEEKS_AGO = 6  # the evaluations scored in the earlier MDO (models/demo_meetings.py)
SCORINGS = [
    (16, {"bodily_functions": 4, "mental_wellbeing": 5, "meaningfulness": 7, "quality_of_life": 6,
          "participation": 3, "daily_functioning": 5}, "Bij de start, samen met Karim en Maria."),
    (6, {"bodily_functions": 5, "mental_wellbeing": 6, "meaningfulness": 7, "quality_of_life": 7,
         "participation": 5, "daily_functioning": 5}, "Voor het MDO."),
]


def load_goals(session, team, members: dict, meeting=None) -> None:
    """Johan's goals, as the team built them over the last four months; `meeting`: the earlier MDO."""
    today = date.today()
    save_profile(session, team, None, None, important=IMPORTANT, good_day=GOOD_DAY)
    lives = [add_life_goal(session, team, None, text=text, dimension=dimension, expressed_by=members["johan"],
                           expressed_on=today - timedelta(weeks=16)) for text, dimension in LIFE_GOALS]
    for life, owner, text, levels, evaluations in CARE_GOALS:
        gas = {"levels": {str(level): words for level, words in zip((-2, -1, 0, 1, 2), levels)}, "baseline": -1}
        goal = add_care_goal(session, team, None, lives[life], text=text, owner=members[owner], gas=gas,
                             lifecycle="active", target_date=today + timedelta(weeks=20))
        goal.created_at = utcnow() - timedelta(weeks=14)
        for weeks, by, level, progress, remark in evaluations:
            in_mdo = meeting.id if meeting is not None and weeks == MDO_WEEKS_AGO else None
            evaluation = evaluate(session, goal, None, level=level, achievement=progress, remark=remark,
                                  on=today - timedelta(weeks=weeks), meeting_id=in_mdo)
            evaluation.evaluated_by_id = members[by].id
    for weeks, scores, remark in SCORINGS:
        scoring = score_health(session, team, None, scores, remark=remark, on=today - timedelta(weeks=weeks))
        scoring.scored_by_id = members["karim"].id
