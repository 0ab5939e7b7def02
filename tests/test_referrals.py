"""Referrals (verwijzingen): to an organisation of the social map for a need, from asked to started, with the days
it took per referral and per team (median); who may do what; shown on the overview, the MDO agenda and the plan."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Organisation, Referral
from models import meetings
from models.base import StaleEdit
from models.export import export_record
from models.fhir import bundle
from models.members import NotAllowed
from models.socialmap.referrals import ReferralRule, advance, median_days_to_start, refer


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/referrals/{path}"


def _named(db, name) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def _status(referral, data: dict) -> dict:
    """The fields of a referral's status form, which carry its own prefix."""
    return {f"r{referral.id.hex[:8]}-{name}": value for name, value in data.items()}


def _referrals(db, world) -> list[Referral]:
    return list(db.scalars(select(Referral).where(Referral.team_id == world.johan_team.id)))


def test_karim_refers_to_an_organisation_that_serves_johans_postcode(login_as, db, world):
    client = login_as("karim")
    page = client.get(_url(world, "new?need=vervoer")).get_data(as_text=True)
    assert "Minder Mobielen Vervoer Geel" in page and "postcode 2440" in page
    assert "Vervoerdienst Samen Op Weg" not in page  # serves Mol and around, not Geel
    driver = _named(db, "Minder Mobielen Vervoer Geel")
    response = client.post(_url(world, "new"), data={"need": "vervoer", "organisation_id": str(driver.id),
                                                     "asked_on": date.today().isoformat(), "note": "Naar de kine"})
    assert response.status_code == 302
    made = [r for r in _referrals(db, world) if r.need == "vervoer"][0]
    assert (made.status, made.organisation_id, made.note) == ("asked", driver.id, "Naar de kine")
    assert made.referred_by_id == world.member("karim").id
    assert db.scalar(select(AuditEvent).where(AuditEvent.object_id == str(made.id))).action == "create"


def test_a_referral_form_without_an_organisation_or_with_a_long_note_says_so(login_as, world, db):
    client = login_as("karim")
    page = client.post(_url(world, "new"), data={"need": "vervoer", "asked_on": date.today().isoformat()})
    assert page.status_code == 422 and "Kies een organisatie." in page.get_data(as_text=True)
    driver = _named(db, "Minder Mobielen Vervoer Geel")
    long = client.post(_url(world, "new"), data={"need": "vervoer", "organisation_id": str(driver.id),
                                                 "asked_on": date.today().isoformat(), "note": "x" * 1001})
    assert long.status_code == 422 and "Dit is te lang: hoogstens 1000 tekens, nu 1001." in long.get_data(as_text=True)


def test_the_status_moves_on_with_dates_and_counts_the_days_to_start(login_as, db, world):
    day_care = [r for r in _referrals(db, world) if r.need == "dagopvang"][0]
    client = login_as("tom")
    started_on = date.today() - timedelta(days=2)
    response = client.post(_url(world, f"{day_care.id}/status"), data=_status(day_care, {
        "status": "started", "on": started_on.isoformat(), "version": str(day_care.version)}))
    assert response.status_code == 302
    db.expire_all()
    day_care = db.get(Referral, day_care.id)
    assert day_care.status == "started" and day_care.started_on == started_on
    assert day_care.days_to_start == 7 * 7 - 2
    page = client.get(_url(world)).get_data(as_text=True)
    assert "De hulp startte na 47 dagen." in page
    assert "Meestal startte de hulp in dit team 28 dagen na de vraag" in page  # median of 9 and 47


def test_a_stale_or_backward_or_future_step_is_refused(db, world):
    team, karim = world.johan_team, world.member("karim")
    alarm = [r for r in _referrals(db, world) if r.need == "personenalarm"][0]
    with pytest.raises(StaleEdit):
        advance(db, team, alarm, karim, alarm.version - 1, "stopped", date.today())
    with pytest.raises(ReferralRule, match="alleen vooruit"):
        advance(db, team, alarm, karim, alarm.version, "waitlisted", date.today())
    with pytest.raises(ReferralRule, match="toekomst"):
        advance(db, team, alarm, karim, alarm.version, "stopped", date.today() + timedelta(days=1))
    with pytest.raises(ReferralRule, match="vóór de vorige stap"):
        advance(db, team, alarm, karim, alarm.version, "stopped", alarm.started_on - timedelta(days=1))


