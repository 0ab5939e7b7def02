"""Real Chromium, at 390 and 1280 px: Griet adds a contact person to Thuisverpleging Kempen; Karim adds that contact
as a member of Johan's team (the details filled in by a GET step, no script needed); Karim types an organisation
that is not on the map and proposes it; Griet accepts the proposal and Karim's member then points to the new
organisation. At the end Karim ends both memberships, so the member lists the other browser tests check stay as the
demo has them, and Griet removes the contact (asked first). Every page passes the Visit checks (axe, no sideways scroll)."""
from __future__ import annotations

import re

import pytest

from tests.browser.test_pages import DESKTOP, PHONE, Visit, log_in, main_menu, open_johans_team

pytestmark = pytest.mark.browser


def _griet_adds_a_contact(page, visit: Visit, contact: str) -> None:
    main_menu(page, "Sociale kaart")
    page.get_by_label("Naam van de organisatie (mag leeg)").fill("Thuisverpleging Kempen")
    page.get_by_role("button", name="Zoeken").click()
    page.locator("li.organisation").get_by_role("link", name="Thuisverpleging Kempen").click()
    assert "Evi Mertens" in page.locator("ul.contacts").inner_text()  # the demo's contact persons
    page.get_by_role("link", name="Contactpersoon toevoegen").click()
    page.get_by_label("Naam van de contactpersoon").fill(contact)
    page.get_by_label("Discipline").select_option(label="thuisverpleegkundige")
    page.get_by_label("Wat doet deze persoon daar?").fill("Thuisverpleegkundige, diabeteszorg")
    page.get_by_label("Telefoon").fill("014 58 20 29")
    page.get_by_label("E-mailadres").fill("lien@thuisverplegingkempen.example")
    page.get_by_label("Wanneer en hoe bereikbaar").fill("Werkdagen 13-17 uur")
    visit.check("contact-new")
    page.get_by_role("button", name="Bewaren").click()
    card = page.locator("li.contact").filter(has_text=contact)
    assert "diabeteszorg" in card.inner_text() and card.get_by_role("link", name="014 58 20 29").count() == 1
    visit.check("organisation-contacts")


def _open_add_form(page) -> None:
    page.locator("nav.teamnav").get_by_role("link", name="Teamleden").click()
    page.wait_for_url("**/members/")
    page.get_by_role("link", name="Teamlid toevoegen").click()
    page.wait_for_url("**/members/new")


def _karim_adds_the_contact(page, visit: Visit, contact: str) -> None:
    _open_add_form(page)
    page.get_by_label("Contactpersoon op de sociale kaart").select_option(
        label=f"{contact} (thuisverpleegkundige), Thuisverpleging Kempen")
    page.get_by_role("button", name="Gegevens invullen").click()
    page.wait_for_url("**/members/new?contact=*")
    assert page.get_by_label("Naam", exact=True).input_value() == contact
    assert page.get_by_label("Telefoon").input_value() == "014 58 20 29"
    assert page.get_by_label("Organisatie op de sociale kaart").locator("option:checked").inner_text() == (
        "Thuisverpleging Kempen (Geel)")
    page.get_by_label("Stuur een uitnodiging om Zorgteam te gebruiken").uncheck()
    visit.check("member-from-contact")
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/members/")
    card = page.locator("ul.members > li").filter(has_text=contact)
    assert card.get_by_role("link", name="Thuisverpleging Kempen").count() == 1
    assert "Werkdagen 13-17 uur" in card.inner_text()


def _karim_proposes(page, visit: Visit, name: str, organisation: str) -> None:
    _open_add_form(page)
    page.get_by_label("Naam", exact=True).fill(name)
    page.get_by_label("Rol in het team").select_option("professional")
    page.get_by_label("Discipline (voor zorgverleners)").select_option(label="gezinszorg")
    page.get_by_label("Organisatie", exact=True).fill(organisation)
    page.get_by_label("Voorstellen voor de sociale kaart").check()
    page.get_by_label("Stuur een uitnodiging om Zorgteam te gebruiken").uncheck()
    visit.check("member-propose")
    page.get_by_role("button", name="Bewaren").click()
    page.wait_for_url("**/members/")
    card = page.locator("ul.members > li").filter(has_text=name)
    assert card.get_by_role("link", name=organisation).count() == 0  # not on the map yet


