"""Translations for Python code and templates, with the request's catalog looked up once.

Flask-Babel finds the domain, the locale and the catalog again for every string; a page asks for a hundred (the
labels of its roles, statuses and dates among them). The catalog is kept on `g` beside the locale it was found for,
so `force_locale` (a mail or an error page in another language) still gets its own catalog. Same semantics as
Flask-Babel's `gettext`, `ngettext` and `lazy_gettext`: the string translated, then `%`-formatted with the
keyword arguments when there are any."""
from __future__ import annotations

from flask import g
from flask_babel import get_translations
from flask_babel.speaklater import LazyString


def catalog():
    """The translations of the current locale, found once per request (and per forced locale)."""
    try:
        held = g.get("translations")
    except RuntimeError:  # no app context (a script): Flask-Babel's own answer, untranslated
        return get_translations()
    locale = _locale()
    if held is None or held[0] is not locale:
        found = get_translations()  # works out the locale through get_locale() when it was not yet
        held = g.translations = (_locale(), found)
    return held[1]


def _locale():
    """The Locale object Flask-Babel holds for this context (a new one under `force_locale`), None before it
    is worked out."""
    return getattr(g.get("_flask_babel"), "babel_locale", None)


def gettext(string: str, **variables) -> str:
    translated = catalog().ugettext(string)
    return translated % variables if variables else translated


def ngettext(singular: str, plural: str, num: int, **variables) -> str:
    variables.setdefault("num", num)
    return catalog().ungettext(singular, plural, num) % variables


def lazy_gettext(string: str, **variables) -> LazyString:
    return LazyString(gettext, string, **variables)
