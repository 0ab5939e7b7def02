"""iCalendar text written directly for the feed (models/calendar_text.py): escaped, folded at 75 octets without
breaking a character, and read back by the `icalendar` library as what was written."""
from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from icalendar import Calendar

from models.base import id_text
from models.calendar_text import (day, document, escape, fold, fold_octets, folded_text, local, stream, text, utc,
                                  vtimezone)

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


# --- the fast paths give what the general ones give ---------------------------------------------------------

LINES = ["", "SUMMARY:MDO zorgteam J.P.", "X" * 74, "X" * 75, "X" * 76, "X" * 149, "X" * 150, "Y" * 400,
         "LOCATION:" + "é" * 33, "LOCATION:" + "é" * 34, "DESCRIPTION:" + "a€b😀c" * 40, "a" * 74 + "é" + "b" * 80]


@pytest.mark.parametrize("line", LINES)
def test_folding_an_ascii_line_by_slicing_gives_what_folding_its_octets_gives(line):
    assert fold(line) == fold_octets(line)


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_fold_is_fold_octets_for_any_line(line):
    assert fold(line) == fold_octets(line)
    parts = fold(line).split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts) and "".join(parts) == line


@given(st.text(alphabet=st.sampled_from("ab é\\;,\n\r"), max_size=60) | st.text(max_size=100))
def test_escaping_only_where_a_character_is_found_is_escaping_every_time(value):
    assert escape(value) == (value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
                             .replace("\n", "\\n").replace("\r", ""))


@given(st.text(max_size=300))
def test_folded_text_is_text_folded(value):
    assert folded_text("LOCATION", value) == fold(text("LOCATION", value))


def test_a_pre_folded_text_line_is_what_the_document_folds():
    value = "Bij de coördinator; één keer per maand, \\ thuis\n" * 5
    assert stream([folded_text("DESCRIPTION", value)]) == document([text("DESCRIPTION", value)])


def _moments():
    start = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # across the spring change of Brussels time
    return [start + timedelta(minutes=37 * n, microseconds=n) for n in range(100)] + [
        datetime(1, 1, 1, 12, tzinfo=UTC), datetime(999, 12, 31, 12, tzinfo=UTC), datetime(1000, 1, 1, tzinfo=UTC)]


@pytest.mark.parametrize("moment", _moments())
def test_local_times_and_days_from_isoformat_are_what_strftime_writes(moment):
    there = moment.astimezone(BRUSSELS)
    assert local("DTSTART", there) == f"DTSTART;TZID=Europe/Brussels:{there:%Y%m%dT%H%M%S}"
    assert day("DTSTART", there.date()) == f"DTSTART;VALUE=DATE:{there.date():%Y%m%d}"


def test_an_id_is_written_as_str_writes_it():
    ids = [uuid.uuid4() for _ in range(50)] + [uuid.UUID(int=0), uuid.UUID(int=2**128 - 1)]
    assert [id_text(i) for i in ids] == [str(i) for i in ids] and id_text(None) == "None"
