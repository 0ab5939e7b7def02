"""A care team from nothing to closed, in real Chromium at 390 and 1280 px: Hanne starts a team for a new person
with a first member, that member follows the invitation in the mail, chooses a password and sees the team; Hanne
closes the team, and both see it read-only: the banner, no forms for changes, and a page that says so when one is
asked for anyway."""
from __future__ import annotations

import re
from email import message_from_bytes, policy

import pytest

from tests.browser.test_pages import WIDTHS, Visit, log_in

pytestmark = pytest.mark.browser
NEW_PASSWORD = "zeven kleine duiven vliegen naar Geel"


def _invitation_link(outbox, address: str) -> str:
    """The path of the invitation link in the mail to `address` (the live server writes .eml files)."""
    for path in sorted(outbox.glob("*.eml")):
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        if mail["To"] == address:
            return re.search(r"http://zorgteam\.test(/invite/\S+)", mail.get_body().get_content()).group(1)
    raise AssertionError(f"no mail to {address} in {outbox}")


def _start_team(page, visit: Visit, given: str, invitee: str) -> None:
    page.get_by_role("link", name="Een zorgteam starten").click()
    page.wait_for_url("**/teams/new")
    page.get_by_label("Voornaam").fill(given)
    page.get_by_label("Familienaam").fill("Wuyts")
    page.get_by_label("Geboortedatum").fill("1941-04-18")
    page.get_by_label("Gemeente").fill("Mol")
    page.get_by_label("De zorgvraag, in de woorden van de persoon").fill(
        "Ik wil thuis blijven wonen, maar het wassen lukt niet meer alleen.")
    page.get_by_label("Complexe zorg").check()
    page.get_by_label("op papier").check()
    page.get_by_label("gaat akkoord met dit zorgteam").check()
    page.get_by_label("Uw discipline (voor zorgverleners)").select_option("home_nurse")
    first = page.locator("fieldset", has_text="Teamlid 1")
    first.get_by_label("Naam").fill("Bram Wuyts")
    first.get_by_label("Rol in het team").select_option("informal_carer")
    first.get_by_label("E-mailadres (voor een uitnodiging)").fill(invitee)
    visit.check("new-team")
    page.get_by_role("button", name="Zorgteam starten").click()
    page.wait_for_url(re.compile(r"/teams/[0-9a-f-]{36}/$"))


def _accept_invitation(page, visit: Visit, link: str, person: str) -> None:
    page.goto(link)
    visit.check("invitation")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Herhaal het nieuwe wachtwoord").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Wachtwoord bewaren").click()
    page.wait_for_url("**/my/tasks")  # a family carer lands on their tasks
    page.goto("/teams/")
    page.locator("ul.list").get_by_role("link", name=person).click()
    page.wait_for_url(re.compile(r"/teams/[0-9a-f-]{36}/$"))
    visit.check("invited-sees-team")


def _close_team(page, visit: Visit) -> None:
    page.get_by_role("link", name="Zorgteam afsluiten").click()
    page.wait_for_url("**/close")
    page.get_by_label("De persoon is verhuisd naar een woonzorgcentrum").check()
    visit.check("close")
    page.get_by_role("button", name="Zorgteam afsluiten").click()
    page.wait_for_url(re.compile(r"/teams/[0-9a-f-]{36}/$"))


@WIDTHS
def test_a_team_is_started_joined_and_closed(new_page, screens, live_outbox, size):
    width = size[0]
    given, invitee = f"Leon{width}", f"bram{width}@zorgteam.example"
    person = f"{given} Wuyts"
    hanne = new_page(*size)
    visit = Visit(hanne, f"lifecycle-hanne-{width}", screens)
    log_in(hanne, visit, "hanne@zorgteam.example")
    _start_team(hanne, visit, given, invitee)
    assert f"Het zorgteam van {person} is gestart." in hanne.locator(".flash").first.inner_text()
    assert "wassen lukt niet meer alleen" in hanne.locator("main").inner_text()
    visit.check("started")

    bram = new_page(*size)
    bram_visit = Visit(bram, f"lifecycle-bram-{width}", screens)
    _accept_invitation(bram, bram_visit, _invitation_link(live_outbox, invitee), person)
    team_url = bram.url

    _close_team(hanne, visit)
    assert "Afgesloten zorgteam." in hanne.locator(".closed-banner").inner_text()
    visit.check("closed")

    bram.goto(team_url + "messages/")
    assert bram.locator(".closed-banner").count() == 1 and bram.locator("main textarea").count() == 0
    bram_visit.check("messages-read-only")
    hanne.goto(team_url + "members/new")  # a page for a change, say from a bookmark
    assert hanne.get_by_role("heading", level=1).inner_text() == "Dit zorgteam is afgesloten"
    visit.check("refused")
    bram.goto("/teams/")
    closed = bram.locator("h2", has_text="Afgesloten zorgteams")
    assert closed.count() == 1
    assert bram.locator("ul.list").last.get_by_role("link", name=person).count() == 1
    bram_visit.check("my-teams-closed")
    visit.verify()
    bram_visit.verify()
