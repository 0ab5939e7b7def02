"""Languages: Dutch (Flemish) by default, English on request and kept on the account, and a complete English catalog.

Dutch is the source language: the strings in the code and templates are Dutch, and
translations/en/LC_MESSAGES/messages.po holds their English. When test_every_dutch_string_has_an_english_translation
fails, someone added or changed a Dutch string. Update the catalog with

    .venv/bin/pybabel extract -F babel.cfg -k _l -o translations/messages.pot . \
        && .venv/bin/pybabel update -i translations/messages.pot -d translations

then translate the new (empty or "#, fuzzy") entries in translations/en/LC_MESSAGES/messages.po; `make run` and
`make test` compile the .mo (by hand: `.venv/bin/pybabel compile -d translations`). The .mo is not committed.
"""
from __future__ import annotations

import ast
import io
import re

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import force_locale, get_translations

from config import ROOT
from tests.conftest import PASSWORD, login

PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"
# The keywords of the extract command above: babel's defaults (_, gettext, ngettext, ...) and `_l` for lazy_gettext.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None}
# flask_babel's functions and the keyword spec an alias of each needs (`-k alias:spec` on the command line).
FLASK_BABEL_SPECS = {"gettext": None, "lazy_gettext": None, "ngettext": (1, 2), "lazy_ngettext": (1, 2),
                     "pgettext": ((1, "c"), 2), "lazy_pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdifr]|\{\w*\}")
UPDATE = ("update the catalog as the docstring of tests/test_i18n.py says (pybabel extract, pybabel update, "
          "translate, compile)")


def _english(client, next_page: str):
    return client.post("/language", data={"lang": "en", "next": next_page})


def _absent(page: str, *dutch: str) -> list[str]:
    return [text for text in dutch if text in page]


# Choosing English

def test_choosing_english_translates_the_login_page(client):
    response = _english(client, "/login")
    assert response.status_code == 302 and response.location.endswith("/login")
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in page
    for english in ("Log in to Zorgteam", "Email address", "Password", "Forgotten your password?", "Log in",
                    "Skip to content"):
        assert english in page
    assert not _absent(page, "Aanmelden bij Zorgteam", "E-mailadres", "Wachtwoord", "Naar de inhoud")
    # The footer now offers Dutch, in Dutch.
    assert 'value="nl"' in page and "Nederlands" in page and 'value="en"' not in page


def test_form_errors_are_english_too(client):
    _english(client, "/login")
    page = client.post("/login", data={"email": "", "password": ""}).get_data(as_text=True)
    assert "Enter your email address." in page and "Enter your password." in page
    assert not _absent(page, "Vul uw e-mailadres in.", "Niet alles is goed ingevuld")


def test_karim_chooses_english_and_sees_his_team_in_english(login_as, world, db):
    client = login_as("karim")
    team = world.johan_team.id
    assert _english(client, f"/teams/{team}/").location.endswith(f"/teams/{team}/")
    page = client.get(f"/teams/{team}/").get_data(as_text=True)
    for english in ("Care team of Johan Peeters", "Care coordinator", "Who is in the care team", "Team members",
                    "Privacy", "My care teams", "Log out", "<dt>At night</dt>", "Born"):
        assert english in page, english
    assert re.search(r"March 12, 1947|12 March 1947", page)  # the birth date in English
    assert not _absent(page, "Zorgteam van", "Zorgcoördinator", "Wie zit in het zorgteam", "Teamleden",
                       "Wie bekeek wat", "Mijn zorgteams", "Afmelden", "<dt>&#39;s Nachts</dt>", "Geboren", "maart")
    # The role labels (the demo's own free text stays Dutch, so only the badges are compared).
    badges = re.findall(r'<span class="badge[^"]*">([^<]+)</span>', page)
    assert {"home nurse", "GP", "physiotherapist", "family carer", "representative", "trusted person",
            "primary-care zone staff", "the person themselves"} <= set(badges), badges
    assert not {"thuisverpleegkundige", "huisarts", "kinesitherapeut", "mantelzorger", "vertegenwoordiger",
                "vertrouwenspersoon", "de persoon zelf"} & set(badges)
    form = client.get(f"/teams/{team}/members/new").get_data(as_text=True)
    assert "Role in the team" in form and "meeting organiser" in form and "overlegorganisator" not in form


