"""Plain-language names for the codes of the domain: roles, disciplines, designations, audit actions."""
from __future__ import annotations

from flask import Flask

from zorgteam.translate import lazy_gettext as _l

ROLES = {
    "person": _l("de persoon zelf"),
    "informal_carer": _l("mantelzorger"),
    "volunteer": _l("vrijwilliger"),
    "professional": _l("zorgverlener"),
    "case_manager": _l("casemanager"),
    "meeting_organiser": _l("overlegorganisator"),
}
DISCIPLINES = {
    "gp": _l("huisarts"),
    "home_nurse": _l("thuisverpleegkundige"),
    "pharmacist": _l("apotheker"),
    "physiotherapist": _l("kinesitherapeut"),
    "social_worker": _l("maatschappelijk werker"),
    "home_help": _l("gezinszorg"),
    "occupational_therapist": _l("ergotherapeut"),
    "psychologist": _l("psycholoog"),
    "psychiatrist": _l("psychiater"),
    "dietitian": _l("diëtist"),
    "speech_therapist": _l("logopedist"),
    "specialist": _l("arts-specialist"),
    "care_zone_staff": _l("medewerker eerstelijnszone"),
    "other": _l("andere"),
}
DESIGNATIONS = {
    "coordinator": _l("zorgcoördinator"),
    "representative": _l("vertegenwoordiger"),
    "trusted_person": _l("vertrouwenspersoon"),
}
# "Tom Wouters (thuisverpleegkundige) bekeek de contactgegevens"
ACTIONS = {
    "create": _l("voegde toe"),
    "read": _l("bekeek"),
    "update": _l("wijzigde"),
    "delete": _l("verwijderde"),
    "search": _l("zocht in"),
    "export": _l("exporteerde"),
    "print": _l("drukte af"),
    "consent": _l("wijzigde de toestemming voor"),
    "denied": _l("kreeg geen toegang tot"),
    "hand-over": _l("droeg een rol over:"),
    "invite": _l("nodigde uit:"),
    "login": _l("meldde zich aan"),
    "logout": _l("meldde zich af"),
    "login-failed": _l("kon zich niet aanmelden"),
    "erase": _l("wiste"),
    "rekey": _l("vernieuwde de sleutel van"),
    "restrict": _l("beperkte op vraag van de persoon"),
    "lift": _l("hief de beperking op van"),
    "close": _l("sloot af:"),
    "import": _l("las een bestand in voor"),
}
SYSTEM = _l("Zorgteam (automatisch)")
OUTSIDER = _l("Iemand buiten het zorgteam")
SOME_PAGE = _l("een pagina van het zorgteam")
OBJECTS = {
    "persons": _l("de gegevens van de persoon"),
    "person": _l("de identiteitsgegevens van de persoon"),
    "care_teams": _l("het zorgteam"),
    "members": _l("een teamlid"),
    "team": _l("het zorgteam"),
    "designations": _l("de rollen in het team"),
    "life-goals": _l("de levensdoelen"),
    "care-goals": _l("de zorgdoelen"),
    "positive-health": _l("het spinnenweb van Positieve Gezondheid"),
    "overview": _l("het overzicht van het zorgteam"),
    "members-list": _l("de teamleden en hun bereikbaarheid"),
    "access-log": _l("wie de gegevens bekeek"),
    "record-history": _l("de vorige versies en beperkingen van de gegevens"),
    "goals": _l("de doelen"),
    "goal_profiles": _l("wat voor de persoon belangrijk is"),
    "life_goals": _l("een levensdoel"),
    "care_goals": _l("een zorgdoel"),
    "goal_evaluations": _l("een evaluatie van een zorgdoel"),
    "health_scorings": _l("het spinnenweb van Positieve Gezondheid"),
    "consent": _l("wie wat mag zien"),
    "messages": _l("de berichten"),
    "contacts": _l("de contactgegevens"),
    "family": _l("de gezinssituatie"),
    "medication": _l("de medicatie"),
    "condition": _l("de huidige toestand"),
    "history": _l("de zorggeschiedenis"),
    "wishes": _l("de wensen"),
    "needs": _l("de zorgnoden"),
    "advance-care": _l("de vroegtijdige zorgplanning"),
    "journal": _l("het contactlogboek"),
    "meetings": _l("een overleg"),
    "attendance": _l("de aanwezigheid op een overleg"),
    "minutes": _l("het verslag van een overleg"),
    "feedback": _l("de terugkoppeling over een overleg"),
    "calendar-feed": _l("de eigen agenda-feed"),
    "agreements": _l("de afspraken"),
    "agreement_completions": _l("een afgewerkte taak"),
    "record": _l("het volledige dossier (download)"),
    "careplan": _l("het zorgplan"),
    "home": _l("het eigen overzicht (Mijn overzicht)"),
    "referrals": _l("de verwijzingen"),
    "socialmap": _l("de sociale kaart"),
    "organisations": _l("een organisatie op de sociale kaart"),
}
# The six dimensions of Positieve Gezondheid (positive health), in the order of the spider web.
DIMENSIONS = {
    "bodily_functions": _l("Lichaamsfuncties"),
    "mental_wellbeing": _l("Mentaal welbevinden"),
    "meaningfulness": _l("Zingeving"),
    "quality_of_life": _l("Kwaliteit van leven"),
    "participation": _l("Meedoen"),
    "daily_functioning": _l("Dagelijks functioneren"),
}
LIFECYCLE = {
    "proposed": _l("voorgesteld"),
    "active": _l("loopt"),
    "on-hold": _l("gepauzeerd"),
    "completed": _l("afgesloten"),
    "cancelled": _l("geschrapt"),
}
ACHIEVEMENT = {
    "in-progress": _l("bezig"),
    "improving": _l("gaat beter"),
    "worsening": _l("gaat slechter"),
    "no-change": _l("geen verandering"),
    "achieved": _l("bereikt"),
    "not-achieved": _l("niet bereikt"),
}
# The nine categories of shared information (DOMAIN.md), as headings.
CATEGORIES = {
    "contacts": _l("Contactgegevens"),
    "family": _l("Gezinssituatie"),
    "medication": _l("Medicatie"),
    "condition": _l("Huidige toestand"),
    "history": _l("Zorggeschiedenis"),
    "wishes": _l("Wensen"),
    "needs": _l("Zorgnoden"),
    "advance-care": _l("Vroegtijdige zorgplanning"),
    "journal": _l("Contactlogboek"),
}
# How consent was given (models/consent.py METHODS).
CONSENT_METHODS = {
    "in_person": _l("persoonlijk gezegd"),
    "on_paper": _l("op papier"),
    "by_representative": _l("door de vertegenwoordiger"),
    "default": _l("standaard bij het begin"),
}
# Simple or complex care (models/teams.py CARE_LEVELS).
CARE_LEVELS = {
    "simple": _l("Enkelvoudige zorg"),
    "complex": _l("Complexe zorg"),
}
# Why a team was closed (models/lifecycle.py CLOSING_REASONS).
CLOSING_REASONS = {
    "died": _l("De persoon is overleden"),
    "nursing_home": _l("De persoon is verhuisd naar een woonzorgcentrum"),
    "no_longer_needed": _l("Zorg en ondersteuning zijn niet meer nodig"),
    "persons_request": _l("Op vraag van de persoon"),
    "other": _l("Een andere reden"),
}
# Goal Attainment Scaling, in words a family carer understands.
GAS_LEVELS = {
    2: _l("+2: veel beter dan verwacht"),
    1: _l("+1: beter dan verwacht"),
    0: _l("0: zoals verwacht"),
    -1: _l("-1: minder dan verwacht"),
    -2: _l("-2: veel minder dan verwacht"),
}

