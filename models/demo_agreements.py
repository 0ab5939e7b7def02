"""Johan's agreements in the demo: who does what by when, as the earlier MDO left them, with the completed Sundays.

Maria's weekly pill box and Jef's Sunday drive to the pigeon club recur every week; Tom checks the inhaler
technique; Lotte's walking exercise is twice a week (one weekly agreement that says so); one task of Karim's is
overdue. The meetings demo links them to the MDO that made them.
"""
from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from models.agreements import AgreementCompletion, add_agreement
from models.base import utcnow
from models.goals import CareGoal


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


# owner, what, due date, recurrence, status, and the owner of the care goal it serves (None: no goal)
def _plan(today: date) -> list[tuple]:
    sunday, tuesday = _weekday_on_or_after(today, 6), _weekday_on_or_after(today, 1)
    return [
        ("maria", "Weekdoos klaarzetten", sunday, "weekly", "accepted", "tom"),
        ("jef", "Johan naar de duivenclub brengen en terug naar huis", sunday, "weekly", "accepted", None),
        ("tom", "Inhalatietechniek van de Seretide Diskus nakijken, samen met Johan en Maria",
         today + timedelta(days=4), "none", "accepted", "els"),
        ("lotte", "Wandeloefening met Johan, twee keer per week (dinsdag en vrijdag), telkens een kwartier",
         tuesday, "weekly", "accepted", "lotte"),
        ("karim", "Premie voor mantelzorgers aanvragen bij de gemeente Geel, samen met Maria",
         today - timedelta(days=9), "none", "accepted", None),
        ("an", "Uitzoeken of Johan op zaterdag naar het dagverzorgingscentrum kan",
         today + timedelta(days=21), "none", "proposed", None),
    ]


def _goal_of(session, team, owner) -> CareGoal | None:
    return session.scalar(select(CareGoal).where(CareGoal.team_id == team.id, CareGoal.owner_id == owner.id))


def _history(session, agreement, by, weeks: int) -> None:
    """The Sundays before today that were done, as the completion history of a weekly agreement."""
    for back in range(weeks, 0, -1):
        occurrence = agreement.due_on - timedelta(weeks=back)
        if occurrence >= date.today():
            continue
        done = AgreementCompletion(agreement_id=agreement.id, team_id=agreement.team_id,
                                   person_id=agreement.person_id, occurrence_on=occurrence, completed_by_id=by.id,
                                   completed_at=utcnow() - timedelta(days=(date.today() - occurrence).days))
        done.ensure_id()
        session.add(done)
        agreement.done_at = done.completed_at


def load_agreements(session, team, members: dict) -> None:
    """The agreements the team made six weeks ago (meeting_id is set by the meetings demo)."""
    session.flush()
    made = utcnow() - timedelta(weeks=6)
    for owner, what, due_on, recurrence, status, goal_owner in _plan(date.today()):
        goal = _goal_of(session, team, members[goal_owner]) if goal_owner else None
        agreement = add_agreement(session, team, None, what=what, owner=members[owner], due_on=due_on,
                                  recurrence=recurrence, status=status, care_goal_id=goal.id if goal else None)
        agreement.created_at, agreement.created_by_id = made, members["karim"].id
        if recurrence == "weekly":
            agreement.recurs_from = due_on - timedelta(weeks=6)
            _history(session, agreement, members[owner], weeks=5)
