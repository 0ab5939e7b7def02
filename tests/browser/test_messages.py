"""Messages in real Chromium: Jef, on his phone, follows "Berichten (n)" in the team menu, sees what is new, writes to
the team; on a desktop Karim sees Jef's message marked new. On phones, Maria asks Els (the GP) a question for her
alone, Els replies in the thread, Maria reads the reply; Tom sees neither. No sideways scrolling, axe finds nothing
serious."""
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
    assert page.get_by_label("Voor wie?").input_value() == "team"  # the whole team unless chosen otherwise
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


QUESTION = "Els, Johan hoest 's nachts meer sinds de nieuwe puf. Moet ik iets doen?"
ANSWER = "Laat hem na de puf zijn mond spoelen. Ik kom donderdag langs."


def _messages(page, visit, email: str) -> str:
    log_in(page, visit, email)
    team = open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name=re.compile(r"^Berichten")).click()
    page.wait_for_url(f"**{team}messages/")
    return team


def _thread(page, text: str):
    return page.locator("ol.messages > li.message").filter(has_text=text)


def test_maria_asks_els_alone_els_replies_and_tom_sees_neither(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "maria-asks-els", screens)
    _messages(page, visit, "maria@zorgteam.example")
    page.get_by_label("Uw bericht").fill(QUESTION)
    page.get_by_label("Voor wie?").select_option(label="dr. Els Janssens (huisarts)")
    page.get_by_role("button", name="Versturen").click()
    assert page.locator("p.flash").inner_text() == "Uw bericht is verstuurd."
    thread = _thread(page, "Moet ik iets doen?")
    assert "alleen voor dr. Els Janssens" in thread.locator(".meta").first.inner_text()
    visit.check("asked")
    visit.verify()

    page = new_page(*PHONE)
    visit = Visit(page, "els-replies", screens)
    _messages(page, visit, "els@zorgteam.example")
    thread = _thread(page, "Moet ik iets doen?")
    assert "alleen voor u" in thread.inner_text() and "nieuw" in thread.locator(".badge").first.inner_text()
    assert not thread.get_by_label("Uw antwoord").is_visible()  # folded away until asked for
    thread.locator("summary", has_text="Beantwoorden").click()
    assert "Alleen u en Maria Peeters lezen dit antwoord." in thread.inner_text()
    visit.check("reply-open")
    thread.get_by_role("button", name="Antwoord versturen").click()  # empty: refused, the form stays open
    thread = _thread(page, "Moet ik iets doen?")
    assert thread.locator("p.error").inner_text() == "Schrijf een antwoord."
    thread.get_by_label("Uw antwoord").fill(ANSWER)
    thread.get_by_role("button", name="Antwoord versturen").click()
    assert page.locator("p.flash").inner_text() == "Uw antwoord is verstuurd."
    assert _thread(page, "Moet ik iets doen?").locator("ol.replies li.reply").inner_text().endswith(ANSWER)
    visit.check("replied")
    visit.verify()

    page = new_page(*PHONE)
    visit = Visit(page, "maria-reads", screens)
    _messages(page, visit, "maria@zorgteam.example")
    assert page.locator("ol.messages > li.message").first.inner_text().count("Moet ik iets doen?") == 1  # on top
    reply = _thread(page, "Moet ik iets doen?").locator("li.reply")
    assert ANSWER in reply.inner_text() and "nieuw" in reply.locator(".badge").inner_text()
    visit.check("read-reply")
    visit.verify()

    page = new_page(*PHONE)
    visit = Visit(page, "tom-sees-neither", screens)
    _messages(page, visit, "tom@zorgteam.example")
    main = page.locator("main").inner_text()
    assert "Moet ik iets doen?" not in main and "mond spoelen" not in main.lower()
    visit.check("messages")
    visit.verify()
