"""Johan's shared information in the demo: every category filled, consent as CONTRACT.md describes (the care
history limited to professionals; Jef sees contact details only, by his role's default), and a few messages."""
from __future__ import annotations

from datetime import date, timedelta

from models.consent import set_professionals_only
from models.info import add_item, save_sheet
from models.messages import post_message

SHEETS = {
    "family": {"household": "Johan woont samen met zijn vrouw Maria (76) in een rijwoning; de slaapkamer is boven.",
               "involvement": "Dochter An komt elke woensdagavond en in het weekend. Zoon Wim woont in Gent en "
                              "belt elke week. Buurman Jef rijdt Johan op zondag naar de duivenclub."},
    "medication": {"problems": ""},
    "condition": {"allergies": "Penicilline (huiduitslag in 2011).",
                  "diagnoses": "COPD GOLD 3. Beginnende ziekte van Alzheimer (vastgesteld in 2024).",
                  "vaccinations": "Griep oktober 2026; COVID-19 najaar 2026; pneumokokken 2023.",
                  "household": "Maria doet het huishouden; poetshulp via gezinszorg op dinsdag.",
                  "meals": "Warme maaltijd 's middags; eet minder sinds de zomer.",
                  "mobility": "Binnen met een stok; de trap met leuning; buiten kortademig na 100 meter."},
    "history": {"earlier_care": "Longrevalidatie in AZ Geel in 2023. Depressieve periode na zijn pensioen, toen "
                                "begeleid door een psychiater.",
                "hospital_stays": "AZ Geel, longafdeling: COPD-opstoot, vijf dagen opgenomen."},
    "wishes": {"likes": "Zijn duiven, voetbal op tv (KVC Westerlo), de kapper op vrijdag.",
               "wishes": "Zijn verjaardag in maart vieren met de kleinkinderen. Thuis blijven wonen."},
    "needs": {"needs": "Hulp bij het klaarzetten van de medicatie; toezicht op de inhalatietechniek; hulp bij het "
                       "wassen (twee keer per week); vervoer naar de duivenclub op zondag."},
    "advance-care": {"notes": "Gesprek over vroegtijdige zorgplanning met dr. Janssens op 3 september; "
                              "een vervolggesprek met Maria en An is gepland."},
}
ITEMS = {
    "contacts": [
        {"name": "Huisartsenwachtpost Kempen", "organisation": "Wachtpost", "phone": "1733",
         "note": "'s Nachts en in het weekend."},
        {"name": "Wim Peeters", "relation": "zoon", "phone": "0476 98 76 54", "note": "Woont in Gent."},
        {"name": "An Peeters", "relation": "dochter", "phone": "0472 34 34 34", "trusted": True},
        {"name": "Louis Verhaegen", "relation": "voorzitter duivenclub De Kempenvlieger", "phone": "014 55 66 77"},
    ],
    "medication": [
        {"drug": "Seretide Diskus 500/50", "dose": "1 inhalatie", "moments": ["morning", "evening"], "food": "any",
         "note": "Mond spoelen na gebruik."},
        {"drug": "Donepezil 10 mg", "dose": "1 tablet", "moments": ["evening"], "food": "with_food"},
        {"drug": "Salbutamol 100 µg", "dose": "1 à 2 puffs", "moments": ["as_needed"], "food": "any",
         "note": "Bij kortademigheid; hoogstens 8 puffs per dag."},
    ],
    "advance-care": [
        {"kind": "negative", "recorded_on": "2026-09-03", "where_kept": "Bij de huisarts en thuis in de map "
         "'Zorg' in de kast van de living", "note": "Geen reanimatie bij een hartstilstand."},
        {"kind": "funeral", "recorded_on": "2025-05-10", "where_kept": "Map 'Zorg', kast in de living"},
    ],
}
JOURNAL = [(16, "contact", "Intakegesprek bij Johan thuis met Karim, Maria en An."),
           (10, "admission", "Opname in AZ Geel, longafdeling, na een COPD-opstoot."),
           (9, "discharge", "Ontslag uit AZ Geel; thuisverpleging twee keer per dag opgestart."),
           (6, "event", "Eerste MDO bij Johan thuis.")]
MESSAGES = [("maria", "team", "Johan heeft deze week goed geslapen. De weekdoos werkt!"),
            ("tom", "professionals", "Inhalatietechniek nog onvoldoende: Johan ademt niet diep genoeg in. "
                                     "Ik leg het morgen opnieuw uit."),
            ("jef", "team", "Zondag rij ik zoals altijd om 9 uur naar de duivenclub."),
            ("karim", "team", "Het volgende MDO is gepland; de uitnodiging volgt.")]


def load_info(session, team, members: dict) -> None:
    """Fill every category for Johan and limit the care history to professionals."""
    for category, values in SHEETS.items():
        save_sheet(session, team, None, category, values, None)
    for category, items in ITEMS.items():
        for values in items:
            add_item(session, team, None, category, values)
    for weeks, kind, text in JOURNAL:
        add_item(session, team, None, "journal", {"occurred_on": date.today() - timedelta(weeks=weeks),
                                                  "kind": kind, "text": text})
    set_professionals_only(session, team, None, "history", True, method="in_person")
    for key, audience, body in MESSAGES:
        post_message(session, team, members[key], body, audience=audience)
