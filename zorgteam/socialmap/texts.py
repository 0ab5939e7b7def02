"""The social map's words on screen: needs, kinds of organisation, languages and referral statuses."""
from __future__ import annotations

from zorgteam.translate import lazy_gettext as _l


NEEDS = {
    "first_contact": _l("eerste aanspreekpunt / welzijnsonthaal"),
    "thuisverpleging": _l("thuisverpleging"),
    "gezinszorg": _l("gezinszorg"),
    "poetshulp": _l("poetshulp"),
    "maaltijden": _l("maaltijden aan huis"),
    "vervoer": _l("vervoer"),
    "dagopvang": _l("dagopvang"),
    "kortverblijf": _l("kortverblijf"),
    "psychologische_hulp": _l("psychologische hulp"),
    "mantelzorgondersteuning": _l("mantelzorgondersteuning"),
    "personenalarm": _l("personenalarm"),
    "hulpmiddelen": _l("hulpmiddelen (rolstoel, bed, ...)"),
    "woonaanpassing": _l("woonaanpassing"),
    "administratie": _l("hulp bij papieren en premies"),
    "vrijwilligers": _l("vrijwilligers (bezoek, oppas)"),
    "dementie": _l("dementie: advies en ontmoeting"),
}
KINDS = {
    "ocmw": _l("OCMW / sociaal huis"),
    "welzijn": _l("welzijnsorganisatie"),
    "thuiszorg": _l("thuiszorg"),
    "ziekenfonds": _l("ziekenfonds"),
    "vzw": _l("vzw"),
    "zorgvoorziening": _l("zorgvoorziening"),
    "vrijwilligers": _l("vrijwilligersorganisatie"),
    "overheid": _l("overheid"),
    "andere": _l("andere"),
}
LANGUAGES = {
    "nl": _l("Nederlands"), "fr": _l("Frans"), "en": _l("Engels"), "de": _l("Duits"), "ar": _l("Arabisch"),
    "tr": _l("Turks"), "pl": _l("Pools"), "ro": _l("Roemeens"), "es": _l("Spaans"), "it": _l("Italiaans"),
    "ru": _l("Russisch"), "uk": _l("Oekraïens"),
}
REFERRAL_STATUSES = {
    "asked": _l("gevraagd"),
    "waitlisted": _l("op de wachtlijst"),
    "started": _l("gestart"),
    "stopped": _l("gestopt"),
}
