"""Real Chromium: a family carer reads Johan's goals and their charts on a phone, legibly; a coordinator adds one."""
from __future__ import annotations

import pytest

from tests.browser.test_pages import PHONE, Visit, log_in, open_johans_team

pytestmark = pytest.mark.browser
LIFE_GOALS = ["Ik wil thuis blijven wonen, samen met Maria.", "Ik wil elke zondag naar de duivenclub.",
              "Ik wil mijn kleinkinderen zien opgroeien."]
READABLE_PX = 11  # the smallest text in a chart, as drawn on the screen


def _smallest_text(page, selector: str) -> float:
    """The height on screen of the smallest text in the SVGs matched by `selector`."""
    return page.evaluate("""(sel) => Math.min(...[...document.querySelectorAll(sel + ' text')]
        .map(t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))""", selector)


def test_maria_reads_the_goals_and_charts_on_her_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "maria", screens)
    log_in(page, visit, "maria@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Doelen").click()
    page.wait_for_url("**/goals/")
    texts = page.locator(".life-goal .life-text").all_inner_texts()
    assert [t.strip("“”") for t in texts] == LIFE_GOALS
    charts = page.locator("figure.gas-chart svg")
    assert charts.count() == 3
    for box in (charts.nth(i).bounding_box() for i in range(3)):
        assert box["width"] >= 280 and box["x"] >= 0 and box["x"] + box["width"] <= PHONE[0]
    spider = page.locator("figure.spider svg")
    assert spider.is_visible() and spider.bounding_box()["width"] >= 300
    assert _smallest_text(page, "figure.gas-chart") >= READABLE_PX
    assert _smallest_text(page, "figure.spider") >= READABLE_PX
    assert page.locator(".tscore").is_visible()
    # a family carer reads, but neither adds nor evaluates care goals
    assert page.get_by_role("link", name="Evalueren").count() == 0
    assert page.get_by_role("link", name="Levensdoel toevoegen").is_visible()  # Maria is the representative
    visit.check("goals")
    visit.verify()


def test_karim_adds_a_life_goal_with_the_prompts_beside_the_form(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "karim-goal", screens)
    log_in(page, visit, "karim@zorgteam.example")
    open_johans_team(page, visit)
    page.locator("nav.teamnav").get_by_role("link", name="Doelen").click()
    page.get_by_role("link", name="Levensdoel toevoegen").click()
    assert page.get_by_text("Wat maakt een dag voor u een goede dag?").is_visible()
    visit.check("life-goal-form")
    page.get_by_label("Het doel, in de woorden van de persoon").fill("Ik wil nog eens naar zee met An.")
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/goals/")
    assert page.locator(".life-goal .life-text").last.inner_text().strip("“”") == "Ik wil nog eens naar zee met An."
    visit.verify()
