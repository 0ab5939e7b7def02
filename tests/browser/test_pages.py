"""Real Chromium against the live server: Karim's and Jef's way through the team pages, on a phone and a desktop.

On every page: axe finds nothing serious or critical, nothing scrolls sideways, and a screenshot is kept in
test-results/screens/ for people to look at.
"""
from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from models.demo import JOHAN_TEAM, PASSWORD

pytestmark = pytest.mark.browser

PHONE = (390, 800)
DESKTOP = (1280, 900)
WIDTHS = pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390px", "1280px"])
TEAM_NAMES = [name for _key, name, *_rest in JOHAN_TEAM]
BLOCKING = ("serious", "critical")
axe = Axe()


def describe(violation: dict) -> str:
    targets = "; ".join(" ".join(map(str, node["target"])) for node in violation["nodes"])
    return f"  [{violation['impact']}] {violation['id']}: {violation['help']} -> {targets}"


class Visit:
    """Checks every page it is shown, keeps a screenshot, and collects what is wrong instead of stopping early."""

    def __init__(self, page, who: str, screens):
        self.page, self.who, self.screens = page, who, screens
        self.problems: list[str] = []
        self.count = 0

    def check(self, name: str) -> None:
        page = self.page
        width = page.viewport_size["width"]
        self.count += 1
        page.screenshot(path=str(self.screens / f"{self.who}-{self.count}-{name}-{width}.png"), full_page=True)
        violations = [v for v in axe.run(page).response["violations"] if v["impact"] in BLOCKING]
        if violations:
            self.problems.append(f"{name} ({page.url}, {width} px): axe found\n"
                                 + "\n".join(describe(v) for v in violations))
        scroll, inner = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
        if scroll > inner:
            wide = page.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5).slice(0, 5)
                .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '')
                          + (e.getAttribute('class') ? '.' + e.getAttribute('class') : ''))""")
            self.problems.append(f"{name} ({page.url}, {width} px): scrolls sideways, scrollWidth {scroll} > "
                                 f"innerWidth {inner}; too wide: {', '.join(wide)}")

    def verify(self) -> None:
        assert not self.problems, "\n".join(self.problems)


def open_privacy_page(page, name: str) -> None:
    """The person's-rights pages are reached through "Privacy" in the team menu."""
    page.locator("nav.teamnav").get_by_role("link", name="Privacy").click()
    page.wait_for_url("**/privacy")
    page.locator("main ul.hub").get_by_role("link", name=name).click()


def main_menu(page, name: str) -> None:
    """Follow `name` in the main menu, opening it first where it is folded away behind "Menu" (a phone)."""
    toggle = page.locator("header .menu-toggle")
    if toggle.is_visible():
        toggle.click()
    page.locator("header nav").get_by_role("link", name=name).click()


def log_in(page, visit: Visit, email: str) -> None:
    page.goto("/login")
    assert page.title().startswith("Aanmelden")
    visit.check("login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(re.compile(r"/(home|my/tasks)$"))  # where they land (tests/browser/test_home.py)
    main_menu(page, "Mijn zorgteams")
    page.wait_for_url("**/teams/")


def open_johans_team(page, visit: Visit) -> str:
    """From "my teams", follow the link to Johan's overview; returns the team's URL path."""
    assert page.get_by_role("heading", level=1).inner_text() == "Mijn zorgteams"
    link = page.locator("ul.list").get_by_role("link", name="Johan Peeters")
    assert link.count() == 1
    visit.check("my-teams")
    link.click()
    page.wait_for_url(re.compile(r"/teams/[0-9a-f-]{36}/$"))
    return re.search(r"/teams/[0-9a-f-]{36}/", page.url).group(0)


@WIDTHS
def test_karim_logs_in_and_walks_through_johans_team(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, "karim", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)

    assert page.get_by_role("heading", level=1).inner_text() == "Zorgteam van Johan Peeters"
    cards = page.locator("ul.members > li")
    assert sorted(cards.locator("h3").all_inner_texts()) == sorted(TEAM_NAMES)
    assert "(10)" in page.get_by_role("heading", name="Wie zit in het zorgteam").inner_text()
    coordinator = page.locator("section[aria-labelledby=coordinator-h]")
    assert coordinator.locator("strong").inner_text() == "Karim El Amrani"
    karim = cards.filter(has=page.get_by_role("heading", name="Karim El Amrani", exact=True))
    assert karim.locator(".badge.coordinator").inner_text() == "zorgcoördinator"
    assert "highlight" in karim.get_attribute("class")
    assert page.locator("ul.members .badge.coordinator").count() == 1  # nobody else is marked coordinator
    person = page.locator("section[aria-labelledby=person-h]").inner_text()
    assert "12 maart 1947" in person and "47.03.12-123.40" in person  # a coordinator sees the identity data
    visit.check("overview")

    page.locator("nav.teamnav").get_by_role("link", name="Teamleden").click()
    page.wait_for_url(f"**{team}members/")
    assert page.get_by_role("heading", level=1).inner_text() == "Teamleden van Johan Peeters"
    assert sorted(page.locator("ul.members > li h3").all_inner_texts()) == sorted(TEAM_NAMES)
    assert page.get_by_role("link", name="Teamlid toevoegen").is_visible()
    history = page.locator("table tbody tr").filter(has_text="zorgcoördinator")
    assert "Karim El Amrani" in history.first.inner_text()
    visit.check("members")

    open_privacy_page(page, "Wie bekeek wat")
    page.wait_for_url(f"**{team}access-log/")
    entries = page.locator("ol.log > li")
    assert entries.filter(has_text="Karim El Amrani").filter(
        has_text="bekeek het overzicht van het zorgteam").count() >= 1
    assert entries.filter(has_text="Karim El Amrani").filter(
        has_text="bekeek de teamleden en hun bereikbaarheid").count() >= 1
    visit.check("access-log")
    visit.verify()


def test_jef_sees_the_team_on_his_phone_without_johans_identity_data(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "jef", screens)
    log_in(page, visit, "jef@zorgteam.example")
    open_johans_team(page, visit)

    assert page.get_by_role("heading", level=1).inner_text() == "Zorgteam van Johan Peeters"
    assert sorted(page.locator("ul.members > li h3").all_inner_texts()) == sorted(TEAM_NAMES)
    assert page.locator("section[aria-labelledby=coordinator-h] strong").inner_text() == "Karim El Amrani"
    facts = page.locator("section[aria-labelledby=person-h] dt").all_inner_texts()
    assert not {"Geboren", "INSZ", "Huisarts"} & set(facts), facts
    body = page.locator("body").inner_text()
    assert "47.03.12-123.40" not in body and "1947" not in body and "12 maart" not in body
    assert page.locator("nav.teamnav").get_by_role("link", name="Wie bekeek wat").count() == 0
    page.locator("nav.teamnav").get_by_role("link", name="Privacy").click()
    assert page.locator("main ul.hub").get_by_role("link", name="Wie bekeek wat").count() == 0
    assert page.locator("main ul.hub").get_by_role("link", name="Wat u kan zien").count() == 1
    visit.check("privacy")
    page.go_back()
    visit.check("overview")
    visit.verify()
