"""Consent in real Chromium: Karim ticks a cell of the matrix by its label and saves, on a phone and a desktop
(no sideways scrolling: a table on a wide screen, one card per member on a phone); Jef sees what he can see.

The live server's database is shared by the browser tests, so every change made here is undone before the end."""
from __future__ import annotations

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, WIDTHS, log_in, open_johans_team, open_privacy_page

pytestmark = pytest.mark.browser


def _save(page, team: str) -> None:
    page.get_by_label("op papier").check()
    page.get_by_role("button", name="Wijzigingen bewaren").click()
    page.wait_for_url(f"**{team}consent/")
    assert "De toestemming is bewaard (1 wijziging)." in page.locator("p.flash").inner_text()


@WIDTHS
def test_karim_gives_jef_the_wishes_and_takes_them_back(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, "karim-consent", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)
    open_privacy_page(page, "Toestemming")
    page.wait_for_url(f"**{team}consent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Wie mag wat zien over Johan Peeters"
    table = page.locator("table.consent-matrix")
    display = table.evaluate("t => getComputedStyle(t).display")
    assert display == ("table" if size == DESKTOP else "block")  # one card per member on a phone
    assert page.get_by_label("Tom Wouters: Medicatie").is_checked()
    cell = page.get_by_label("Jef Claes: Wensen")
    assert not cell.is_checked()
    visit.check("consent")
    cell.check()
    _save(page, team)
    assert page.get_by_label("Jef Claes: Wensen").is_checked()
    history = page.locator("ol.consent-history > li").first.inner_text()
    assert "Karim El Amrani gaf Jef Claes toegang tot Wensen." in history
    page.get_by_label("Jef Claes: Wensen").uncheck()
    _save(page, team)
    assert not page.get_by_label("Jef Claes: Wensen").is_checked()
    visit.verify()


def test_karim_sets_an_end_date_for_one_member_on_a_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "karim-consent-member", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)
    page.goto(f"{team}consent/")
    page.get_by_role("link", name="Lotte Vermeulen").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Wat Lotte Vermeulen mag zien"
    assert page.get_by_label("Medicatie", exact=True).is_checked()
    visit.check("consent-member")
    page.get_by_label("Medicatie: gedeeld tot en met").fill("2020-01-01")
    page.get_by_label("persoonlijk gezegd").check()
    page.get_by_role("button", name="Bewaren", exact=True).click()
    assert "De einddatum ligt in het verleden." in page.locator("main").inner_text()
    visit.check("consent-member-error")
    visit.verify()


def test_jef_sees_what_he_can_see(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "jef-consent", screens)
    log_in(page, visit, "jef@zorgteam.example")
    team = open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Privacy").click()
    assert page.locator("main ul.hub").get_by_role("link", name="Toestemming").count() == 0
    page.goto(f"{team}consent/")
    assert page.get_by_role("heading", level=1).inner_text() == "Wat u kan zien over Johan Peeters"
    shared = page.locator("ul.seen-list > li").filter(has=page.locator(".badge.ok"))
    assert [" ".join(t.split()) for t in shared.all_inner_texts()] == ["gedeeld Contactgegevens"]
    assert page.locator("table").count() == 0
    visit.check("consent-jef")
    visit.verify()
