"""The main menu on a phone: folded behind "Menu" so a page starts near the top; open with one tap; on a desktop,
and without JavaScript, simply open."""
from __future__ import annotations

import pytest

from tests.browser.test_pages import DESKTOP, PASSWORD, PHONE, Visit, log_in
from tests.browser.test_phone import TapCheck

pytestmark = pytest.mark.browser


def _toggle_and_menu(page):
    return page.locator("header .menu-toggle"), page.locator("header nav")


def test_on_a_phone_the_menu_folds_away_and_opens_with_one_tap(new_page, screens):
    page = new_page(*PHONE)
    visit = TapCheck(page, "maria-menu", screens)
    log_in(page, visit, "maria@zorgteam.example")
    page.goto("/my/tasks")
    toggle, menu = _toggle_and_menu(page)
    assert toggle.is_visible() and not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    assert page.locator("header.topbar").bounding_box()["height"] < 80  # was four rows: 216 px of 800
    visit.check("menu-folded")
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true" and menu.is_visible()
    visit.check("menu-open")  # its links are 44 px targets too, and axe passes with it open
    menu.get_by_role("link", name="Mijn account").click()
    page.wait_for_url("**/account/")
    toggle, menu = _toggle_and_menu(page)
    assert not menu.is_visible()  # a new page starts folded again
    toggle.click()
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "false" and not menu.is_visible()
    visit.verify()


def test_on_a_desktop_the_menu_is_open_and_has_no_menu_button(new_page, screens):
    page = new_page(*DESKTOP)
    log_in(page, Visit(page, "karim-menu", screens), "karim@zorgteam.example")
    toggle, menu = _toggle_and_menu(page)
    assert menu.is_visible() and not toggle.is_visible()


def test_without_javascript_the_menu_stays_open_on_a_phone(browser, live_server):
    """Logged in by hand: the Visit checks (axe, the sideways scroll) run scripts in the page, which this page does
    not run, so they would wait forever."""
    context = browser.new_context(viewport={"width": PHONE[0], "height": PHONE[1]}, base_url=live_server,
                                  locale="nl-BE", java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        page.goto("/login")
        page.get_by_label("E-mailadres").fill("maria@zorgteam.example")
        page.get_by_label("Wachtwoord").fill(PASSWORD)
        page.get_by_role("button", name="Aanmelden").click()
        page.wait_for_url("**/my/tasks")
        toggle, menu = _toggle_and_menu(page)
        assert menu.is_visible() and not toggle.is_visible()
        menu.get_by_role("link", name="Mijn zorgteams").click()
        page.wait_for_url("**/teams/")
    finally:
        context.close()
