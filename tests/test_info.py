"""Shared information: the nine category pages through the consent filter, editing, the medication day schedule,
medication problems reaching the GP and the pharmacist, journal transitions, and the allergies on the overview."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import Agreement, AuditEvent, InfoItem, Message
from models.consent import CATEGORIES, set_grant
from models.info import items_of, sheet_of
from models.members import load_membership
from models.messages import thread_for


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/info/{path}"


def _page(client, url) -> str:
    return client.get(url).get_data(as_text=True)


@pytest.mark.parametrize("category", ["medication", "condition", "journal", "history", "advance-care"])
def test_jef_is_told_the_medical_categories_are_not_shared_and_sees_nothing_of_them(login_as, world, category):
    response = login_as("jef").get(_url(world, f"{category}/"))
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "Niet gedeeld met u" in page
    for secret in ("Seretide", "Penicilline", "AZ Geel", "reanimatie", "Longrevalidatie"):
        assert secret not in page


def test_jef_sees_the_contact_details(login_as, world):
    page = _page(login_as("jef"), _url(world, "contacts/"))
    assert "Huisartsenwachtpost Kempen" in page and "1733" in page


def test_the_index_marks_what_is_not_shared_without_counts(login_as, world):
    page = _page(login_as("jef"), _url(world))
    assert page.count("Niet gedeeld met u") == len(CATEGORIES) - 1
    assert f'href="/teams/{world.johan_team.id}/info/contacts/"' in page
    assert f'href="/teams/{world.johan_team.id}/info/medication/"' not in page


def test_tom_reads_the_medication_schedule_and_the_access_log_shows_it(login_as, world):
    page = _page(login_as("tom"), _url(world, "medication/"))
    assert "Seretide Diskus 500/50" in page and "Donepezil 10 mg" in page and "Salbutamol 100 µg" in page
    log = _page(login_as("karim"), f"/teams/{world.johan_team.id}/access-log/")
    assert "Tom Wouters (thuisverpleegkundige) bekeek de medicatie" in log


def test_withdrawing_toms_access_to_medication_shows_nothing_on_his_next_request(login_as, world, db):
    client = login_as("tom")
    assert client.get(_url(world, "medication/")).status_code == 200
    karim = load_membership(db, world.johan_team.id, world.user("karim").id)
    set_grant(db, world.member("tom"), karim, "medication", False, method="in_person")
    db.commit()
    response = client.get(_url(world, "medication/"))
    assert response.status_code == 403 and "Seretide" not in response.get_data(as_text=True)


def test_the_care_history_is_for_professionals_only(login_as, world):
    assert login_as("tom").get(_url(world, "history/")).status_code == 200
    for carer in ("maria", "an"):
        response = login_as(carer).get(_url(world, "history/"))
        assert response.status_code == 403 and "Longrevalidatie" not in response.get_data(as_text=True)


def test_the_person_sees_all_of_his_own_information(login_as, world):
    client = login_as("johan")
    assert all(client.get(_url(world, f"{c}/")).status_code == 200 for c in CATEGORIES)


def test_a_refusal_by_consent_is_audited(login_as, world, db):
    before = db.scalar(select(AuditEvent.seq).order_by(AuditEvent.seq.desc()).limit(1))
    login_as("jef").get(_url(world, "journal/"))
    [event] = db.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert (event.action, event.category, event.outcome) == ("denied", "journal", "denied")


def test_unknown_categories_are_not_found(login_as, world):
    assert login_as("karim").get(_url(world, "diary/")).status_code == 404


def test_a_family_carer_edits_the_family_situation_but_a_volunteer_edits_nothing(login_as, world, db):
    data = {"household": "Johan en Maria, en sinds kort de kat.", "involvement": "", "notes": "",
            "version": str(sheet_of(db, world.johan_team.id, "family").version)}
    assert login_as("an").post(_url(world, "family/edit"), data=data).status_code == 302
    db.expire_all()
    assert sheet_of(db, world.johan_team.id, "family").value("household") == "Johan en Maria, en sinds kort de kat."
    assert login_as("jef").post(_url(world, "contacts/new"), data={"name": "Bakker"}).status_code == 403


def test_a_stale_edit_of_the_condition_is_refused_and_shows_the_other_change(login_as, world, db):
    client = login_as("els")
    sheet = sheet_of(db, world.johan_team.id, "condition")
    form = {"allergies": "Penicilline en latex.", "diagnoses": "COPD GOLD 3.", "version": str(sheet.version)}
    assert client.post(_url(world, "condition/edit"), data=form).status_code == 302
    stale = login_as("tom").post(_url(world, "condition/edit"), data={**form, "allergies": "Geen."})
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Penicilline en latex." in page
    db.expire_all()
    assert sheet_of(db, world.johan_team.id, "condition").value("allergies") == "Penicilline en latex."


def test_a_medication_line_needs_a_drug_a_dose_and_a_moment(login_as, world):
    page = login_as("sofie").post(_url(world, "medication/new"),
                                  data={"drug": "", "dose": "", "food": "any"}).get_data(as_text=True)
    assert page.count("Vul dit in.") == 2 and "Kies minstens één." in page


def test_a_medication_line_is_added_and_removed_but_kept_in_the_record(login_as, world, db):
    client = login_as("sofie")
    client.post(_url(world, "medication/new"), data={
        "drug": "Paracetamol 1 g", "dose": "1 tablet", "moments": ["morning", "evening"], "food": "any"})
    line = next(i for i in items_of(db, world.johan_team.id, "medication") if i.value("drug") == "Paracetamol 1 g")
    assert line.value("moments") == ["morning", "evening"]
    assert "Paracetamol 1 g" in _page(client, _url(world, "medication/print"))
    client.post(_url(world, f"medication/{line.id}/remove"), data={"version": str(line.version)})
    assert "Paracetamol 1 g" not in _page(client, _url(world, "medication/"))
    db.expire_all()
    assert db.get(InfoItem, line.id).removed_at is not None


def test_the_day_schedule_lists_each_moment_and_leaves_out_stopped_lines(login_as, world):
    client = login_as("tom")
    client.post(_url(world, "medication/new"), data={
        "drug": "Amoxicilline", "dose": "1 capsule", "moments": ["noon"], "food": "any",
        "stopped_on": (date.today() - timedelta(days=1)).isoformat()})
    page = _page(client, _url(world, "medication/print"))
    assert "'s ochtends" in page and "'s avonds" in page and "indien nodig" in page
    assert page.count("Seretide Diskus 500/50") == 2  # morning and evening
    assert "Amoxicilline" not in page


def test_a_medication_problem_reported_by_maria_reaches_the_gp_and_the_pharmacist(login_as, world, db, outbox):
    response = login_as("maria").post(_url(world, "medication/problem"), data={
        "kind": "side_effect", "drug": "", "description": "Johan is sinds gisteren erg duizelig."})
    assert response.status_code == 302
    for key in ("els", "sofie"):
        texts = [m.body for m in thread_for(db, world.member(key)) if m.kind == "medication-problem"]
        assert any("erg duizelig" in text for text in texts)
    assert not [m for m in thread_for(db, world.member("an")) if m.kind == "medication-problem"]
    agreement = db.scalars(select(Agreement).where(Agreement.team_id == world.johan_team.id)
                           .order_by(Agreement.created_at.desc())).first()
    assert agreement.owner_id == world.member("els").id and agreement.is_open
    assert agreement.due_on == date.today() + timedelta(days=2)
    mails = outbox()
    assert len(mails) == 2 and all("duizelig" not in m and "Medicatieprobleem gemeld" in m for m in mails)
    assert {line for m in mails for line in m.splitlines() if line.startswith("To:")} == {
        "To: els@zorgteam.example", "To: sofie@zorgteam.example"}


def test_jef_cannot_report_a_medication_problem(login_as, world, db):
    response = login_as("jef").post(_url(world, "medication/problem"), data={
        "kind": "intake", "drug": "", "description": "iets"})
    assert response.status_code == 403
    assert db.scalar(select(Message).where(Message.kind == "medication-problem")) is None


def test_a_hospital_admission_in_the_journal_tells_those_who_may_read_it(login_as, world, outbox):
    login_as("tom").post(_url(world, "journal/new"), data={
        "occurred_on": date.today().isoformat(), "kind": "admission", "text": "Opname AZ Geel, ademnood."})
    mails = outbox()
    recipients = {line[4:] for m in mails for line in m.splitlines() if line.startswith("To: ")}
    assert "karim@zorgteam.example" in recipients and "maria@zorgteam.example" in recipients
    assert "jef@zorgteam.example" not in recipients and "tom@zorgteam.example" not in recipients
    assert all("ademnood" not in m for m in mails)


def test_an_ordinary_journal_entry_sends_no_mail(login_as, world, outbox):
    login_as("tom").post(_url(world, "journal/new"), data={
        "occurred_on": date.today().isoformat(), "kind": "contact", "text": "Huisbezoek."})
    assert outbox() == []


def test_allergies_stand_out_on_the_overview_for_those_who_may_see_the_condition(login_as, world):
    assert "Penicilline" in _page(login_as("tom"), f"/teams/{world.johan_team.id}/")
    assert "Penicilline" not in _page(login_as("jef"), f"/teams/{world.johan_team.id}/")


def test_the_advance_care_page_shows_the_representative_and_the_directives(login_as, world):
    page = _page(login_as("els"), _url(world, "advance-care/"))
    assert "Maria Peeters (benoemd)" in page and "negatieve wilsverklaring" in page and "An Peeters" in page
