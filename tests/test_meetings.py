"""MDO meetings: Karim plans one with five invitees, each receives an invite their calendar imports as one event;
moving it sends every invitee an update of the same event with a higher SEQUENCE; cancelling sends a CANCEL.
Then the meeting is held: attendance, minutes, evaluations and decisions in the meeting, the next one planned.

Mails are received by a real SMTP server (aiosmtpd) and the invites parsed back with icalendar.
"""
from __future__ import annotations

import uuid
from datetime import date, datetime, time, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import select, text

from models import Agreement, GoalEvaluation, Meeting
from models import meetings as domain
from models.consent import set_grant
from models.goals import care_goals
from models.info import add_item
from tests.test_accounts import smtp_at, smtp_inbox  # noqa: F401  (fixtures: a real SMTP server)

HEALTH_WORDS = ("COPD", "Alzheimer", "dementie", "Donepezil", "Seretide", "Salbutamol", "penicilline", "medicatie",
                "inhalatie", "Johan Peeters")
FIVE = ("griet", "els", "tom", "maria", "johan")


def _team_url(world, path: str = "") -> str:
    return f"/teams/{world.johan_team.id}/meetings/{path}"


def _plan(client, world, day: date, start: str = "10:00", keys=FIVE, **extra):
    data = {"kind": "mdo", "day": day.isoformat(), "start": start, "duration": "60",
            "place": "Bij Johan thuis, Kerkstraat 12, 2440 Geel", "video_link": "",
            "organiser": str(world.member("griet").id),
            "invitees": [str(world.member(k).id) for k in keys], "agenda_extra": "Hoe gaat het met Maria?", **extra}
    return client.post(_team_url(world, "new"), data=data)


def _calendar_part(mail):
    [part] = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    return part.get_param("method"), Calendar.from_ical(part.get_content())


def _event(calendar):
    [event] = calendar.walk("VEVENT")
    return event


def _invites(inbox):
    """(recipient, method, event) per mail received."""
    found = []
    for recipients, mail in inbox.messages:
        method, calendar = _calendar_part(mail)
        assert calendar["METHOD"] == method
        found.append((recipients[0], method, _event(calendar)))
    return found


def _meeting(db, response) -> Meeting:
    meeting_id = uuid.UUID(response.headers["Location"].rstrip("/").split("/")[-1])
    db.expire_all()
    return db.get(Meeting, meeting_id)


def _addresses(keys) -> set[str]:
    return {f"{k}@zorgteam.example" for k in keys}


def test_karim_plans_moves_and_cancels_an_mdo_and_every_calendar_follows(login_as, db, world, smtp_inbox):
    client = login_as("karim")
    day = date.today() + timedelta(days=10)
    response = _plan(client, world, day)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    meeting = _meeting(db, response)
    invites = _invites(smtp_inbox)
    assert {to for to, _m, _e in invites} == _addresses(FIVE) and len(invites) == 5
    uid = invites[0][2]["UID"]
    for to, method, event in invites:
        assert method == "REQUEST" and event["UID"] == uid == meeting.uid
        assert event["SEQUENCE"] == 0
        assert event.decoded("DTSTART") == datetime.combine(day, time(10, 0), tzinfo=domain.BRUSSELS)
    smtp_inbox.messages.clear()

    edit = client.get(_team_url(world, f"{meeting.id}/edit"))
    assert edit.status_code == 200
    response = client.post(_team_url(world, f"{meeting.id}/edit"), data={
        "kind": "mdo", "day": day.isoformat(), "start": "11:00", "duration": "60",
        "place": "Bij Johan thuis, Kerkstraat 12, 2440 Geel", "organiser": str(world.member("griet").id),
        "invitees": [str(world.member(k).id) for k in FIVE], "version": str(meeting.version),
        "agenda_keep": [], "agenda_extra": ""})
    assert response.status_code == 302
    updates = [i for i in _invites(smtp_inbox) if i[2]["UID"] == uid]
    assert {to for to, _m, _e in updates} == _addresses(FIVE) and len(updates) == 5
    for _to, method, event in updates:
        assert method == "REQUEST" and event["SEQUENCE"] == 1
        assert event.decoded("DTSTART").hour == 11 and str(event["DTSTART"].params["TZID"]) == "Europe/Brussels"
    smtp_inbox.messages.clear()

    assert client.post(_team_url(world, f"{meeting.id}/cancel"), data={"confirm": "yes"}).status_code == 302
    cancels = _invites(smtp_inbox)
    assert {to for to, _m, _e in cancels} == _addresses(FIVE)
    for _to, method, event in cancels:
        assert method == "CANCEL" and event["UID"] == uid and event["STATUS"] == "CANCELLED"
        assert event["SEQUENCE"] == 2