def test_a_stale_status_form_says_so_in_plain_words(login_as, db, world):
    alarm = [r for r in _referrals(db, world) if r.need == "personenalarm"][0]
    client = login_as("karim")
    data = {"status": "stopped", "on": date.today().isoformat(), "version": str(alarm.version - 1)}
    page = client.post(_url(world, f"{alarm.id}/status"), data=_status(alarm, data), follow_redirects=True).get_data(as_text=True)
    assert "Iemand anders heeft deze verwijzing intussen gewijzigd" in page
    db.expire_all()
    assert db.get(Referral, alarm.id).status == "started"


def test_carers_see_referrals_volunteers_do_not_and_only_professionals_refer(login_as, db, world):
    assert "Dagverzorgingscentrum De Zonnewijzer" in login_as("maria").get(_url(world)).get_data(as_text=True)
    assert login_as("maria").get(_url(world, "new")).status_code == 403
    assert login_as("jef").get(_url(world)).status_code == 403
    assert "Dagverzorgingscentrum De Zonnewijzer" not in login_as("jef").get(
        f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    with pytest.raises(NotAllowed):
        refer(db, world.johan_team, world.member("an"), _named(db, "Mantelzorgpunt Kempen"),
              need="mantelzorgondersteuning", asked_on=date.today())


def test_another_teams_referral_is_not_found(login_as, db, world):
    alarm = [r for r in _referrals(db, world) if r.need == "personenalarm"][0]
    response = login_as("hanne").post(f"/teams/{world.rita_team.id}/referrals/{alarm.id}/status",
                                      data={"status": "stopped", "on": date.today().isoformat()})
    assert response.status_code == 404


def test_the_median_is_the_middle_of_the_started_referrals():
    def started(days):
        return Referral(asked_on=date(2026, 1, 1), started_on=date(2026, 1, 1) + timedelta(days=days), status="started")
    assert median_days_to_start([started(2), started(10), started(300)]) == 10
    assert median_days_to_start([Referral(asked_on=date(2026, 1, 1), status="asked")]) is None


def test_the_overview_shows_the_referrals_and_the_first_point_of_contact(login_as, world):
    page = login_as("an").get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "Verwijzingen" in page and "Dagverzorgingscentrum De Zonnewijzer" in page
    assert "De hulp startte na 9 dagen." in page
    assert "Eerste aanspreekpunt waar Johan woont" in page and "Welzijnshuis De Sleutel" in page


def test_the_next_mdo_agenda_follows_up_the_referral_still_waiting(login_as, db, world):
    team = world.johan_team
    agenda = meetings.propose_agenda(db, team, world.member("karim"), datetime.now(UTC) + timedelta(days=3))
    items = [i for i in agenda if i["source"] == "referral"]
    assert [(i["text"], i["need"], i["status"]) for i in items] == [
        ("Dagverzorgingscentrum De Zonnewijzer", "dagopvang", "waitlisted")]
    planned = meetings.next_meeting(db, team.id)
    page = login_as("els").get(f"/teams/{team.id}/meetings/{planned.id}/").get_data(as_text=True)
    assert "Verwijzing opvolgen:" in page and "op de wachtlijst sinds" in page


def test_the_care_plan_lists_the_referrals(login_as, world):
    page = login_as("karim").get(f"/teams/{world.johan_team.id}/careplan").get_data(as_text=True)
    section = page.split('id="cp-referrals"')[1]
    assert "Alarmcentrale Helpende Hand" in section and "De hulp startte na 9 dagen." in section


def test_the_export_and_the_fhir_bundle_carry_the_referrals(app, db, world):
    document = export_record(db, world.johan_team, None)
    by_need = {r["need"]: r for r in document["referrals"]}
    assert by_need["personenalarm"]["organisation_name"] == "Alarmcentrale Helpende Hand"
    assert by_need["dagopvang"]["note"] == "Twee dagen per week, zodat Maria op adem kan komen."
    requests = [e.resource for e in bundle(document).entry if e.resource.__resource_type__ == "ServiceRequest"]
    assert sorted(r.code.text for r in requests) == ["dagopvang", "personenalarm"]
    alarm = next(r for r in requests if r.code.text == "personenalarm")
    assert alarm.performer[0].display == "Alarmcentrale Helpende Hand" and alarm.occurrencePeriod.start is not None
