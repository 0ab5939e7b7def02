"""Real Chromium: Karim plans an MDO for Johan on a desktop and on a phone; the checklist shows; the meeting page
offers the invite. Every page passes axe and nothing scrolls sideways (Visit)."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, log_in, open_johans_team

pytestmark = pytest.mark.browser
INVITE = ("dr. Els Janssens", "Tom Wouters", "Sofie Maes")


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1280px"])
def test_karim_plans_an_mdo(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, "karim-meeting", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Overleg").click()
    page.wait_for_url("**/meetings/")
    assert page.get_by_role("heading", level=1).inner_text() == "Overleg over Johan"
    visit.check("meetings")
    page.get_by_role("link", name="Overleg plannen").click()
    page.wait_for_url("**/meetings/new")
    # the person and the representative are proposed; the agenda is built from goals and agreements
    assert page.get_by_label("Johan Peeters (de persoon zelf)").is_checked()
    assert page.get_by_label("Maria Peeters (mantelzorger)").is_checked()
    assert page.locator("fieldset.agenda").get_by_text("Weekdoos klaarzetten").is_visible()
    visit.check("plan")
    day = date.today() + timedelta(days=9 if size == PHONE else 10)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Beginuur").fill("10:30")
    page.get_by_label("Wie organiseert en leidt het overleg?").select_option(label="Griet Hermans (medewerker eerstelijnszone)")
    for name in INVITE:
        page.locator("fieldset.checks").get_by_text(name, exact=False).first.click()
    page.get_by_role("button", name="Plannen en uitnodigen").click()
    page.wait_for_url("**/meetings/*/")
    assert "Het overleg is gepland" in page.locator(".flash").inner_text()
    assert "10:30" in page.get_by_role("heading", level=1).inner_text()
    invited = page.locator("section[aria-labelledby=invitees-h] li").all_inner_texts()
    assert len(invited) == 6 and any("Griet Hermans" in line for line in invited)
    checklist = page.locator("section.checklist")
    assert checklist.is_visible() and "huisarts, thuisverpleegkundige, apotheker" in checklist.inner_text()
    assert page.get_by_role("link", name="In mijn agenda zetten (.ics)").is_visible()
    visit.check("meeting")
    page.get_by_role("link", name="Overleg houden").click()
    page.wait_for_url("**/hold")
    assert page.get_by_role("heading", name="4. Volgend overleg plannen en afsluiten").is_visible()
    visit.check("hold")
    visit.verify()


def test_the_report_of_the_held_mdo_prints_on_a4(new_page, screens):
    page = new_page(*DESKTOP)
    visit = Visit(page, "karim-report", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Overleg").click()
    page.locator("section, ul").get_by_role("link", name="MDO").last.click()  # the earlier, held MDO
    page.get_by_role("link", name="Verslag afdrukken").click()
    page.wait_for_url("**/report")
    visit.check("report")
    assert page.locator("table.signatures tbody tr").count() == 9
    page.set_viewport_size({"width": 680, "height": 1000})  # A4 less its margins, at 96 dpi
    page.emulate_media(media="print")
    assert not page.locator("header.topbar").is_visible() and not page.locator("nav.teamnav").is_visible()
    scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner
    pdf = page.pdf(format="A4", path=str(screens / "karim-report-a4.pdf"))
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pdf.startswith(b"%PDF") and 1 <= pages <= 3
    visit.verify()
