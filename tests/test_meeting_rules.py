"""The rules checklist of reimbursable meetings, against cases built from DOMAIN.md ("MDO meetings").

Flemish reimbursable MDO: at home (or home within 8 days), at least 3 disciplines besides the person, their
representative, carers and the organiser, the GP invited (a psychiatrist may replace them in psychiatric care),
consent form or declaration, one per 365 days. GDT: at least 3 providers with the GP, the home nurse when there is
home nursing, a Katz score, task agreements, at most 4 paid providers, once per calendar year. It warns, never blocks.
"""
from __future__ import annotations

from datetime import date, time, timedelta

import config
from models import meetings as domain
from models.members import add_member
from models.meetings import Thresholds, checklist

DEFAULT = Thresholds()
AT_HOME = {"residence": "home", "consent": "form"}


def _meeting(world, keys, *, kind="mdo", organiser="griet", days=14, facts=AT_HOME, year=None, team=None):
    team = team or world.johan_team
    day = date.today() + timedelta(days=days) if year is None else date(year, 6, 1)
    members = {k: world.member(k) for k in keys}
    return domain.plan_meeting(world.session, team, None, kind=kind, place="Thuis",
                               starts_at=domain.at_brussels(day, time(14, 0)),
                               organiser=world.member(organiser) if organiser else None,
                               invitees=list(members.values()), facts=dict(facts))


def _lines(result) -> dict:
    return {c.key: c for c in result.checks}


def _without_earlier_mdo(world):
    """The demo's MDO of six weeks ago would trip the 365-day rule; most cases are about other rules."""
    for meeting in domain.meetings_of(world.session, world.johan_team.id):
        meeting.kind = "loc"


def test_an_mdo_with_only_two_disciplines_says_why_it_is_not_reimbursable(world):
    _without_earlier_mdo(world)
    meeting = _meeting(world, ["johan", "maria", "an", "jef", "els", "tom"])
    result = checklist(world.session, meeting, DEFAULT)
    line = _lines(result)["disciplines"]
    assert not result.reimbursable and line.state == "missing"
    assert line.params == {"count": 2, "minimum": 3, "disciplines": ["gp", "home_nurse"]}
    assert [c.key for c in result.open_points] == ["disciplines"]


def test_the_person_carers_volunteers_and_the_organiser_do_not_count_as_disciplines(world):
    _without_earlier_mdo(world)
    everyone = ["johan", "maria", "an", "jef", "griet", "els", "tom", "sofie"]
    assert _lines(checklist(world.session, _meeting(world, everyone), DEFAULT))["disciplines"].params["count"] == 3
    # Karim (social worker) counts when he takes part, but not when he organises the meeting himself
    with_karim = _meeting(world, ["els", "tom", "karim"], organiser=None)
    assert _lines(checklist(world.session, with_karim, DEFAULT))["disciplines"].state == "ok"
    organised_by_karim = _meeting(world, ["els", "tom", "karim"], organiser="karim")
    line = _lines(checklist(world.session, organised_by_karim, DEFAULT))["disciplines"]
    assert (line.state, line.params["count"]) == ("missing", 2)


def test_a_complete_mdo_is_reimbursable(world):
    _without_earlier_mdo(world)
    result = checklist(world.session, _meeting(world, ["johan", "maria", "els", "tom", "sofie", "lotte"]), DEFAULT)
    assert result.reimbursable and result.open_points == []


def test_the_gp_must_be_invited_or_in_psychiatric_care_a_psychiatrist(world):
    _without_earlier_mdo(world)
    meeting = _meeting(world, ["johan", "tom", "sofie", "lotte"])
    assert _lines(checklist(world.session, meeting, DEFAULT))["gp_invited"].state == "missing"
    psychiatrist = add_member(world.session, world.johan_team, None, role="professional", name="dr. Pieter Wouters",
                              discipline="psychiatrist")
    meeting = _meeting(world, ["johan", "tom", "sofie"])
    meeting.invitees.append(domain.Invitee(member_id=psychiatrist.id, member=psychiatrist))
    assert _lines(checklist(world.session, meeting, DEFAULT))["gp_invited"].state == "missing"
    meeting.facts = {**meeting.facts, "psychiatric": True}
    assert _lines(checklist(world.session, meeting, DEFAULT))["gp_invited"].state == "ok"


def test_after_the_meeting_it_counts_who_took_part(world):
    _without_earlier_mdo(world)
    meeting = _meeting(world, ["johan", "els", "tom", "sofie"])
    modes = {"els": "excused", "tom": "present", "sofie": "phone", "johan": "present"}
    by_id = {world.member(key).id: mode for key, mode in modes.items()}
    for invitee in meeting.invitees:
        invitee.attendance = by_id.get(invitee.member_id)
    result = checklist(world.session, meeting, DEFAULT)
    lines = _lines(result)
    assert result.after and lines["gp_taking_part"].state == "missing"
    assert lines["disciplines"].params["count"] == 2  # the GP was excused: only the nurse and pharmacist
    for invitee in meeting.invitees:
        if invitee.member_id == world.member("els").id:
            invitee.attendance = "video"  # in person, else video, else phone: all count
    assert _lines(checklist(world.session, meeting, DEFAULT))["gp_taking_part"].state == "ok"