def test_cancelling_asks_first_and_sends_nothing_until_confirmed(login_as, db, world, smtp_inbox):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date.today() + timedelta(days=10)))
    smtp_inbox.messages.clear()
    show = client.get(_team_url(world, f"{meeting.id}/")).get_data(as_text=True)
    assert f'href="/teams/{world.johan_team.id}/meetings/{meeting.id}/cancel"' in show  # a link, not a button
    question = client.get(_team_url(world, f"{meeting.id}/cancel")).get_data(as_text=True)
    assert "Weet u het zeker?" in question and "De 5 uitgenodigden krijgen een annulering in hun agenda." in question
    unconfirmed = client.post(_team_url(world, f"{meeting.id}/cancel"))
    assert unconfirmed.status_code == 200 and "Weet u het zeker?" in unconfirmed.get_data(as_text=True)
    db.expire_all()
    assert db.get(Meeting, meeting.id).is_planned and _invites(smtp_inbox) == []
    assert client.post(_team_url(world, f"{meeting.id}/cancel"), data={"confirm": "yes"}).status_code == 302
    db.expire_all()
    assert db.get(Meeting, meeting.id).status == "cancelled"
    assert {method for _to, method, _e in _invites(smtp_inbox)} == {"CANCEL"}


def test_the_invite_is_one_event_with_organiser_attendees_and_the_brussels_timezone(login_as, db, world):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date(2027, 3, 30), start="14:00"))
    response = client.get(_team_url(world, f"{meeting.id}/invite.ics"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    assert calendar["METHOD"] == "REQUEST" and calendar["VERSION"] == "2.0" and calendar["PRODID"]
    [timezone] = calendar.walk("VTIMEZONE")
    assert timezone["TZID"] == "Europe/Brussels"
    assert {c.name for c in timezone.subcomponents} == {"STANDARD", "DAYLIGHT"}
    event = _event(calendar)
    assert event["SUMMARY"] == "MDO zorgteam J.P."
    assert event["UID"] == f"meeting-{meeting.id}@zorgteam"
    assert event.decoded("DTSTAMP").tzinfo is not None
    assert event["SEQUENCE"] == 0
    # 30 March 2027 is summer time: 14:00 in Brussels is 12:00 UTC
    assert event.decoded("DTSTART").astimezone(domain.BRUSSELS).hour == 14
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=60)
    assert event["LOCATION"] == "Bij Johan thuis, Kerkstraat 12, 2440 Geel"
    assert f"/teams/{world.johan_team.id}/meetings/{meeting.id}/" in event["DESCRIPTION"]
    organizer = event["ORGANIZER"]
    assert str(organizer) == "mailto:griet@zorgteam.example" and organizer.params["CN"] == "Griet Hermans"
    attendees = {str(a): a.params for a in event["ATTENDEE"]}
    assert set(attendees) == {f"mailto:{a}" for a in _addresses(FIVE)}
    assert attendees["mailto:griet@zorgteam.example"]["ROLE"] == "CHAIR"
    assert attendees["mailto:els@zorgteam.example"]["ROLE"] == "REQ-PARTICIPANT"
    assert {p["PARTSTAT"] for p in attendees.values()} == {"NEEDS-ACTION"}
    assert attendees["mailto:els@zorgteam.example"]["CN"] == "dr. Els Janssens"
    raw = response.get_data(as_text=True)
    assert not [word for word in HEALTH_WORDS if word.lower() in raw.lower()]


def test_removing_an_invitee_sends_them_a_cancel_and_the_others_an_update(login_as, db, world, smtp_inbox):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date.today() + timedelta(days=5)))
    smtp_inbox.messages.clear()
    keep = [k for k in FIVE if k != "tom"]
    response = client.post(_team_url(world, f"{meeting.id}/edit"), data={
        "kind": "mdo", "day": (date.today() + timedelta(days=5)).isoformat(), "start": "10:00", "duration": "60",
        "place": "Bij Johan thuis, Kerkstraat 12, 2440 Geel", "organiser": str(world.member("griet").id),
        "invitees": [str(world.member(k).id) for k in keep], "version": str(meeting.version)})
    assert response.status_code == 302
    received = {to: (method, event) for to, method, event in _invites(smtp_inbox)}
    method, event = received["tom@zorgteam.example"]
    assert method == "CANCEL" and event["UID"] == meeting.uid and event["SEQUENCE"] == 1
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:tom@zorgteam.example"]
    for key in keep:
        method, event = received[f"{key}@zorgteam.example"]
        assert method == "REQUEST" and event["SEQUENCE"] == 1
        assert "mailto:tom@zorgteam.example" not in {str(a) for a in event["ATTENDEE"]}


