"""The four users, end to end in real Chromium, each the way they would really use Zorgteam:

- Karim, the care coordinator, at his desk: plans an MDO, holds it (attendance, minutes, a goal evaluated, a
  decision that gives Maria a task) and closes it by planning the next one;
- Tom, the home nurse, on his phone between visits: checks who does what and reports his agreement done;
- Maria, the family carer, on a 390 px phone: ticks off the task the MDO gave her;
- Johan, the person himself: reads his goals and who looked at his record.

Every page passes the Visit checks (axe finds nothing serious or critical, nothing scrolls sideways) and its
screenshot is kept in test-results/screens/journey-*.png. The journeys run in this order: Maria's task comes from
Karim's meeting, and Johan's access log shows what Tom and Maria did.
"""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, log_in, main_menu, open_johans_team, open_privacy_page

pytestmark = pytest.mark.browser
MARIAS_TASK = "Nieuwe Seretide Diskus ophalen bij apotheek Maes"
TOMS_TASK = "Inhalatietechniek van de Seretide Diskus nakijken"
MINUTES = "Johan ademt beter sinds de nieuwe puffer. Maria vraagt hulp bij het ophalen van de medicatie."


def _team_menu(page, name: str, url: str) -> None:
    page.locator("nav.teamnav").get_by_role("link", name=name).click()
    page.wait_for_url(url)


def _flash(page) -> str:
    return page.locator(".flash").first.inner_text()


