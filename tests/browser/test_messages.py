"""Messages in real Chromium: Jef, on his phone, follows "Berichten (n)" in the team menu, sees what is new, writes to
the team; on a desktop Karim sees Jef's message marked new. No sideways scrolling, axe finds nothing serious."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, log_in, open_johans_team

pytestmark = pytest.mark.browser
BODY = "Ik ben zondag op reis; An rijdt Johan naar de duivenclub."


def test_jef_reads_and_writes_and_karim_sees_it_new(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "jef-messages", screens)
    log_in(page, visit, "jef@zorgteam.example")
    team = open_johans_team(page, visit)
    link = page.locator("nav.teamnav").get_by_role("link", name=re.compile(r"^Berichten"))
    name = page.evaluate("e => e.textContent", link.element_handle())
    assert re.fullmatch(r"Berichten \(\d+ nieuw\)", name), name  # on screen "Berichten (2)"
    link.click()
    page.wait_for_url(f"**{team}messages/")
    assert page.locator("li.message.new").count() >= 1
    assert "Inhalatietechniek" not in page.locator("main").inner_text()  # professionals only
    visit.check("messages")
    page.get_by_label("Uw bericht").fill(BODY)
    page.get_by_label("Het hele zorgteam").check()
    page.get_by_role("button", name="Versturen").click()
    page.wait_for_url(f"**{team}messages/")
    assert page.locator("p.flash").inner_text() == "Uw bericht is verstuurd."
    assert page.locator("li.message").first.locator(".message-body").inner_text() == BODY
    assert page.locator("nav.teamnav").get_by_role("link", name="Berichten", exact=True).count() == 1
    visit.check("messages-posted")
    visit.verify()

    page = new_page(*DESKTOP)
    visit = Visit(page, "karim-messages", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name=re.compile(r"^Berichten \(\d+")).click()
    newest = page.locator("li.message").first
    assert "nieuw" in newest.locator(".badge").first.inner_text() and BODY in newest.inner_text()
    assert "Inhalatietechniek" in page.locator("main").inner_text()
    visit.check("messages-karim")
    visit.verify()
