"""The demo scenario of CONTRACT.md: Johan Peeters and his care team, and Rita Vos's small team around Hanne.

The details are invented; Johan's situation is the one discussed at the 2025 round-table of the Kempen care councils.
"""
from __future__ import annotations

from datetime import date, timedelta

from models import audit
from models.demo_agreements import load_agreements
from models.demo_goals import load_goals
from models.demo_info import load_info
from models.demo_meetings import finish_meetings, plan_held_mdo
from models.demo_socialmap import link_members, load_directory, load_referrals
from models.members import add_member, create_team, designate
from models.goals import add_life_goal
from models.people import Person
from models.users import User, find_user

PASSWORD = "zorgteam-demo-2026"

# account, name, role, discipline, organisation, phone, reachability, night, relation
JOHAN_TEAM = [
    ("johan", "Johan Peeters", "person", None, None, "014 58 12 34",
     "Thuis, best in de voormiddag.", False, None),
    ("karim", "Karim El Amrani", "professional", "social_worker", "Dienst maatschappelijk werk, ziekenfonds",
     "0470 11 22 33", "Werkdagen 8.30-17 uur, liefst bellen; mail wordt dezelfde dag gelezen.", False, None),
    ("griet", "Griet Hermans", "meeting_organiser", "care_zone_staff", "Eerstelijnszone Kempen",
     "014 23 45 67", "Maandag tot donderdag, via mail of telefoon.", False, None),
    ("els", "dr. Els Janssens", "professional", "gp", "Huisartsenpraktijk De Linde, Geel",
     "014 58 90 90", "Praktijk: werkdagen 8-19 uur. 's Nachts en in het weekend: huisartsenwachtpost 1733.",
     False, None),
    ("tom", "Tom Wouters", "professional", "home_nurse", "Thuisverpleging Kempen",
     "0486 33 44 55", "Elke ochtend tussen 7 en 12 uur bij de ronde; dringend: altijd bellen.", True, None),
    ("sofie", "Sofie Maes", "professional", "pharmacist", "Apotheek Markt, Geel",
     "014 58 66 77", "Openingsuren apotheek, ma-za 8.30-18.30.", False, None),
    ("lotte", "Lotte Vermeulen", "professional", "physiotherapist", "Kinepraktijk Beweeg",
     "0495 66 77 88", "Dinsdag en vrijdag aan huis; sms na 17 uur.", False, None),
    ("maria", "Maria Peeters", "informal_carer", None, None, "0478 12 12 12",
     "Altijd thuis, ook 's nachts.", True, "echtgenote"),
    ("an", "An Peeters", "informal_carer", None, None, "0472 34 34 34",
     "Na 17 uur en in het weekend; overdag op het werk bereikbaar via sms.", True, "dochter"),
    ("jef", "Jef Claes", "volunteer", None, None, "0468 56 56 56",
     "Overdag, en elke zondagvoormiddag voor de duivenclub.", False, "buurman"),
]


def _user(session, key: str, name: str) -> User:
    user = User(email=f"{key}@zorgteam.example", name=name)
    user.set_password(PASSWORD)
    user.ensure_id()
    session.add(user)
    return user


def _johan(session) -> None:
    johan = Person(given_name="Johan", family_name="Peeters", birth_date=date(1947, 3, 12), language="nl",
                   address={"street": "Kerkstraat 12", "postcode": "2440", "city": "Geel"},
                   phone="014 58 12 34", gp="dr. Els Janssens, Huisartsenpraktijk De Linde")
    session.add(johan)
    johan.set_insz(session, "47.03.12-123.40")
    team = create_team(session, johan)
    team.care_level = "complex"
    team.care_question = ("Ik wil thuis blijven wonen, bij Maria. Maar het wassen en mijn pillen lukken niet meer "
                          "alleen, en Maria mag er niet onder bezwijken.")
    members = {}
    for key, name, role, discipline, organisation, phone, reach, night, relation in JOHAN_TEAM:
        user = _user(session, key, name)
        members[key] = add_member(session, team, None, role=role, name=name, discipline=discipline,
                                  organisation=organisation, phone=phone, reachability=reach, night_contact=night,
                                  relation=relation, email=user.email, user=user,
                                  started_on=date.today() - timedelta(days=120))
    designate(session, team, None, "coordinator", members["karim"])
    designate(session, team, None, "representative", members["maria"])
    designate(session, team, None, "trusted_person", members["an"])
    held = plan_held_mdo(session, team, members)  # first: the goal evaluations refer to it
    load_goals(session, team, members, meeting=held)
    load_info(session, team, members)
    load_agreements(session, team, members)
    link_members(session, members)
    load_referrals(session, team, members)  # before the next MDO: its agenda follows them up
    finish_meetings(session, team, members, held)
    for member in members.values():  # everyone looked at the team since: "sinds uw vorige bezoek" starts clean
        audit.record(session, member, "read", team=team, category="overview")


def _rita(session) -> None:
    rita = Person(given_name="Rita", family_name="Vos", birth_date=date(1938, 6, 2), language="nl",
                  address={"street": "Molenstraat 3", "postcode": "2400", "city": "Mol"}, phone="014 31 00 01")
    session.add(rita)
    rita.set_insz(session, "38.06.02-214.81")
    team = create_team(session, rita)
    hanne = _user(session, "hanne", "Hanne Verheust")
    coordinator = add_member(session, team, None, role="professional", name="Hanne Verheust",
                             discipline="home_nurse", organisation="Wit-Gele Kruis Mol", phone="0499 10 20 30",
                             email=hanne.email, reachability="Werkdagen 7-15 uur.", user=hanne)
    add_member(session, team, None, role="person", name="Rita Vos", phone="014 31 00 01")
    designate(session, team, None, "coordinator", coordinator)
    add_life_goal(session, team, None, text="Ik wil in mijn eigen huis in Mol blijven wonen.",
                  dimension="quality_of_life")


def load(session) -> bool:
    """Build the scenario in `session`; False (and nothing done) when it is already there."""
    if find_user(session, "karim@zorgteam.example") is not None:
        return False
    load_directory(session)
    _johan(session)
    _rita(session)
    find_user(session, "griet@zorgteam.example").zone_staff = True  # ELZ staff manage the social map
    return True
