"""The personal calendar feed and the reminders.

The feed: created, rotated and revoked at /account/calendar; the token shown once and stored hashed; the feed lists
only the user's own meetings and agreement due dates, across their teams, without health details (Jef's feed has
his Sunday drives and no meeting he is not invited to). Reminders: `flask notify` mails each reminder once, over a
real SMTP server.
"""
from __future__ import annotations

import hashlib
import re
from datetime import date, datetime, time, timedelta

from icalendar import Calendar
from sqlalchemy import func, select, text

from models import Agreement, AuditEvent, CalendarFeed
from models import meetings as domain
from models.agreements import add_agreement
from models.base import utcnow
from models.calendar import meeting_ics
from models.demo import PASSWORD
from tests.test_accounts import smtp_at, smtp_inbox  # noqa: F401  (fixtures: a real SMTP server)

HEALTH_WORDS = ("COPD", "Alzheimer", "Donepezil", "Seretide", "Salbutamol", "penicilline", "inhalatie",
                "weekdoos", "duivenclub", "Johan Peeters", "Wandeloefening", "mantelzorgers")


def _create_feed(client) -> str:
    page = client.post("/account/calendar", data={"action": "create"}).get_data(as_text=True)
    return re.search(r'value="(http://zorgteam\.test/calendar/[^"]+\.ics)"', page).group(1)


def _path(url: str) -> str:
    return url.removeprefix("http://zorgteam.test")


def _feed(app, url: str):
    response = app.test_client().get(_path(url))  # a calendar program: no login, no cookies
    return response, (Calendar.from_ical(response.data) if response.status_code == 200 else None)


def test_jefs_feed_shows_his_sunday_drives_and_nothing_else(app, login_as, db, world):
    url = _create_feed(login_as("jef"))
    response, calendar = _feed(app, url)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = calendar.walk("VEVENT")
    drive = next(a for a in db.scalars(select(Agreement).where(Agreement.owner_id == world.member("jef").id)))
    assert [e["UID"] for e in events] == [f"agreement-{drive.id}@zorgteam"]
    [sunday] = events
    assert sunday.decoded("DTSTART").weekday() == 6 and sunday.decoded("DTSTART") == drive.due_on
    assert sunday["RRULE"]["FREQ"] == ["WEEKLY"]
    assert sunday["SUMMARY"] == "Taak voor zorgteam J.P."
    raw = response.get_data(as_text=True)
    assert not [w for w in HEALTH_WORDS if w.lower() in raw.lower()]
    # invited to a meeting, he sees it; one he is not invited to stays out
    team = world.johan_team
    starts = domain.at_brussels(date.today() + timedelta(days=3), time(9, 0))
    mine = domain.plan_meeting(db, team, None, kind="team", starts_at=starts, place="Bij Johan thuis",
                               invitees=[world.member("jef")])
    other = domain.plan_meeting(db, team, None, kind="team", starts_at=starts, place="Bij Johan thuis",
                                invitees=[world.member("maria")])
    db.commit()
    uids = {e["UID"] for e in _feed(app, url)[1].walk("VEVENT")}
    assert mine.uid in uids and other.uid not in uids


def test_karims_feed_has_the_next_mdo_in_brussels_time_and_his_overdue_task(app, login_as, world):
    url = _create_feed(login_as("karim"))
    response, calendar = _feed(app, url)
    held, following = _demo_meetings(world)
    events = {e["UID"]: e for e in calendar.walk("VEVENT")}
    assert following.uid in events and held.uid in events
    event = events[following.uid]
    assert event["SUMMARY"] == "MDO zorgteam J.P." and str(event["DTSTART"].params["TZID"]) == "Europe/Brussels"
    assert (event.decoded("DTSTART").hour, event.decoded("DTSTART").minute) == (14, 0)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
    overdue = [e for e in events.values() if e["UID"].startswith("agreement-")]
    assert any(e.decoded("DTSTART") < date.today() for e in overdue)
    raw = response.get_data(as_text=True)
    assert not [w for w in HEALTH_WORDS if w.lower() in raw.lower()]


def _demo_meetings(world):
    found = domain.meetings_of(world.session, world.johan_team.id)
    held = next(m for m in found if m.status == "held")
    return held, world.session.get(domain.Meeting, held.next_meeting_id)


