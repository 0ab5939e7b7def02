"""Real Chromium, at 390 and 1280 px: Karim searches the social map, refers Johan for meals at home and records
that the help started; Hanne adds a member to Rita's team picked from the map (in Rita's team, so the member
lists the other browser tests check stay as the demo has them). Every page passes the Visit checks (axe, no
sideways scroll)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, log_in, main_menu, open_johans_team

pytestmark = pytest.mark.browser


def _search(page, visit: Visit) -> None:
    main_menu(page, "Sociale kaart")
    page.wait_for_url("**/socialmap/")
    page.get_by_label("Waarvoor zoekt u hulp?").select_option(label="dagopvang")
    page.get_by_label("Postcode waar de persoon woont").fill("2440")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url("**/socialmap/?*")
    assert page.get_by_role("heading", name="2 organisaties gevonden").is_visible()
    results = page.locator("li.organisation")
    assert results.nth(0).inner_text().startswith("Dagcentrum 't Hofke")  # the shortest known wait first
    assert "wachtlijst" in results.nth(1).inner_text()
    assert "Welzijnshuis De Sleutel" in page.locator("section.highlight").inner_text()
    visit.check("socialmap-search")
    results.nth(0).get_by_role("link", name="Dagcentrum 't Hofke").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Dagcentrum 't Hofke"
    visit.check("socialmap-organisation")


def _add_member(page, visit: Visit, name: str) -> None:
    page.locator("ul.list").get_by_role("link", name="Rita Vos").click()
    page.wait_for_url(re.compile(r"/teams/[0-9a-f-]{36}/$"))
    page.locator("nav.teamnav").get_by_role("link", name="Teamleden").click()
    page.get_by_role("link", name="Teamlid toevoegen").click()
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("Rol in het team").select_option("professional")
    page.get_by_label("Discipline (voor zorgverleners)").select_option(label="gezinszorg")
    page.get_by_label("Organisatie op de sociale kaart").select_option(label="Gezinszorg Kempenland (Geel)")  # serves Mol
    page.get_by_label("Stuur een uitnodiging om Zorgteam te gebruiken").uncheck()
    visit.check("member-pick")
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/members/")
    card = page.locator("main li").filter(has_text=name).first
    assert card.get_by_role("link", name="Gezinszorg Kempenland").count() == 1  # to its page on the social map


def _refer(page, visit: Visit, note: str) -> None:
    page.locator("nav.teamnav").get_by_role("link", name="Verwijzingen").click()
    page.wait_for_url("**/referrals/")
    visit.check("referrals")
    page.get_by_role("link", name="Nieuwe verwijzing").click()
    page.get_by_label("Waarvoor verwijst u door?").select_option(label="maaltijden aan huis")
    page.get_by_role("button", name="Toon organisaties").click()
    page.get_by_label(re.compile("Warme Maaltijden aan Huis Geel")).check()
    page.get_by_label("Notitie (waarom, wat afgesproken is)").fill(note)
    visit.check("referral-new")
    page.get_by_role("button", name="Verwijzing bewaren").click()
    page.wait_for_url("**/referrals/")
    card = page.locator("li.referral").filter(has_text=note)
    assert "gevraagd" in card.inner_text() and "Wacht al 0 dagen op hulp." in card.inner_text()
    card.get_by_text("Stand aanpassen").click()
    card.get_by_label("Nieuwe stand").select_option(label="gestart")
    card.get_by_label("Op welke dag").fill(date.today().isoformat())
    card.get_by_role("button", name="Stand bewaren").click()
    page.wait_for_url("**/referrals/")
    card = page.locator("li.referral").filter(has_text=note)
    assert "De hulp startte na 0 dagen." in card.inner_text()
    visit.check("referral-started")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_karim_searches_picks_a_member_and_follows_a_referral(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, f"karim-socialmap-{size[0]}", screens)
    log_in(page, visit, "karim@zorgteam.example")
    _search(page, visit)
    page.goto("/teams/")
    open_johans_team(page, visit)
    assert "Eerste aanspreekpunt waar Johan woont" in page.locator("main").inner_text()
    visit.check("overview")
    _refer(page, visit, f"Warm eten op weekdagen ({size[0]})")
    visit.verify()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_hanne_adds_a_member_picked_from_the_social_map(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, f"hanne-socialmap-{size[0]}", screens)
    log_in(page, visit, "hanne@zorgteam.example")
    _add_member(page, visit, f"Ilse Verhaegen {size[0]}")
    visit.verify()
