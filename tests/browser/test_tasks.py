"""Real Chromium: Maria ticks off the weekly pill box on her phone at /my/tasks, and Karim sees it done.

Every page passes the Visit checks (axe finds nothing serious, nothing scrolls sideways at 390 px).
"""
from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import PHONE, Visit, log_in, main_menu, open_johans_team

pytestmark = pytest.mark.browser
TOUCH_PX = 48  # the smallest comfortable touch target


def _pill_box(page):
    return page.locator("li.task").filter(has_text="Weekdoos klaarzetten")


def test_maria_ticks_off_the_pill_box_and_karim_sees_it_done(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "maria-tasks", screens)
    log_in(page, visit, "maria@zorgteam.example")
    main_menu(page, "Mijn taken")
    page.wait_for_url("**/my/tasks")
    task = _pill_box(page)
    assert task.locator("h3").inner_text() == "Weekdoos klaarzetten — elke zondag"
    before = task.locator(".task-when").inner_text()
    assert re.fullmatch(r"Volgende keer: (vandaag \()?zondag \d+ \w+\)?", before), before
    button = task.get_by_role("button", name=re.compile("^Klaar"))
    box = button.bounding_box()
    assert box["height"] >= TOUCH_PX and box["width"] >= 300  # a big button, the width of the phone
    visit.check("my-tasks")

    button.click()
    page.wait_for_url("**/my/tasks*")
    assert "Goed gedaan!" in page.locator(".flash").inner_text()
    task = _pill_box(page)
    assert task.locator(".task-done").inner_text().startswith("✓ Laatst gedaan: vandaag")
    assert task.locator(".task-when").inner_text() != before  # on to next Sunday
    visit.check("my-tasks-done")
    task.get_by_role("link", name=re.compile("^Het lukt niet meer")).click()
    page.wait_for_url("**/decline?back=tasks")
    assert page.get_by_label("Waarom lukt het niet?").is_visible()
    visit.check("decline")
    visit.verify()

    page = new_page(*PHONE)
    visit = Visit(page, "karim-agreements", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Afspraken").click()
    page.wait_for_url("**/agreements/")
    card = page.locator("li.agreement").filter(has_text="Weekdoos klaarzetten")
    assert re.search(r"Laatst gedaan\s*✓ vandaag \([^)]*\), door Maria Peeters", card.inner_text())
    late = page.locator("li.agreement.overdue")
    assert late.count() == 1 and "Te laat" in late.locator(".overdue-flag").inner_text()
    visit.check("agreements")
    page.get_by_role("link", name="Wie doet wat").click()
    page.wait_for_url("**/agreements/who")
    assert page.locator("ul.who > li").filter(has_text="Maria Peeters").filter(has_text="Weekdoos").count() == 1
    visit.check("who-does-what")
    page.get_by_role("link", name="Weekdoos klaarzetten").click()
    page.wait_for_url(re.compile(r"/agreements/[0-9a-f-]{36}/$"))
    history = page.locator("ul.log > li")
    assert history.count() >= 6 and history.first.inner_text().startswith("✓ vandaag")
    visit.check("agreement")
    page.goto(page.url.rsplit("/agreements/", 1)[0] + "/agreements/new")
    visit.check("new-agreement")
    visit.verify()