def test_a_feed_event_says_what_the_invite_says_folded_at_75_octets(app, login_as, db, world):
    """The feed writes its events directly (not with `icalendar`): a long place with accents, commas and
    semicolons, and a video link, read back the same as in the meeting's invite; every line at most 75 octets;
    and the feed's read is audited once."""
    url = _create_feed(login_as("karim"))
    place = " / ".join(["Woonzorgcentrum Sint-Jozef, zaal 'De Linde'; één verdieping hoger, naast de cafétaria"] * 2)
    starts = domain.at_brussels(date.today() + timedelta(days=5), time(10, 30))
    meeting = domain.plan_meeting(db, world.johan_team, None, kind="mdo", starts_at=starts, duration_minutes=90,
                                  place=place, video_link="https://video.example/zorg?kamer=12;a,b",
                                  invitees=[world.member("karim")])
    db.commit()
    reads = _feed_reads(db)
    response, calendar = _feed(app, url)
    assert _feed_reads(db) == reads + 1
    [event] = [e for e in calendar.walk("VEVENT") if e["UID"] == meeting.uid]
    [invite] = Calendar.from_ical(meeting_ics(db, meeting, "http://zorgteam.test")).walk("VEVENT")
    for name in ("SUMMARY", "LOCATION", "DESCRIPTION", "URL", "SEQUENCE", "STATUS", "TRANSP"):
        assert event[name] == invite[name], name
    assert event.decoded("DTSTART") == starts and event.decoded("DTEND") == starts + timedelta(minutes=90)
    assert str(event["LOCATION"]) == place
    assert all(len(line) <= 75 for line in response.data.split(b"\r\n"))


def _feed_reads(db) -> int:
    return db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.category == "calendar-feed", AuditEvent.action == "read"))


def test_the_token_is_shown_once_and_stored_hashed(login_as, db, world):
    client = login_as("maria")
    url = _create_feed(client)
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    [feed] = db.scalars(select(CalendarFeed).where(CalendarFeed.user_id == world.user("maria").id)).all()
    assert feed.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = " ".join(str(row) for row in db.execute(text("SELECT * FROM calendar_feeds")))
    assert token not in stored
    again = client.get("/account/calendar").get_data(as_text=True)
    assert token not in again and "U hebt een agenda-feed sinds" in again


def test_rotating_stops_the_old_url_and_revoking_stops_all(app, login_as):
    client = login_as("tom")
    old = _create_feed(client)
    assert _feed(app, old)[0].status_code == 200
    new = _path(re.search(r'value="(http://zorgteam\.test/calendar/[^"]+)"', client.post(
        "/account/calendar", data={"action": "rotate"}).get_data(as_text=True)).group(1))
    assert new != _path(old)
    assert _feed(app, old)[0].status_code == 404 and _feed(app, new)[0].status_code == 200
    assert client.post("/account/calendar", data={"action": "revoke"}).status_code == 200
    assert _feed(app, new)[0].status_code == 404
    assert app.test_client().get("/calendar/not-a-token.ics").status_code == 404


def test_the_feed_follows_membership(app, login_as, world):
    url = _create_feed(login_as("lotte"))
    assert _feed(app, url)[1].walk("VEVENT")
    assert login_as("karim").post(f"/teams/{world.johan_team.id}/members/{world.member('lotte').id}/end",
                                  data={"confirm": "yes"}).status_code == 302
    assert _feed(app, url)[1].walk("VEVENT") == []


def test_the_account_page_needs_a_login(app):
    response = app.test_client().get("/account/calendar")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# Reminders

def _notify(app):
    return app.test_cli_runner().invoke(args=["notify"])


def test_notify_reminds_each_once_over_smtp(app, database, db, world, smtp_inbox):
    team = world.johan_team
    tomorrow = date.today() + timedelta(days=1)
    add_agreement(db, team, None, what="Boodschappen doen", owner=world.member("an"), due_on=tomorrow)
    soon = domain.plan_meeting(db, team, None, kind="team", place="Bij Johan thuis",
                               starts_at=utcnow() + timedelta(hours=20),
                               invitees=[world.member("els"), world.member("maria")])
    later = domain.plan_meeting(db, team, None, kind="team", place="Bij Johan thuis",
                                starts_at=utcnow() + timedelta(hours=30), invitees=[world.member("sofie")])
    db.commit()
    result = _notify(app)
    assert result.exit_code == 0, result.output
    received = {(to[0], mail["Subject"]) for to, mail in smtp_inbox.messages}
    recipients = {to for to, _subject in received}
    assert {"an@zorgteam.example", "karim@zorgteam.example", "els@zorgteam.example",
            "maria@zorgteam.example"} <= recipients
    assert "sofie@zorgteam.example" not in recipients  # her meeting is more than a day away
    assert ("karim@zorgteam.example", "Taak te laat (zorgteam J.P.)") in received
    assert any(to == "els@zorgteam.example" and subject.startswith("Morgen: Teamoverleg zorgteam J.P.")
               for to, subject in received)
    for _to, mail in smtp_inbox.messages:
        body = mail.get_content()
        assert not [w for w in HEALTH_WORDS if w.lower() in body.lower()] and "Boodschappen" not in body
    count = len(smtp_inbox.messages)
    assert _notify(app).exit_code == 0
    assert len(smtp_inbox.messages) == count  # nothing twice
    assert soon.uid and later.uid
