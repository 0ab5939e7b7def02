"""Real Chromium at 390 px: what a carer and a coordinator tap is big enough, and nothing scrolls sideways.

Tap targets (WCAG 2.5.5, target size): every visible link, button, field and menu item on the main pages, as Maria
(family carer) and Karim (coordinator), is at least 44 x 44 CSS pixels. A checkbox or radio button counts with its
label, since tapping the label ticks it. Exempt, as WCAG 2.5.5 exempts them: a link inside running text (a
sentence in a paragraph, a table cell or a list item that says more than the link), whose size the line of text
sets; making such links 44 px high would pull the lines of text apart.

Sideways scroll: the medication day schedule and the meeting report, the two printable tables, fit 390 px.
"""
from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import PHONE, Visit, log_in, open_johans_team

pytestmark = pytest.mark.browser
TARGET_PX = 44

# For each visible interactive element: its tappable box (a checkbox with its label), unless it is a link inside
# running text; returns those under 44 x 44 with a readable description.
SMALL_TARGETS = r"""(minimum) => {
  const visible = (e) => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && r.right > 0 && r.left < innerWidth
      && !e.closest('.visually-hidden'); };
  const inText = (e) => { if (e.tagName !== 'A' || getComputedStyle(e).display !== 'inline') return false;
    const block = e.closest('p, li, td, dd, dt, th, label, figcaption, blockquote');
    if (!block) return false;
    const own = (e.innerText || '').trim().length, all = (block.innerText || '').trim().length;
    return all > own + 2; };
  const box = (e) => { const label = (e.type === 'checkbox' || e.type === 'radio')
      && (e.closest('label') || (e.id && document.querySelector(`label[for="${e.id}"]`)));
    const r = e.getBoundingClientRect();
    if (!label) return r;
    const l = label.getBoundingClientRect();
    return {width: Math.max(r.right, l.right) - Math.min(r.left, l.left),
            height: Math.max(r.bottom, l.bottom) - Math.min(r.top, l.top)}; };
  const found = [];
  for (const e of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (!visible(e) || inText(e)) continue;
    const r = box(e);
    if (r.width + 0.5 < minimum || r.height + 0.5 < minimum) {
      const name = (e.innerText || e.value || e.name || e.getAttribute('aria-label') || '').replace(/\s+/g, ' ')
        .trim().slice(0, 50);
      found.push(`<${e.tagName.toLowerCase()}${e.className ? ' class=' + e.className : ''}> "${name}" `
                 + `${Math.round(r.width)} x ${Math.round(r.height)}`);
    }
  }
  return found;
}"""


class TapCheck(Visit):
    """The Visit checks (axe, no sideways scroll, a screenshot) and every tap target at least 44 x 44."""

    def check(self, name: str) -> None:
        super().check(name)
        small = self.page.evaluate(SMALL_TARGETS, TARGET_PX)
        if small:
            self.problems.append(f"{name} ({self.page.url}): tap targets under {TARGET_PX} px:\n  "
                                 + "\n  ".join(small))


def _links(page, selector: str) -> list[str]:
    return [page.locator(selector).nth(i).get_attribute("href") for i in range(page.locator(selector).count())]


def _walk(page, visit: TapCheck, team: str) -> None:
    """The team pages every member reaches, then the meetings (the held one's report when it may be read)."""
    for name, path in (("overview", ""), ("members", "members/"), ("info", "info/"), ("agreements", "agreements/"),
                       ("messages", "messages/"), ("meetings", "meetings/"), ("privacy", "privacy")):
        page.goto(team + path)
        if page.url.endswith(team + path):
            visit.check(name)
    page.goto("/my/tasks")
    visit.check("my-tasks")
    page.goto("/account/")
    visit.check("account")


def test_maria_can_tap_everything_on_her_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = TapCheck(page, "maria-taps", screens)
    log_in(page, visit, "maria@zorgteam.example")
    team = open_johans_team(page, visit)
    _walk(page, visit, team)
    page.goto(team + "goals/")
    visit.check("goals")
    page.goto(team + "info/medication/")
    visit.check("medication")
    visit.verify()


def test_karim_can_tap_everything_on_his_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = TapCheck(page, "karim-taps", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)
    _walk(page, visit, team)
    for name, path in (("goals", "goals/"), ("consent", "consent/"), ("add-member", "members/new"),
                       ("new-agreement", "agreements/new"), ("plan-meeting", "meetings/new")):
        page.goto(team + path)
        visit.check(name)
    page.goto(team + "meetings/")
    meetings = [h for h in _links(page, "main a[href*='/meetings/']") if re.search(r"/meetings/[0-9a-f-]{36}/$", h)]
    meeting = meetings[0]  # the next MDO comes first
    page.goto(meeting)
    visit.check("meeting")
    page.get_by_role("link", name="Overleg annuleren").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Weet u het zeker?"
    visit.check("cancel-meeting")
    page.get_by_role("link", name="Nee, het gaat door").click()
    page.wait_for_url(meeting)
    page.goto(team + "members/")
    page.get_by_role("link", name=re.compile("^Lidmaatschap beëindigen.*Lotte Vermeulen")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Weet u het zeker?"
    visit.check("end-membership")
    page.get_by_role("link", name="Nee, terug naar de teamleden").click()
    assert page.get_by_role("heading", name="Lotte Vermeulen").count() == 1  # still a member
    visit.verify()


def _fits(page) -> tuple[int, int]:
    return page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")


def test_the_medication_schedule_and_the_meeting_report_fit_a_phone(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "karim-print", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)
    page.goto(team + "info/medication/print")
    assert page.get_by_role("heading", level=1).inner_text() == "Medicatie van Johan Peeters"
    assert page.get_by_role("cell", name="Seretide Diskus 500/50").first.is_visible()
    width, inner = _fits(page)
    assert width <= PHONE[0] == inner, f"the day schedule is {width} px wide"
    visit.check("medication-print")
    page.goto(team + "meetings/")
    held = [href for href in _links(page, "main a[href*='/meetings/']") if re.search(r"/meetings/[0-9a-f-]{36}/$", href)]
    reports = []
    for href in held:
        page.goto(href + "report")
        if page.get_by_role("heading", name="Verslag van het overleg").count():
            reports.append(href)
            width, _inner = _fits(page)
            assert width <= PHONE[0], f"the report of {href} is {width} px wide"
            assert page.locator("table.signatures td").first.is_visible()
            visit.check("meeting-report")
    assert reports, "no meeting report was shown"
    visit.verify()
