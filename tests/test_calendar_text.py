"""iCalendar text written directly for the feed (models/calendar_text.py): escaped, folded at 75 octets without
breaking a character, and read back by the `icalendar` library as what was written."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar

from models.calendar_text import day, document, fold, local, text, utc, vtimezone

BRUSSELS = ZoneInfo("Europe/Brussels")


def test_long_lines_fold_at_75_octets_and_never_inside_a_character():
    line = text("DESCRIPTION", "Overleg bij de coördinator, één keer per maand; " * 6)
    folded = fold(line)
    parts = folded.split("\r\n")
    assert len(parts) > 3 and all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if n else p for n, p in enumerate(parts)) == line  # unfolding gives the line back


def test_a_feed_written_directly_reads_back_with_its_values():
    starts = datetime(2026, 12, 3, 14, 0, tzinfo=BRUSSELS)
    raw = document(["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//NL", vtimezone(BRUSSELS), "BEGIN:VEVENT",
                    "UID:a@zorgteam", utc("DTSTAMP", starts), local("DTSTART", starts),
                    text("SUMMARY", "MDO; zorgteam, J.P.\nthuis \\ video"), "END:VEVENT", "BEGIN:VEVENT",
                    "UID:b@zorgteam", utc("DTSTAMP", starts), day("DTSTART", date(2026, 12, 6)), "RRULE:FREQ=WEEKLY",
                    "END:VEVENT", "END:VCALENDAR"])
    calendar = Calendar.from_ical(raw)
    meeting, task = calendar.walk("VEVENT")
    assert meeting.decoded("DTSTART") == starts and str(meeting["DTSTART"].params["TZID"]) == "Europe/Brussels"
    assert str(meeting["SUMMARY"]) == "MDO; zorgteam, J.P.\nthuis \\ video"
    assert meeting.decoded("DTSTAMP") == starts
    assert task.decoded("DTSTART") == date(2026, 12, 6) and task["RRULE"]["FREQ"] == ["WEEKLY"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Brussels"]
