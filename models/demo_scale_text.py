"""The words of the synthetic care teams (models/demo_scale.py): names, places, goals, agreements, information.

Invented, Flemish, and varied enough that pages and exports have realistic lengths.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

GIVEN = ("Jozef", "Maria", "Frans", "Godelieve", "Marcel", "Jeanne", "Roger", "Paula", "Willy", "Agnes", "Georges",
         "Rosa", "Albert", "Yvonne", "Gilbert", "Simonne", "Julien", "Irène", "André", "Lisette", "Mohamed", "Fatma")
FAMILY = ("Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes", "Goossens", "Wouters", "De Smet",
          "Dubois", "Hermans", "Aerts", "Lambrechts", "Vermeulen", "Van den Broeck", "Smets", "Verstraeten",
          "Michiels", "Pauwels", "El Idrissi", "Yilmaz")
CITIES = (("2440", "Geel"), ("2400", "Mol"), ("2300", "Turnhout"), ("2200", "Herentals"), ("2260", "Westerlo"),
          ("2460", "Kasterlee"), ("2490", "Balen"), ("2470", "Retie"))
STREETS = ("Kerkstraat", "Stationsstraat", "Molenstraat", "Dorpsstraat", "Kapelstraat", "Schoolstraat",
           "Nieuwstraat", "Heidestraat", "Pastorijstraat", "Lindenlaan")

# key, role, discipline, relation to the person
TEAM = (
    ("person", "person", None, None),
    ("carer", "informal_carer", None, "partner"),
    ("child", "informal_carer", None, "dochter"),
    ("neighbour", "volunteer", None, "buur"),
    ("gp", "professional", "gp", None),
    ("nurse", "professional", "home_nurse", None),
    ("pharmacist", "professional", "pharmacist", None),
    ("physio", "professional", "physiotherapist", None),
    ("social_worker", "professional", "social_worker", None),
    ("organiser", "meeting_organiser", "care_zone_staff", None),
)
TITLES = {"gp": "dr. "}
ORGANISATIONS = {"gp": "Huisartsenpraktijk De Linde", "home_nurse": "Thuisverpleging Kempen",
                 "pharmacist": "Apotheek Markt", "physiotherapist": "Kinepraktijk Beweeg",
                 "social_worker": "Dienst maatschappelijk werk, ziekenfonds", "care_zone_staff": "Eerstelijnszone Kempen"}
REACHABILITY = ("Werkdagen 8.30-17 uur, liefst bellen.", "Elke voormiddag; dringend altijd bellen.",
                "Na 17 uur en in het weekend.", "Altijd thuis, ook 's nachts.", "Maandag tot donderdag, via mail.")

LIFE_GOALS = (
    ("Ik wil thuis blijven wonen.", "quality_of_life"),
    ("Ik wil op zondag naar de markt.", "participation"),
    ("Ik wil mijn kleinkinderen zien opgroeien.", "meaningfulness"),
    ("Ik wil zelf mijn boterhammen smeren.", "daily_functioning"),
    ("Ik wil 's nachts beter slapen.", "bodily_functions"),
    ("Ik wil minder piekeren.", "mental_wellbeing"),
    ("Ik wil weer naar de kaartclub.", "participation"),
)
LEVELS = ("Veel minder dan verwacht", "Iets minder dan verwacht", "Het verwachte resultaat",
          "Iets meer dan verwacht", "Veel meer dan verwacht")
CARE_GOALS = (
    ("De medicatie wordt elke dag juist ingenomen, met de weekdoos.", "nurse", LEVELS),
    ("Kan 200 meter wandelen zonder te rusten.", "physio", LEVELS),
    ("Weet wat te doen bij een opstoot, zodat een opname vermeden wordt.", "gp", LEVELS),
    ("De mantelzorger krijgt twee dagen per week ondersteuning.", "social_worker", LEVELS),
    ("Valt niet meer in huis.", "physio", LEVELS),
)
EVALUATION_REMARKS = ("Weekdoos in gebruik; 's avonds soms vergeten.", "Oefenschema aangepast bij koud weer.",
                      "Actieplan hangt op de koelkast.")

PLACE = "Bij de persoon thuis"
INVITED = ("organiser", "person", "carer", "social_worker", "gp", "nurse", "physio", "pharmacist")
FACTS = {"residence": "home", "consent": "form", "psychiatric": False}
AGENDA = ("Wat is belangrijk voor u?", "Medicatie en de weekdoos", "Bewegen en vallen", "Ondersteuning van de "
          "mantelzorger", "Wat te doen bij een opstoot", "Volgend overleg")
MINUTES = ("Iedereen stelt zich voor. De persoon vertelt wat voor hem belangrijk is. De medicatie loopt beter "
           "sinds de weekdoos; de thuisverpleging kijkt de inhalatietechniek na. De kinesitherapeut past het "
           "oefenschema aan. De mantelzorger krijgt ondersteuning via gezinszorg op dinsdag.")

AGREEMENTS = (
    "Weekdoos klaarzetten", "Naar de markt brengen en terug naar huis", "Inhalatietechniek nakijken",
    "Wandeloefening, twee keer per week een kwartier", "Premie voor mantelzorgers aanvragen bij de gemeente",
    "Uitzoeken of dagopvang op zaterdag kan", "Bloedafname regelen", "Medicatieschema bijwerken na ontslag",
    "Valdetectie aanvragen", "Boodschappen doen op vrijdag", "Huisbezoek plannen", "Rollator laten nakijken",
    "Gesprek over vroegtijdige zorgplanning", "Verpleegkundige zorg wassen, twee keer per week",
    "Maaltijden aan huis aanvragen", "Thuisoefeningen uitleggen aan de mantelzorger", "Aanvraag zorgbudget",
    "Voetverzorging regelen", "Nieuwe steunkousen halen bij de apotheek", "Vervoer naar het ziekenhuis regelen",
)
MESSAGES = (
    ("carer", "Vannacht slecht geslapen, vandaag wat moe."),
    ("nurse", "Inhalatietechniek nagekeken: gaat goed."),
    ("physio", "Volgende week dinsdag kom ik een uur later."),
    ("social_worker", "De premie is aangevraagd bij de gemeente."),
    ("child", "Ik kom zaterdag langs en doe de boodschappen."),
    ("gp", "Bloedresultaten zijn goed; geen aanpassing nodig."),
)


def phone(rng: random.Random) -> str:
    return f"04{rng.randint(70, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def member_name(rng: random.Random, key: str) -> str:
    title = "dr. " if key == "gp" else ""
    return f"{title}{rng.choice(GIVEN)} {rng.choice(FAMILY)}"


def scores(rng: random.Random) -> dict:
    return {d: rng.randint(2, 9) for d in ("bodily_functions", "mental_wellbeing", "meaningfulness",
                                            "quality_of_life", "participation", "daily_functioning")}


def agenda(rng: random.Random) -> list[dict]:
    return [{"source": "free", "category": None, "text": words} for words in rng.sample(AGENDA, 4)]


def agreement_state(n: int, today: date, rng: random.Random) -> tuple[str, date | None, str]:
    """Status, due date and recurrence of the n-th agreement of a team: mostly open, some done or cancelled."""
    if n % 5 == 4:
        return "done", today - timedelta(days=rng.randint(1, 60)), "none"
    if n % 10 == 7:
        return "cancelled", None, "none"
    if n % 4 == 1:
        return "accepted", today + timedelta(days=(6 - today.weekday()) % 7), "weekly"
    status = "proposed" if n % 3 == 0 else "accepted"
    return status, today + timedelta(days=rng.randint(-10, 40)), "none"


def information(rng: random.Random) -> list[tuple[str, str, dict]]:
    """Category, kind and data of the shared information of one person."""
    return [
        ("condition", "sheet", {"allergies": rng.choice(("Penicilline.", "Geen gekende allergieën.", "Latex.")),
                                "diagnoses": "COPD; beginnende dementie.", "mobility": "Binnen met een stok."}),
        ("medication", "medication", {"drug": "Seretide Diskus 500/50", "dose": "1 inhalatie",
                                      "moments": ["morning", "evening"], "food": "any"}),
        ("medication", "medication", {"drug": "Donepezil 10 mg", "dose": "1 tablet", "moments": ["evening"],
                                      "food": "with_food"}),
        ("family", "sheet", {"household": "Woont samen met de partner.", "involvement": "Dochter komt wekelijks."}),
    ]