def test_a_change_of_only_the_agenda_does_not_bother_the_calendars(login_as, db, world, smtp_inbox):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date.today() + timedelta(days=5)))
    smtp_inbox.messages.clear()
    response = client.post(_team_url(world, f"{meeting.id}/edit"), data={
        "kind": "mdo", "day": (date.today() + timedelta(days=5)).isoformat(), "start": "10:00", "duration": "60",
        "place": "Bij Johan thuis, Kerkstraat 12, 2440 Geel", "organiser": str(world.member("griet").id),
        "invitees": [str(world.member(k).id) for k in FIVE], "version": str(meeting.version),
        "agenda_extra": "Nog een punt"})
    assert response.status_code == 302
    db.expire_all()
    assert smtp_inbox.messages == [] and db.get(Meeting, meeting.id).sequence == 0


def test_a_new_meeting_proposes_the_person_and_representative_and_an_agenda(login_as, world):
    page = login_as("karim").get(_team_url(world, "new")).get_data(as_text=True)
    for key in ("johan", "maria"):
        assert f'value="{world.member(key).id}" checked' in page
    assert f'value="{world.member("tom").id}" checked' not in page
    assert "Weekdoos klaarzetten" in page  # an open agreement
    assert "Premie voor mantelzorgers" in page and "te laat" in page  # Karim's overdue one stands out
    assert "Johan kan 200 meter wandelen" in page  # a care goal due for evaluation


def test_the_agenda_passes_the_consent_filter(db, world):
    team, maria = world.johan_team, world.member("maria")
    add_item(db, team, None, "journal", {"occurred_on": date.today() - timedelta(days=3), "kind": "admission",
                                         "text": "Opname AZ Geel na een val"})
    starts = domain.at_brussels(date.today() + timedelta(days=7), time(14, 0))
    agenda = domain.propose_agenda(db, team, world.member("karim"), starts)
    assert any(item["source"] == "journal" and "Opname AZ Geel" in item["text"] for item in agenda)
    meeting = domain.plan_meeting(db, team, None, kind="mdo", starts_at=starts, place="Thuis", agenda=agenda)
    assert any("Opname AZ Geel" in (i.get("text") or "") for i in domain.visible_agenda(db, meeting, maria))
    set_grant(db, maria, None, "journal", False, method="in_person")
    shown = domain.visible_agenda(db, meeting, maria)
    assert not any("Opname AZ Geel" in (i.get("text") or "") for i in shown)
    assert [i for i in shown if i.get("hidden")] == [{"source": "journal", "hidden": True, "category": "journal"}]
    # a planner who may not see the journal gets no journal items proposed
    assert not any(i["source"] == "journal" for i in domain.propose_agenda(db, team, maria, starts))


