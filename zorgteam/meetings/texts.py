"""Plain-language names for meeting codes, and the sentence of each line of the rules checklist."""
from __future__ import annotations


from zorgteam import labels
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

KINDS = {
    "mdo": _l("Vlaams vergoedbaar MDO"),
    "gdt": _l("GDT-overleg"),
    "loc": _l("Lokaal Cliëntoverleg"),
    "team": _l("Teamoverleg"),
}
SHORT_KINDS = {"mdo": _l("MDO"), "gdt": _l("GDT-overleg"), "loc": _l("Lokaal Cliëntoverleg"),
               "team": _l("Teamoverleg")}
STATUSES = {"planned": _l("gepland"), "held": _l("gehouden"), "cancelled": _l("geannuleerd")}
MODES = {
    "present": _l("aanwezig"),
    "video": _l("via video"),
    "phone": _l("via telefoon"),
    "excused": _l("verontschuldigd"),
    "absent": _l("afwezig"),
}
RESPONSES = {"NEEDS-ACTION": _l("nog geen antwoord"), "ACCEPTED": _l("komt"), "DECLINED": _l("komt niet"),
             "TENTATIVE": _l("misschien")}
RESIDENCES = {
    "home": _l("thuis"),
    "returning_home": _l("keert binnen 8 dagen naar huis terug"),
    "nursing_home": _l("in een woonzorgcentrum"),
}
CONSENTS = {
    "form": _l("toestemmingsformulier getekend (gegevens en samenstelling van het overleg)"),
    "declaration": _l("verklaring: de persoon wil of kan niet deelnemen"),
}
HELPED = {"yes": _l("ja"), "somewhat": _l("een beetje"), "no": _l("nee")}
RECURRENCES = {"none": _l("eenmalig"), "weekly": _l("elke week"), "monthly": _l("elke maand")}
SOURCES = {"goal": _l("Evaluatie zorgdoel"), "agreement": _l("Afspraak opvolgen"),
           "journal": _l("Sinds het vorige overleg"), "free": _l("Agendapunt"),
           "referral": _l("Verwijzing opvolgen")}


def _disciplines(keys) -> str:
    return ", ".join(str(labels.DISCIPLINES.get(k, k)) for k in keys) or _("geen")


def _residence(p: dict) -> str:
    if p.get("residence") == "nursing_home":
        return _("De persoon woont in een woonzorgcentrum: een vergoedbaar MDO is voor wie thuis woont.")
    if p.get("residence") == "returning_home":
        return _("De persoon keert binnen %(days)s dagen naar huis terug.", days=p["days"])
    return _("De persoon woont thuis.")


def _gp(p: dict, after: bool) -> str:
    if "name" in p:
        mode = str(MODES.get(p.get("mode"), ""))
        if after:
            return _("De huisarts nam deel: %(name)s (%(mode)s).", name=p["name"], mode=mode)
        if mode:
            return _("De huisarts is uitgenodigd: %(name)s (%(mode)s).", name=p["name"], mode=mode)
        return _("De huisarts is uitgenodigd: %(name)s.", name=p["name"])
    if after:
        return _("De huisarts nam niet deel (ter plaatse, via video of telefoon).")
    if p.get("psychiatric"):
        return _("Nodig de huisarts of de psychiater uit: dat is verplicht.")
    return _("De huisarts is niet uitgenodigd: dat is altijd verplicht.")


SENTENCES = {
    "residence": lambda p, after: _residence(p) if p else _("Noteer waar de persoon woont (thuis, of binnen "
                                                            "8 dagen terug naar huis)."),
    "disciplines": lambda p, after: _(
        "%(count)s verschillende disciplines (%(names)s); minstens %(minimum)s nodig, naast de persoon, de "
        "mantelzorgers, de vertegenwoordiger en de overlegorganisator.",
        count=p["count"], names=_disciplines(p["disciplines"]), minimum=p["minimum"]),
    "gp_invited": lambda p, after: _gp(p, False),
    "gp_taking_part": lambda p, after: _gp(p, True),
    "consent": lambda p, after: (
        str(CONSENTS[p["consent"]]).capitalize() + "." if p.get("consent") in CONSENTS else
        _("Noteer het toestemmingsformulier, of de verklaring dat de persoon niet wil of kan deelnemen.")),
    "interval": lambda p, after: (
        _("Er was al een MDO op %(previous)s; een volgend vergoedbaar MDO kan pas vanaf %(next)s "
          "(hoogstens één per %(days)s dagen).", previous=p["previous"].strftime("%d/%m/%Y"),
          next=p["from"].strftime("%d/%m/%Y"), days=p["days"]) if "previous" in p else
        _("Geen ander MDO in de voorbije %(days)s dagen.", days=p["days"])),
    "providers": lambda p, after: _("%(count)s zorgverleners; minstens %(minimum)s nodig, de huisarts inbegrepen.",
                                    count=p["count"], minimum=p["minimum"]),
    "home_nurse": lambda p, after: (
        _("Noteer of de persoon thuisverpleging krijgt.") if not p else
        _("Geen thuisverpleging: de thuisverpleegkundige hoeft niet deel te nemen.") if not p["home_nursing"] else
        _("De thuisverpleegkundige neemt deel.")),
    "katz": lambda p, after: (_("Katz-score genoteerd: %(score)s.", score=p["score"]) if p.get("score") else
                              _("Noteer de zelfredzaamheid (Katz-score).")),
    "task_agreements": lambda p, after: (
        _("%(count)s taakafspraken gemaakt.", count=p["count"]) if p.get("count") else
        _("Er zijn nog geen taakafspraken gemaakt.") if after else
        _("Maak in het overleg taakafspraken (het zorgplan).")),
    "paid_providers": lambda p, after: _("%(count)s zorgverleners vragen een vergoeding; hoogstens %(maximum)s.",
                                         count=p["count"], maximum=p["maximum"]),
    "calendar_year": lambda p, after: _("Hoogstens %(maximum)s GDT-overleg per kalenderjaar (%(year)s).",
                                        maximum=p["maximum"], year=p["year"]),
}


def sentence(check, after: bool) -> str:
    """The reason of one checklist line, in plain words."""
    if check.key == "home_nurse" and check.params.get("home_nursing") and check.state != "ok":
        return _("De persoon krijgt thuisverpleging, maar de thuisverpleegkundige neemt niet deel.")
    return SENTENCES[check.key](check.params, after)
