"""Johan's meetings in the demo: the MDO held six weeks before the demo was loaded (attendance, minutes, the goal
evaluations and agreements it made), and the next MDO, planned four weeks from the day the demo is loaded, at 14:00
Brussels time at Johan's home, the GP joining by video."""
from __future__ import annotations

from datetime import date, time, timedelta

from sqlalchemy import select

from models.agreements import Agreement
from models.meetings import at_brussels, plan_meeting, propose_agenda
from models.meetings.records import Meeting

PLACE = "Bij Johan thuis, Kerkstraat 12, 2440 Geel"
VIDEO = "https://video.zorgteam.example/mdo-johan"
INVITED = ("griet", "johan", "maria", "an", "karim", "els", "tom", "sofie", "lotte")
# how each took part in the held MDO
ATTENDANCE = {"griet": "present", "johan": "present", "maria": "present", "an": "phone", "karim": "present",
              "els": "present", "tom": "present", "sofie": "excused", "lotte": "present"}
AGENDA = [
    "Kennismaking: wat is voor Johan belangrijk?",
    "Medicatie-inname en de weekdoos",
    "Kortademigheid bij het wandelen en de duivenclub op zondag",
    "Wat te doen bij een COPD-opstoot",
    "Ondersteuning van Maria",
]
MINUTES = (
    "Johan vertelt dat hij thuis wil blijven wonen met Maria en op zondag naar de duivenclub wil. "
    "Sinds het ontslag uit het ziekenhuis gaat het beter.\n\n"
    "Medicatie: Maria zet de weekdoos klaar; een wekker om 20 uur helpt voor de avondmedicatie. "
    "Tom kijkt de inhalatietechniek na.\n\n"
    "Bewegen: Lotte komt twee keer per week; bij koud weer is Johan sneller kortademig, het oefenschema is "
    "aangepast. Jef rijdt Johan op zondag naar de duivenclub.\n\n"
    "Opstoot: dr. Janssens overloopt het actieplan; het hangt op de koelkast.\n\n"
    "Maria: Karim vraagt de mantelzorgpremie aan bij de gemeente. An zoekt uit of dagopvang op zaterdag kan."
)


def plan_held_mdo(session, team, members: dict) -> Meeting:
    """The MDO of six weeks ago, as it was planned; `finish_meetings` records how it went."""
    held_day = date.today() - timedelta(weeks=6)
    meeting = plan_meeting(session, team, None, kind="mdo", starts_at=at_brussels(held_day, time(14, 0)),
                           duration_minutes=90, place=PLACE, organiser=members["griet"],
                           invitees=[members[key] for key in INVITED],
                           agenda=[{"source": "free", "category": None, "text": text} for text in AGENDA],
                           facts={"residence": "home", "consent": "form", "psychiatric": False})
    meeting.created_by_id = members["karim"].id
    session.flush()
    return meeting


def _link_agreements(session, team, held: Meeting) -> None:
    """The demo's agreements were made in the held MDO (they were created on its day)."""
    for agreement in session.scalars(select(Agreement).where(Agreement.team_id == team.id)):
        if abs((agreement.created_at - held.starts_at).days) <= 1:
            agreement.meeting_id = held.id


def _plan_next(session, team, members: dict) -> Meeting:
    starts = at_brussels(date.today() + timedelta(weeks=4), time(14, 0))
    meeting = plan_meeting(session, team, None, kind="mdo", starts_at=starts, duration_minutes=60, place=PLACE,
                           video_link=VIDEO, organiser=members["griet"], invitees=[members[k] for k in INVITED],
                           agenda=propose_agenda(session, team, None, starts),
                           facts={"residence": "home", "consent": "form", "psychiatric": False})
    meeting.created_by_id = members["karim"].id
    meeting.invitee_of(members["els"].id).joins = "video"
    return meeting


def finish_meetings(session, team, members: dict, held: Meeting) -> None:
    """Attendance, minutes and agreements of the held MDO, and the next MDO it planned before it closed."""
    for key, mode in ATTENDANCE.items():
        held.invitee_of(members[key].id).attendance = mode
    held.minutes = MINUTES
    _link_agreements(session, team, held)
    following = _plan_next(session, team, members)
    held.status, held.next_meeting = "held", following
    held.closed_at = held.ends_at
