"""The printable care plan: the page and the PDF (A4) show the person, what matters, the goals, the team with
phone numbers and reachability, the open agreements, the next meeting and the advance care planning, through the
consent filter of whoever prints it; printing is audited."""
from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from config import ROOT
from models import AuditEvent
from models.consent import set_grant
from models.members import load_membership
from models.revisions import restrict

LIFE_GOALS = ["Ik wil thuis blijven wonen, samen met Maria.", "Ik wil elke zondag naar de duivenclub.",
              "Ik wil mijn kleinkinderen zien opgroeien."]
A4 = (595.28, 841.89)  # points


def _url(world, path="careplan"):
    return f"/teams/{world.johan_team.id}/{path}"


def _page(client, world) -> str:
    response = client.get(_url(world))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _pdf(client, world) -> tuple[bytes, str]:
    response = client.get(_url(world, "careplan.pdf"))
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return response.data, " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_karims_care_plan_holds_everything_a_gp_or_a_hospital_needs(login_as, world):
    page = _page(login_as("karim"), world)
    positions = [page.index(f"“{goal}”") for goal in LIFE_GOALS]
    assert positions == sorted(positions)
    for expected in ("Zorgplan van Johan Peeters", "47.03.12-123.40", "Kerkstraat 12, 2440 Geel", "Penicilline",
                     "Johan kan 200 meter wandelen", "gaat beter",  # a care goal and its state
                     "Donepezil 10 mg", "Tom Wouters", "0486 33 44 55", "Elke ochtend tussen 7 en 12 uur",
                     "huisartsenwachtpost 1733", "Weekdoos klaarzetten", "te laat",  # Karim's overdue task
                     "Bij Johan thuis, Kerkstraat 12", "Geen reanimatie bij een hartstilstand", "Maria Peeters"):
        assert expected in page, expected
    assert "Niet met u gedeeld" not in page


def test_the_pdf_is_a4_and_holds_the_person_and_his_goals(login_as, world):
    data, text = _pdf(login_as("karim"), world)
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert all((float(p.mediabox.width), float(p.mediabox.height)) == pytest.approx(A4, abs=1) for p in reader.pages)
    for expected in ["Zorgplan van Johan Peeters", *LIFE_GOALS, "Donepezil 10 mg", "0486 33 44 55"]:
        assert expected in text, expected


def test_a_member_without_consent_for_the_medication_gets_none_in_the_plan(login_as, db, world):
    johan = load_membership(db, world.johan_team.id, world.user("johan").id)
    set_grant(db, world.member("maria"), johan, "medication", False, method="in_person")
    db.commit()
    client = login_as("maria")
    page = _page(client, world)
    assert "Donepezil" not in page and "Salbutamol" not in page and "Niet met u gedeeld" in page
    assert "Geen reanimatie" in page  # what she may still see stays
    _data, text = _pdf(client, world)
    assert "Donepezil" not in text and "Johan Peeters" in text


def test_the_meeting_organiser_sees_no_medication_and_no_advance_care_planning(login_as, world):
    """Griet's role starts with contact details, family, wishes and needs only."""
    page = _page(login_as("griet"), world)
    assert "Donepezil" not in page and "Geen reanimatie" not in page and "Penicilline" not in page
    assert page.count("Niet met u gedeeld") == 2
    assert "Maria Peeters" in page  # who helps decide is the team's, not a category


def test_printing_is_audited_with_each_category_read(login_as, db, world):
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    login_as("tom").get(_url(world, "careplan.pdf"))
    events = db.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert [(e.action, e.category) for e in events] == [
        ("print", "careplan"), ("read", "condition"), ("read", "medication"), ("read", "advance-care")]
    assert {e.actor_id for e in events} == {world.user("tom").id}


@pytest.mark.parametrize("path", ["careplan", "careplan.pdf"])
@pytest.mark.parametrize("key, status", [("johan", 200), ("els", 200), ("an", 200), ("jef", 403), ("hanne", 404)])
def test_who_may_print_the_care_plan(login_as, world, key, status, path):
    assert login_as(key).get(_url(world, path)).status_code == status


def test_the_page_has_a_print_button_and_a_pdf_link_and_prints_on_a4(login_as, world):
    page = _page(login_as("karim"), world)
    assert "data-print" in page and f'href="/teams/{world.johan_team.id}/careplan.pdf"' in page
    assert "@page { size: A4" in (ROOT / "static" / "zorgteam.css").read_text()


def test_the_persons_restricted_details_stay_off_the_plan(login_as, db, world):
    """Restricted on Johan's request (GDPR art. 18): kept, but neither on the page nor in the PDF."""
    johan = load_membership(db, world.johan_team.id, world.user("johan").id)
    restrict(db, world.johan_team, johan, world.johan_team.person)
    db.commit()
    client = login_as("els")
    page = _page(client, world)
    assert "47.03.12-123.40" not in page and "Kerkstraat 12, 2440 Geel" not in page.split("Volgend overleg")[0]
    assert "zijn beperkt op zijn of haar vraag" in page and "Johan Peeters" in page
    _data, text = _pdf(client, world)
    assert "47.03.12-123.40" not in text and "12 maart 1947" not in text