def test_the_english_access_log_reads_as_sentences(login_as, world):
    client = login_as("karim")
    team = world.johan_team.id
    _english(client, f"/teams/{team}/access-log/")
    client.get(f"/teams/{team}/")
    page = client.get(f"/teams/{team}/access-log/").get_data(as_text=True)
    assert "Who viewed or changed the details of Johan Peeters" in page
    assert "Karim El Amrani (social worker) viewed the care team overview" in page
    assert not _absent(page, "bekeek", "maatschappelijk werker")


def test_the_goals_and_their_choices_are_english(login_as, world):
    """Choice lists built at import (status, progress) must stay lazy, or they are frozen in Dutch."""
    client = login_as("karim")
    team = world.johan_team.id
    _english(client, f"/teams/{team}/goals/")
    page = client.get(f"/teams/{team}/goals/").get_data(as_text=True)
    assert "Life goals" in page and "Positive Health" in page and "ongoing" in page
    assert re.search(r"GAS score (for 1 care goal|across \d+ care goals)\.", page)
    assert not _absent(page, "Levensdoelen", "Positieve Gezondheid", "GAS-score", "loopt")
    evaluate = re.search(r'href="(/teams/[^"]+/evaluate)"', page).group(1)
    form = client.get(evaluate).get_data(as_text=True)
    assert "improving" in form and "no change" in form and "gaat beter" not in form
    form = client.get(f"/teams/{team}/goals/care/new").get_data(as_text=True)
    assert "proposed" in form and "cancelled" in form and not _absent(form, "voorgesteld", "geschrapt")


def test_the_choice_is_kept_on_the_account(app, login_as, world, db):
    client = login_as("karim")
    _english(client, "/teams/")
    db.expire_all()
    assert world.user("karim").language == "en"
    # A new session of Karim's, on another device, starts in English.
    elsewhere = app.test_client()
    login(elsewhere, db, world.user("karim"))
    page = elsewhere.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "Care team of Johan Peeters" in page and "Zorgteam van" not in page
    # And back to Dutch, kept as well.
    elsewhere.post("/language", data={"lang": "nl", "next": "/teams/"})
    db.expire_all()
    assert world.user("karim").language == "nl"
    assert "Zorgteam van Johan Peeters" in elsewhere.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)


def test_english_chosen_before_logging_in_stays_after_logging_in(client, world, db):
    _english(client, "/login")
    response = client.post("/login", data={"email": "karim@zorgteam.example", "password": PASSWORD})
    assert response.status_code == 302
    assert "My care teams" in client.get("/teams/").get_data(as_text=True)
    db.expire_all()
    assert world.user("karim").language == "en"


def test_an_unknown_language_changes_nothing(client):
    client.post("/language", data={"lang": "fr", "next": "/login"})
    assert "Aanmelden bij Zorgteam" in client.get("/login").get_data(as_text=True)


# Dutch by default