# Agreements (afspraken): their status and how often they come back.
AGREEMENT_STATUSES = {
    "proposed": _l("wacht op antwoord"),
    "accepted": _l("aanvaard"),
    "declined": _l("geweigerd"),
    "done": _l("klaar"),
    "cancelled": _l("geannuleerd"),
}
RECURRENCES = {
    "none": _l("één keer"),
    "weekly": _l("elke week"),
    "monthly": _l("elke maand"),
}


def role_label(member) -> str:
    """'thuisverpleegkundige' for a professional with a discipline, else the role."""
    if member.discipline and member.is_professional:
        return str(DISCIPLINES.get(member.discipline, member.discipline))
    return str(ROLES.get(member.role, member.role))


def init_app(app: Flask) -> None:
    app.jinja_env.globals.update(ROLES=ROLES, DISCIPLINES=DISCIPLINES, DESIGNATIONS=DESIGNATIONS,
                                 role_label=role_label, DIMENSIONS=DIMENSIONS, LIFECYCLE=LIFECYCLE,
                                 ACHIEVEMENT=ACHIEVEMENT, GAS_LEVELS=GAS_LEVELS,
                                 CATEGORIES=CATEGORIES, CONSENT_METHODS=CONSENT_METHODS,
                                 AGREEMENT_STATUSES=AGREEMENT_STATUSES, RECURRENCES=RECURRENCES,
                                 CARE_LEVELS=CARE_LEVELS, CLOSING_REASONS=CLOSING_REASONS)