def _hold(client, world, meeting, **data):
    return client.post(_team_url(world, f"{meeting.id}/{data.pop('_step')}"), data=data)


def test_a_decision_due_in_the_past_is_refused_as_the_meeting_date_is(login_as, db, world):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date.today()))
    refused = _hold(client, world, meeting, _step="decisions", what="Bloed laten prikken", owner="",
                    due_on=(date.today() - timedelta(days=1)).isoformat(), recurrence="none", care_goal="")
    assert refused.status_code == 422 and "Deze datum ligt in het verleden." in refused.get_data(as_text=True)
    assert db.scalars(select(Agreement).where(Agreement.meeting_id == meeting.id)).all() == []


def test_holding_a_meeting_ends_in_agreements_evaluations_and_the_next_meeting(login_as, db, world, smtp_inbox):
    client = login_as("karim")
    meeting = _meeting(db, _plan(client, world, date.today()))
    smtp_inbox.messages.clear()
    assert client.get(_team_url(world, f"{meeting.id}/hold")).status_code == 200
    modes = {f"mode-{world.member(k).id}": m for k, m in zip(FIVE, ("present", "video", "phone", "present",
                                                                     "excused"))}
    response = _hold(client, world, meeting, _step="minutes", minutes="Besproken: de weekdoos werkt.",
                     version=str(meeting.version), **modes)
    assert response.status_code == 302
    goal = care_goals(db, world.johan_team.id)[0]
    response = client.post(_team_url(world, f"{meeting.id}/goals/{goal.id}/evaluate"),
                           data={"level": "1", "achievement": "improving", "remark": "Beter dan verwacht"})
    assert response.status_code == 302
    response = _hold(client, world, meeting, _step="decisions", what="Nieuwe weekdoos bij de apotheek halen",
                     owner=str(world.member("maria").id), due_on=(date.today() + timedelta(days=3)).isoformat(),
                     recurrence="none", care_goal=str(goal.id))
    assert response.status_code == 302
    # closing without a next meeting is refused, with the reason
    refused = _hold(client, world, meeting, _step="close", day="", no_next_reason="")
    assert refused.status_code == 422 and "Plan eerst het volgende overleg" in refused.get_data(as_text=True)
    next_day = date.today() + timedelta(weeks=8)
    assert _hold(client, world, meeting, _step="close", day=next_day.isoformat(), start="15:00",
                 place="Bij Johan thuis").status_code == 302

    db.expire_all()
    meeting = db.get(Meeting, meeting.id)
    assert meeting.status == "held" and meeting.minutes == "Besproken: de weekdoos werkt."
    assert {i.member.name: i.attendance for i in meeting.invitees}["dr. Els Janssens"] == "video"
    [evaluation] = db.scalars(select(GoalEvaluation).where(GoalEvaluation.meeting_id == meeting.id)).all()
    assert evaluation.level == 1 and evaluation.care_goal_id == goal.id
    [decision] = db.scalars(select(Agreement).where(Agreement.meeting_id == meeting.id)).all()
    assert decision.what == "Nieuwe weekdoos bij de apotheek halen" and decision.owner_id == world.member("maria").id
    following = db.get(Meeting, meeting.next_meeting_id)
    assert following.is_planned and domain.brussels(following.starts_at).date() == next_day
    assert domain.brussels(following.starts_at).hour == 15
    assert {i.member_id for i in following.invitees} == {i.member_id for i in meeting.invitees}
    assert {to for to, method, event in _invites(smtp_inbox) if event["UID"] == following.uid} == _addresses(FIVE)
    raw = db.execute(text("SELECT minutes FROM meetings WHERE id = :id"),
                     {"id": meeting.id.hex}).scalar()
    assert raw is not None and b"weekdoos" not in raw