def test_one_reimbursed_mdo_per_365_days(world):
    # the demo's MDO was six weeks ago
    soon = _meeting(world, ["els", "tom", "sofie"], days=14)
    line = _lines(checklist(world.session, soon, DEFAULT))["interval"]
    assert line.state == "missing"
    assert line.params["previous"] == date.today() - timedelta(weeks=6)
    assert line.params["from"] == date.today() - timedelta(weeks=6) + timedelta(days=365)
    later = _meeting(world, ["els", "tom", "sofie"], days=365 - 42 + 1)
    assert _lines(checklist(world.session, later, DEFAULT))["interval"].state == "missing"  # soon is in between
    for planned in domain.meetings_of(world.session, world.johan_team.id):
        if planned.is_planned and planned is not later:
            planned.status = "cancelled"  # a cancelled MDO does not count (the demo's next one included)
    assert _lines(checklist(world.session, later, DEFAULT))["interval"].state == "ok"


def test_residence_and_consent_must_be_recorded(world):
    _without_earlier_mdo(world)
    unknown = _lines(checklist(world.session, _meeting(world, ["els", "tom", "sofie"], facts={}), DEFAULT))
    assert unknown["residence"].state == unknown["consent"].state == "unknown"
    nursing_home = _meeting(world, ["els", "tom", "sofie"], facts={"residence": "nursing_home", "consent": "form"})
    assert _lines(checklist(world.session, nursing_home, DEFAULT))["residence"].state == "missing"
    returning = _meeting(world, ["els", "tom", "sofie"],
                         facts={"residence": "returning_home", "consent": "declaration"})
    lines = _lines(checklist(world.session, returning, DEFAULT))
    assert lines["residence"].state == lines["consent"].state == "ok"
    assert lines["residence"].params["days"] == 8


def _gdt(world, keys, **kw):
    return _meeting(world, keys, kind="gdt", **kw)


def test_a_gdt_meeting_needs_three_providers_with_the_gp_a_katz_score_and_task_agreements(world):
    meeting = _gdt(world, ["johan", "maria", "els", "tom"], facts={"home_nursing": True})
    lines = _lines(checklist(world.session, meeting, DEFAULT))
    assert lines["providers"].state == "missing" and lines["providers"].params["count"] == 2
    assert lines["katz"].state == "unknown" and lines["task_agreements"].state == "unknown"
    assert lines["home_nurse"].state == "ok"
    meeting = _gdt(world, ["johan", "els", "sofie", "lotte"], facts={"home_nursing": True, "katz_score": "B"})
    result = checklist(world.session, meeting, DEFAULT, decisions=2)
    lines = _lines(result)
    assert lines["providers"].state == "ok" and lines["katz"].state == "ok"
    assert lines["home_nurse"].state == "missing"  # home nursing, but the home nurse is not there
    meeting.facts = {**meeting.facts, "home_nursing": False}
    assert checklist(world.session, meeting, DEFAULT, decisions=2).reimbursable


def test_a_gdt_meeting_pays_at_most_four_providers(world):
    meeting = _gdt(world, ["els", "tom", "sofie", "lotte", "karim"], facts={"home_nursing": False, "katz_score": "A"})
    for invitee in meeting.invitees:
        invitee.paid = invitee.member.role == "professional"
    line = _lines(checklist(world.session, meeting, DEFAULT, decisions=1))["paid_providers"]
    assert line.state == "missing" and line.params == {"count": 5, "maximum": 4}
    meeting.invitee_of(world.member("karim").id).paid = False
    assert _lines(checklist(world.session, meeting, DEFAULT, decisions=1))["paid_providers"].state == "ok"


def test_a_gdt_meeting_once_per_calendar_year(world):
    first = _gdt(world, ["els", "tom", "sofie"], year=2030)
    first.starts_at = domain.at_brussels(date(2030, 2, 1), time(10, 0))
    second = _gdt(world, ["els", "tom", "sofie"], year=2030)
    line = _lines(checklist(world.session, second, DEFAULT))["calendar_year"]
    assert (line.state, line.params["year"]) == ("missing", 2030)
    next_year = _gdt(world, ["els", "tom", "sofie"], year=2031)
    next_year.starts_at = domain.at_brussels(date(2031, 1, 2), time(10, 0))
    assert _lines(checklist(world.session, next_year, DEFAULT))["calendar_year"].state == "ok"


def test_other_kinds_have_no_reimbursement_rules(world):
    result = checklist(world.session, _meeting(world, ["johan"], kind="loc"), DEFAULT)
    assert not result.applies and not result.reimbursable


def test_the_thresholds_come_from_the_configuration(world, monkeypatch):
    assert Thresholds.from_settings(config.load()) == DEFAULT
    monkeypatch.setenv("ZORGTEAM_MDO_MIN_DISCIPLINES", "2")
    lenient = Thresholds.from_settings(config.load())
    assert lenient.mdo_min_disciplines == 2
    _without_earlier_mdo(world)
    meeting = _meeting(world, ["els", "tom"])
    assert not checklist(world.session, meeting, DEFAULT).reimbursable
    assert checklist(world.session, meeting, lenient).reimbursable


def test_the_page_shows_the_checklist_with_a_reason_per_line_and_never_blocks(login_as, world):
    _without_earlier_mdo(world)
    meeting = _meeting(world, ["johan", "maria", "els", "tom"])
    world.session.commit()
    client = login_as("karim")
    page = client.get(f"/teams/{world.johan_team.id}/meetings/{meeting.id}/").get_data(as_text=True)
    assert "Nog niet vergoedbaar" in page
    assert "2 verschillende disciplines (huisarts, thuisverpleegkundige); minstens 3 nodig" in page
    assert "De huisarts is uitgenodigd: dr. Els Janssens." in page
    assert client.get(f"/teams/{world.johan_team.id}/meetings/{meeting.id}/hold").status_code == 200