def test_dutch_is_the_default_even_for_an_english_browser(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="nl">' in page
    assert "Aanmelden bij Zorgteam" in page and "Wachtwoord vergeten?" in page
    assert not _absent(page, "Log in to Zorgteam", "Forgotten your password?")
    assert 'value="en"' in page and "English" in page  # the way to English, in English


def test_karim_sees_his_team_in_dutch_by_default(login_as, world):
    page = login_as("karim").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "Zorgteam van Johan Peeters" in page and "thuisverpleegkundige" in page
    assert "12 maart 1947" in page  # dates in Flemish: "3 december 2026"
    assert not _absent(page, "Care team of", "home nurse", "March")


# The catalog

def _read_po():
    if not PO.exists():
        pytest.fail(f"{PO.relative_to(ROOT)} is missing: {UPDATE}")
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def _extract() -> dict:
    """{(msgid, context): [places]} of every translatable string in the sources babel.cfg names."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)
    found: dict = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS, strip_comment_tags=True):
        found.setdefault((message, context), []).append(f"{filename}:{lineno}")
    return found


def test_the_extraction_finds_the_strings_of_python_and_templates():
    places = [place for where in _extract().values() for place in where]
    assert any(p.startswith("templates/") for p in places) and any(p.startswith("zorgteam/") for p in places)


def test_every_gettext_alias_in_the_code_is_a_keyword_of_the_extraction():
    """`from flask_babel import ngettext as _n` (or from zorgteam.translate, which has the same functions) needs `-k _n:1,2` in the extract command and KEYWORDS above."""
    unknown = []
    for path in sorted([*ROOT.glob("zorgteam/**/*.py"), *ROOT.glob("models/**/*.py")]):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module in ("flask_babel", "zorgteam.translate"):
                for alias in node.names:
                    name = alias.asname or alias.name
                    if alias.name in FLASK_BABEL_SPECS and KEYWORDS.get(name, "?") != FLASK_BABEL_SPECS[alias.name]:
                        unknown.append(f"{path.relative_to(ROOT)}: {alias.name} as {name}")
    assert not unknown, ("strings marked with these would not be extracted; add `-k name[:spec]` to the extract "
                         "command in README.md and to KEYWORDS in tests/test_i18n.py: " + ", ".join(unknown))


def test_every_dutch_string_has_an_english_translation():
    """Fails when a Dutch string was added or changed without its English. To fix: see the module docstring."""
    catalog = _read_po()
    missing = []
    for (msgid, context), places in _extract().items():
        key = msgid if isinstance(msgid, str) else msgid[0]
        entry = catalog.get(key, context=context)
        strings = () if entry is None else (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if entry is None or not strings or not all(s.strip() for s in strings):
            missing.append(f"{key!r} ({places[0]})")
    assert not missing, (f"{len(missing)} string(s) without English in {PO.relative_to(ROOT)}; {UPDATE}:\n"
                         + "\n".join(missing))


def test_no_english_translation_is_fuzzy():
    fuzzy = [repr(m.id) for m in _read_po() if m.id and m.fuzzy]
    assert not fuzzy, (f"fuzzy (guessed by pybabel update, and left out of the .mo) in {PO.relative_to(ROOT)}: "
                       "check the English and remove the '#, fuzzy' line:\n" + "\n".join(fuzzy))


def test_the_english_keeps_every_placeholder():
    wrong = []
    for m in _read_po():
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        expected = sorted(set(PLACEHOLDER.findall(ids[-1])) | set(PLACEHOLDER.findall(ids[0])))
        for string in strings:
            if string and sorted(set(PLACEHOLDER.findall(string))) != expected:
                wrong.append(f"{ids[0]!r} -> {string!r}")
    assert not wrong, "placeholders differ between the Dutch and the English:\n" + "\n".join(wrong)


def test_the_app_serves_the_po_as_it_is_now(app):
    """The compiled .mo the app loads says what the .po says (make compiles it; it is not committed)."""
    catalog = _read_po()
    compiled = io.BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    expected = {k: v for k, v in Translations(compiled)._catalog.items() if k != ""}
    with app.test_request_context(), force_locale("en"):
        served = {k: v for k, v in getattr(get_translations(), "_catalog", {}).items() if k != ""}
    differ = sorted(str(k) for k in expected.keys() | served.keys() if expected.get(k) != served.get(k))
    assert not differ, (f"{PO.with_suffix('.mo').relative_to(ROOT)} is missing or older than the .po: run "
                        "`.venv/bin/pybabel compile -d translations` (make run and make test do) and restart the "
                        "app. Differs: " + ", ".join(differ[:20]))


def test_python_strings_follow_the_request_language_and_a_forced_one(app):
    """zorgteam.translate keeps the request's catalog on g: a forced locale (a mail in Dutch from an English page)
    must still get its own catalog, and the request's language must come back after it."""
    from zorgteam.labels import ROLES
    from zorgteam.translate import gettext, lazy_gettext, ngettext

    with app.test_request_context():
        with force_locale("en"):
            assert gettext("Mijn taken") == "My tasks"
            assert str(lazy_gettext("mantelzorger")) == "family carer"
            english_role = str(ROLES["informal_carer"])
        dutch_role = str(ROLES["informal_carer"])
        assert gettext("Mijn taken") == "Mijn taken"
        assert english_role == "family carer" and dutch_role == "mantelzorger"
        with force_locale("en"):
            assert str(ROLES["informal_carer"]) == english_role
            assert gettext("Zorgteam van %(name)s", name="Jan") == "Care team of Jan"
    assert ngettext("%(num)d taak", "%(num)d taken", 2) == "2 taken"  # no request: the source language
