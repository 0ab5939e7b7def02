"""Real Chromium: Maria (Johan's representative) finds the care plan and "Gegevens meenemen" in the team menu; the
pages pass axe without scrolling sideways, and the care plan printed to A4 keeps the menus off the paper."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from tests.browser.test_pages import PHONE, Visit, WIDTHS, log_in, open_johans_team, open_privacy_page

pytestmark = pytest.mark.browser


@WIDTHS
def test_maria_opens_the_care_plan_and_the_export_page(new_page, screens, size):
    page = new_page(*size)
    visit = Visit(page, "maria-careplan", screens)
    log_in(page, visit, "maria@zorgteam.example")
    team = open_johans_team(page, visit)

    open_privacy_page(page, "Zorgplan afdrukken")
    page.wait_for_url(f"**{team}careplan")
    assert page.get_by_role("heading", level=1).inner_text() == "Zorgplan van Johan Peeters"
    assert page.get_by_role("heading", name="Vroegtijdige zorgplanning").is_visible()
    assert page.get_by_role("button", name="Afdrukken").is_visible()
    visit.check("careplan")

    page.go_back()
    page.locator("main ul.hub").get_by_role("link", name="Gegevens meenemen").click()
    page.wait_for_url(f"**{team}export/")
    assert page.get_by_role("link", name="Download voor zorgsoftware (FHIR)").is_visible()
    visit.check("export")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download de gegevens (JSON)").click()
    assert download.value.suggested_filename.startswith("zorgteam-gegevens-")
    visit.verify()


def test_the_printed_care_plan_is_a4_without_the_menus(new_page, screens):
    page = new_page(*PHONE)
    visit = Visit(page, "karim-careplan", screens)
    log_in(page, visit, "karim@zorgteam.example")
    team = open_johans_team(page, visit)
    page.goto(f"{team}careplan")
    page.emulate_media(media="print")
    assert not page.locator("nav.teamnav").is_visible() and not page.locator("header.topbar").is_visible()
    assert not page.get_by_role("button", name="Afdrukken").is_visible()
    pages = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages
    assert [(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in pages] == [(595, 842)] * len(pages)
    assert "Zorgplan van Johan Peeters" in pages[0].extract_text()