def _griet_accepts(page, visit: Visit, organisation: str) -> None:
    main_menu(page, "Sociale kaart")
    page.get_by_role("link", name=re.compile(r"^Voorstellen")).click()
    page.wait_for_url("**/socialmap/proposals/")
    visit.check("proposals")
    item = page.locator("li.proposal").filter(has_text=organisation)
    item.get_by_role("link", name=re.compile("Bekijken en aanvaarden")).click()
    assert page.get_by_label("Naam", exact=True).input_value() == organisation
    page.get_by_label("Soort organisatie").select_option(label="thuiszorg")
    page.get_by_label("Gemeente").fill("Geel")
    visit.check("proposal")
    page.get_by_role("button", name="Aanvaarden").click()
    page.wait_for_url("**/edit")
    assert organisation in page.locator("p.flash").inner_text()


def _karim_sees_the_link_and_ends_both(page, visit: Visit, names: list[str], organisation: str) -> None:
    page.reload()
    card = page.locator("ul.members > li").filter(has_text=names[-1])
    assert card.get_by_role("link", name=organisation).count() == 1
    visit.check("members-linked")
    for name in names:
        page.locator("ul.members > li").filter(has_text=name).get_by_role(
            "link", name=re.compile("Lidmaatschap beëindigen")).click()
        page.get_by_role("button", name="Ja, lidmaatschap beëindigen").click()
        page.wait_for_url("**/members/")
        assert page.locator("ul.members > li").filter(has_text=name).count() == 0


def _griet_removes_the_contact(page, contact: str) -> None:
    """Removing asks first: "no" keeps the contact, "yes" removes it (and the demo's organisation is as it was)."""
    main_menu(page, "Sociale kaart")
    page.get_by_label("Naam van de organisatie (mag leeg)").fill("Thuisverpleging Kempen")
    page.get_by_role("button", name="Zoeken").click()
    page.locator("li.organisation").get_by_role("link", name="Thuisverpleging Kempen").click()
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
    remove = page.locator("li.contact").filter(has_text=contact).get_by_role("button", name=re.compile("Schrappen"))
    remove.click()
    assert asked == [f"{contact} schrappen als contactpersoon?"]
    assert page.locator("li.contact").filter(has_text=contact).count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    remove.click()
    assert contact in page.locator("p.flash").inner_text()
    assert page.locator("li.contact").filter(has_text=contact).count() == 0


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_contact_person_becomes_a_member_and_a_proposed_organisation_is_accepted(new_page, screens, size):
    contact, proposed = f"Lien Claessens {size[0]}", f"Mevrouw Dierickx {size[0]}"
    organisation = f"Thuishulp Het Anker {size[0]}"
    griet_page, karim_page = new_page(*size), new_page(*size)
    griet = Visit(griet_page, f"griet-contacts-{size[0]}", screens)
    karim = Visit(karim_page, f"karim-contacts-{size[0]}", screens)
    log_in(griet_page, griet, "griet@zorgteam.example")
    _griet_adds_a_contact(griet_page, griet, contact)
    log_in(karim_page, karim, "karim@zorgteam.example")
    open_johans_team(karim_page, karim)
    _karim_adds_the_contact(karim_page, karim, contact)
    _karim_proposes(karim_page, karim, proposed, organisation)
    _griet_accepts(griet_page, griet, organisation)
    _karim_sees_the_link_and_ends_both(karim_page, karim, [contact, proposed], organisation)
    _griet_removes_the_contact(griet_page, contact)
    griet.verify()
    karim.verify()