def test_karim_plans_holds_and_closes_an_mdo_and_plans_the_next(new_page, screens):
    page = new_page(*DESKTOP)
    visit = Visit(page, "journey-karim", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    _team_menu(page, "Overleg", "**/meetings/")
    visit.check("meetings")

    page.get_by_role("link", name="Overleg plannen").click()
    page.wait_for_url("**/meetings/new")
    day = date.today() + timedelta(days=16)
    page.get_by_label("Datum").fill(day.isoformat())
    page.get_by_label("Beginuur").fill("15:00")
    for name in ("dr. Els Janssens", "Tom Wouters", "Sofie Maes"):
        page.locator("fieldset.checks").get_by_text(name, exact=False).first.click()
    visit.check("plan")
    page.get_by_role("button", name="Plannen en uitnodigen").click()
    page.wait_for_url(re.compile(r"/meetings/[0-9a-f-]{36}/$"))
    assert "Het overleg is gepland" in _flash(page)
    assert "15:00" in page.get_by_role("heading", level=1).inner_text()
    meeting_url = page.url
    visit.check("planned")

    page.get_by_role("link", name="Overleg houden").click()
    page.wait_for_url("**/hold")
    modes = page.locator("fieldset.attendance select")
    for index in range(modes.count()):
        modes.nth(index).select_option(label="aanwezig")
    page.get_by_role("textbox", name="Verslag").fill(MINUTES)
    visit.check("hold")
    page.get_by_role("button", name="Aanwezigheid en verslag bewaren").click()
    page.wait_for_url("**/hold*")
    assert _flash(page) == "Aanwezigheid en verslag zijn bewaard."
    assert page.get_by_role("textbox", name="Verslag").input_value() == MINUTES

    page.locator("ul.goals-to-evaluate").get_by_role("link", name=re.compile("^Evalueren")).first.click()
    page.wait_for_url("**/evaluate")
    levels = page.locator("fieldset.radios input[type=radio]")
    if levels.count():
        levels.nth(levels.count() // 2).check()  # the expected level
    page.locator("form textarea").first.fill("Gaat vooruit; volgende keer opnieuw bekijken.")
    visit.check("evaluate")
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/hold*")
    assert _flash(page) == "De evaluatie is bewaard bij dit overleg."
    assert page.locator("ul.goals-to-evaluate .badge.ok").count() >= 1

    page.get_by_label("Wat is er afgesproken?").fill(MARIAS_TASK)
    page.get_by_label("Wie doet het?").select_option(label="Maria Peeters (mantelzorger)")
    page.get_by_label("Tegen wanneer (of vanaf wanneer)").fill((date.today() + timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Afspraak toevoegen").click()
    page.wait_for_url("**/hold*")
    assert _flash(page) == "De afspraak is bewaard."
    assert page.locator("section[aria-labelledby=decisions-h]").get_by_text(MARIAS_TASK).is_visible()
    visit.check("held")

    following = page.get_by_label("Datum van het volgende overleg").input_value()
    assert following == (day + timedelta(weeks=12)).isoformat(), "the next one is proposed twelve weeks later"
    page.get_by_role("button", name="Volgend overleg plannen en afsluiten").click()
    page.wait_for_url(meeting_url)
    assert "Het overleg is afgesloten. Het volgende overleg is gepland" in _flash(page)
    visit.check("closed")

    _team_menu(page, "Overleg", "**/meetings/")
    assert page.get_by_text(_long_date(day + timedelta(weeks=12)), exact=False).count() >= 1
    visit.check("meetings-after")
    visit.verify()


MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december").split()


def _long_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def test_tom_checks_who_does_what_and_reports_his_agreement_done(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "journey-tom", screens)
    log_in(page, visit, "tom@zorgteam.example")
    open_johans_team(page, visit)
    _team_menu(page, "Afspraken", "**/agreements/")
    visit.check("agreements")
    page.get_by_role("link", name="Wie doet wat").click()
    page.wait_for_url("**/agreements/who")
    people = page.locator("ul.who > li")
    maria = people.filter(has=page.get_by_role("heading", name=re.compile("^Maria Peeters")))
    assert maria.get_by_role("link", name="Weekdoos klaarzetten").count() == 1
    tom = people.filter(has=page.get_by_role("heading", name=re.compile("^Tom Wouters")))
    visit.check("who-does-what")

    tom.get_by_role("link", name=re.compile("^" + TOMS_TASK)).click()
    page.wait_for_url(re.compile(r"/agreements/[0-9a-f-]{36}/$"))
    assert page.locator("ul.log").count() == 0 and page.get_by_text("Nog niet gedaan.").is_visible()
    agreement_url = page.url
    visit.check("agreement")
    page.get_by_role("button", name=re.compile("^Klaar")).click()
    page.wait_for_url(re.compile(r"/agreements/(#agreement-[0-9a-f-]{36})?$"))
    assert _flash(page) == "Goed gedaan! De taak staat op klaar."
    visit.check("agreements-after")
    page.goto(agreement_url)
    assert page.locator("ul.log > li").first.inner_text().startswith("✓ vandaag")
    assert "Tom Wouters" in page.locator("ul.log > li").first.inner_text()
    visit.check("reported")
    visit.verify()


def test_maria_ticks_off_the_task_from_the_mdo_on_her_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "journey-maria", screens)
    log_in(page, visit, "maria@zorgteam.example")
    main_menu(page, "Mijn taken")
    page.wait_for_url("**/my/tasks")
    task = page.locator("li.task").filter(has_text=MARIAS_TASK)
    assert task.count() == 1, "Karim's MDO (the journey before this one) gave Maria this task"
    visit.check("my-tasks")
    take_on = task.get_by_role("button", name=re.compile("ik doe het", re.IGNORECASE))
    if take_on.count():  # a decision made for someone arrives as a proposal: she takes it on first
        take_on.click()
        page.wait_for_url("**/my/tasks*")
        task = page.locator("li.task").filter(has_text=MARIAS_TASK)
        visit.check("taken-on")
    button = task.get_by_role("button", name=re.compile("^Klaar"))
    box = button.bounding_box()
    assert box["height"] >= 44 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    button.click()
    page.wait_for_url("**/my/tasks*")
    assert _flash(page).startswith("Goed gedaan!")
    visit.check("task-done")
    visit.verify()


def test_johan_reads_his_goals_and_who_looked_at_his_record(new_page, screens):
    page = new_page(*DESKTOP)
    visit = Visit(page, "journey-johan", screens)
    log_in(page, visit, "johan@zorgteam.example")
    open_johans_team(page, visit)
    _team_menu(page, "Doelen", "**/goals/")
    goals = page.locator("main").inner_text()
    for goal in ("Ik wil thuis blijven wonen, samen met Maria.", "Ik wil elke zondag naar de duivenclub.",
                 "Ik wil mijn kleinkinderen zien opgroeien."):
        assert goal in goals
    visit.check("goals")

    open_privacy_page(page, "Wie bekeek wat")
    page.wait_for_url("**/access-log/")
    entries = page.locator("ol.log > li")
    assert entries.filter(has_text="Tom Wouters").count() >= 1, "Tom's visit of the agreements is in the log"
    assert entries.filter(has_text="Maria Peeters").count() >= 1
    assert entries.filter(has_text="Karim El Amrani").count() >= 1
    assert entries.first.filter(has_text="Johan Peeters").count() == 1, "his own visit of the goals comes first"
    visit.check("access-log")
    visit.verify()