def test_the_meeting_page_and_report_show_what_was_decided(login_as, world):
    client = login_as("karim")
    team = world.johan_team
    [held] = [m for m in domain.meetings_of(world.session, team.id) if m.status == "held"]
    page = client.get(_team_url(world, f"{held.id}/")).get_data(as_text=True)
    assert "Weekdoos klaarzetten" in page and "Volgend overleg" in page
    report = client.get(_team_url(world, f"{held.id}/report")).get_data(as_text=True)
    assert report.count('class="signature"') == len(held.invitees) == 9
    assert "Premie voor mantelzorgers" in report and "Maria zet de weekdoos klaar" in report


def test_participants_give_feedback_and_the_coordinator_reads_it(login_as, world):
    team = world.johan_team
    [held] = [m for m in domain.meetings_of(world.session, team.id) if m.status == "held"]
    maria = login_as("maria")
    assert maria.post(_team_url(world, f"{held.id}/feedback"),
                      data={"helped": "yes", "change": "Wat vroeger beginnen"}).status_code == 302
    sofie = login_as("sofie")  # excused: did not take part
    assert sofie.get(_team_url(world, f"{held.id}/feedback")).status_code == 302
    assert sofie.post(_team_url(world, f"{held.id}/feedback"), data={"helped": "no"}).status_code == 302
    page = login_as("karim").get(_team_url(world, f"{held.id}/")).get_data(as_text=True)
    assert "Wat vroeger beginnen" in page and "Maria Peeters" in page
    assert world.session.scalars(select(domain.Feedback).where(domain.Feedback.meeting_id == held.id)).all()
    assert len(domain.feedback_of(world.session, held)) == 1


def test_jef_sees_only_meetings_he_is_invited_to_and_never_minutes(login_as, world):
    client = login_as("jef")
    team = world.johan_team
    [held] = [m for m in domain.meetings_of(world.session, team.id) if m.status == "held"]
    listing = client.get(_team_url(world)).get_data(as_text=True)
    assert f"/meetings/{held.id}/" not in listing
    assert client.get(_team_url(world, f"{held.id}/")).status_code == 302
    assert client.get(_team_url(world, f"{held.id}/report")).status_code == 403


def test_the_demo_has_the_held_mdo_and_the_next_one_at_johans_home_with_the_gp_by_video(world):
    team = world.johan_team
    found = domain.meetings_of(world.session, team.id)
    held = next(m for m in found if m.status == "held")
    following = world.session.get(Meeting, held.next_meeting_id)
    assert domain.meeting_day(held) == date.today() - timedelta(weeks=6)
    assert {i.attendance for i in held.invitees} >= {"present", "phone", "excused"} and held.minutes
    assert len(domain.evaluations_of(world.session, held)) == 3
    assert len(domain.decisions_of(world.session, held)) >= 5
    start = domain.brussels(following.starts_at)
    assert start.date() == date.today() + timedelta(weeks=4) and (start.hour, start.minute) == (14, 0)
    assert "Kerkstraat 12" in following.place and following.video_link
    assert following.invitee_of(world.member("els").id).joins == "video"
    checklist = domain.checklist(world.session, following, domain.Thresholds())
    assert {c.key: c.params.get("mode") for c in checklist.checks}["gp_invited"] == "video"


@pytest.mark.parametrize("key", ["karim", "jef"])
def test_the_overview_shows_the_next_meeting(login_as, world, key):
    page = login_as(key).get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert ("Volgend overleg" in page) is (key == "karim")
