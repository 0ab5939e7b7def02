"""The demo's social map: 44 fictional organisations in the Kempen (models/demo_socialmap.csv, also the sample
import file of docs/socialmap-format.md), contact persons at the home nursing service and the first points of
contact, Griet as zone staff, and two referrals in Johan's team."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from models.socialmap.contacts import save_contact
from models.socialmap.directory import Organisation
from models.socialmap.importer import import_file
from models.socialmap.referrals import advance, refer

SAMPLE = Path(__file__).with_name("demo_socialmap.csv")
# Fictional contact persons: (organisation, name, discipline, what they do, phone, e-mail, when reachable).
CONTACTS = (
    ("Thuisverpleging Kempen", "Evi Mertens", "home_nurse", "Hoofdverpleegkundige regio Geel",
     "014 58 20 21", "evi.mertens@thuisverplegingkempen.example", "Werkdagen 8-12 uur; daarna de permanentie."),
    ("Thuisverpleging Kempen", "Bram Luyten", "home_nurse", "Thuisverpleegkundige, wondzorg",
     "014 58 20 22", "bram.luyten@thuisverplegingkempen.example", "Werkdagen na 14 uur."),
    ("Welzijnshuis De Sleutel", "Nele Goossens", "social_worker", "Maatschappelijk werker van het welzijnsonthaal",
     "014 20 10 05", "nele.goossens@welzijnshuisdesleute.example", "Maandag tot donderdag, voormiddag."),
    ("Onthaalpunt Welzijn Mol", "Sara Jacobs", "social_worker", "Maatschappelijk werker, eerste onthaal",
     "014 21 10 05", "sara.jacobs@onthaalpuntwelzijnmo.example", "Werkdagen 9-12 uur."),
    ("Centrum Algemeen Welzijn Kempenland", "Dirk Verlinden", "social_worker", "Onthaalmedewerker",
     "014 40 30 35", None, "Dinsdag en donderdag, hele dag."),
)


def load_directory(session) -> None:
    import_file(session, SAMPLE)
    for organisation, name, discipline, function, phone, email, reachability in CONTACTS:
        save_contact(session, None, _named(session, organisation), None, None, name=name, discipline=discipline,
                     function=function, phone=phone, email=email, reachability=reachability)


def _named(session, name: str) -> Organisation:
    return session.scalar(select(Organisation).where(Organisation.name == name))


def link_members(session, members: dict) -> None:
    """Members whose organisation is on the map by that name point to it (Tom's home nursing)."""
    for member in members.values():
        found = _named(session, member.organisation) if member.organisation else None
        member.organisation_id = found.id if found else None


def load_referrals(session, team, members: dict) -> None:
    """Day care asked seven weeks ago and still on the waiting list; a personal alarm that started after 9 days."""
    today = date.today()
    day_care = refer(session, team, None, _named(session, "Dagverzorgingscentrum De Zonnewijzer"),
                     need="dagopvang", asked_on=today - timedelta(weeks=7),
                     note="Twee dagen per week, zodat Maria op adem kan komen.")
    day_care.referred_by_id = members["karim"].id
    session.flush()
    advance(session, team, day_care, None, day_care.version, "waitlisted", today - timedelta(weeks=6))
    alarm = refer(session, team, None, _named(session, "Alarmcentrale Helpende Hand"), need="personenalarm",
                  asked_on=today - timedelta(days=40), note="Na de val in de badkamer.")
    alarm.referred_by_id = members["karim"].id
    session.flush()
    advance(session, team, alarm, None, alarm.version, "started", today - timedelta(days=31))
