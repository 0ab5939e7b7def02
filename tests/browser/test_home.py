"""Real Chromium: Karim lands on his home screen (at 390 and 1280 px), Maria lands on her tasks and finds on her home
screen what Tom wrote since her last visit, without his message for the professionals.

Every page passes the Visit checks (axe finds nothing serious, nothing scrolls sideways at 390 px).
"""
from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import PHONE, WIDTHS, Visit, main_menu
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _log_in(page, email: str, lands_on: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"**{lands_on}")


@WIDTHS
def test_karim_lands_on_his_home_screen(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, "karim-home", screens)
    _log_in(page, "karim@zorgteam.example", "/home")
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn overzicht"
    late = page.locator("section[aria-labelledby=due-heading] li.overdue")
    assert "Premie voor mantelzorgers aanvragen" in late.inner_text() and "Te laat" in late.inner_text()
    meetings = page.locator("section[aria-labelledby=meetings-heading]")
    assert "MDO" in meetings.inner_text()
    visit.check("home")
    page.get_by_text("Zoeken en filteren").click()
    page.get_by_label("Zoek op naam van de persoon").fill("Vos")
    page.get_by_role("button", name="Toon").click()
    page.wait_for_url("**/home?*")
    assert "Niets gevonden voor “Vos”." in page.locator("main").inner_text()
    visit.check("home-search")
    visit.verify()


def _tom_writes(new_page) -> None:
    page = new_page(*PHONE)
    _log_in(page, "tom@zorgteam.example", "/home")
    main_menu(page, "Mijn zorgteams")
    page.locator("ul.list").get_by_role("link", name="Johan Peeters").click()
    page.locator("nav.teamnav").get_by_role("link", name=re.compile("^Berichten")).click()
    for body, audience in (("Ik kom morgen om 8 uur.", "Het hele zorgteam"),
                           ("Saturatie 89 %, opvolgen.", "Alleen de zorgverleners (niet de mantelzorgers en vrijwilligers)")):
        page.get_by_label("Uw bericht").fill(body)
        page.get_by_label("Voor wie?").select_option(label=audience)
        page.get_by_role("button", name="Versturen").click()
        page.wait_for_url("**/messages/")


def test_maria_lands_on_her_tasks_and_sees_what_tom_wrote_but_not_for_professionals(new_page, screens):
    page = new_page(*PHONE)
    _log_in(page, "maria@zorgteam.example", "/my/tasks")  # her earlier visit
    _tom_writes(new_page)
    page = new_page(*PHONE)
    visit = Visit(page, "maria-home", screens)
    _log_in(page, "maria@zorgteam.example", "/my/tasks")
    visit.check("tasks")
    main_menu(page, "Mijn overzicht")
    page.wait_for_url("**/home")
    changes = page.locator("section[aria-labelledby=changes-heading]").inner_text()
    assert "Tom Wouters (thuisverpleegkundige) schreef een bericht" in changes
    assert not re.search(r"Tom Wouters \(thuisverpleegkundige\) schreef een bericht \(\d+ keer\)", changes)
    assert "Saturatie" not in page.locator("body").inner_text()
    messages = page.locator("section[aria-labelledby=messages-heading]").inner_text()
    assert re.search(r"\d+ nieuwe? berichte?n?", messages)
    visit.check("home")
    visit.verify()
