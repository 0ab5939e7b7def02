"""iCalendar (RFC 5545) content lines written directly: the personal feed has hundreds of events, and building
each as an `icalendar` object costs most of the feed's time. Single invites keep using `icalendar`.

Each helper returns one unfolded content line; `document` folds them at 75 octets and joins them with CRLF.
"""
from __future__ import annotations

import functools
from datetime import date, datetime, timezone

from icalendar import Calendar, Event


def text(name: str, value: str) -> str:
    """A TEXT property, escaped."""
    return f"{name}:{escape(value)}"


def escape(value: str) -> str:
    """Backslash, semicolon, comma and newline escaped, CR dropped. Each replace only when the character is
    there: most values hold none or one of them, and `in` costs a third of a replace that finds nothing (replace,
    in this order, is itself several times faster than str.translate with a table)."""
    if "\\" in value:
        value = value.replace("\\", "\\\\")
    if ";" in value:
        value = value.replace(";", "\\;")
    if "," in value:
        value = value.replace(",", "\\,")
    if "\n" in value:
        value = value.replace("\n", "\\n")
    return value.replace("\r", "") if "\r" in value else value


def utc(name: str, moment: datetime) -> str:
    return f"{name}:{moment.astimezone(timezone.utc):%Y%m%dT%H%M%SZ}"


def local(name: str, moment: datetime) -> str:
    """A date-time in its own time zone (a zoneinfo key such as Europe/Brussels), with TZID. Formatted with %,
    a quarter of strftime's cost; strftime for years before 1000, which it pads differently (or not at all)."""
    if moment.year < 1000:
        return f"{name};TZID={moment.tzinfo.key}:{moment:%Y%m%dT%H%M%S}"
    return f"{name};TZID={moment.tzinfo.key}:" + "%04d%02d%02dT%02d%02d%02d" % (
        moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def day(name: str, value: date) -> str:
    """A DATE value (an all-day event), from `isoformat` as `local` is (strftime before the year 1000)."""
    if value.year < 1000:
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    return f"{name};VALUE=DATE:{value.isoformat().replace('-', '')}"


@functools.cache
def vtimezone(tzinfo) -> str:
    """The VTIMEZONE block of a zoneinfo time zone, as `icalendar` writes it (computed once)."""
    calendar = Calendar()
    event = Event()
    event.add("dtstart", datetime(2000, 1, 1, tzinfo=tzinfo))
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.walk("VTIMEZONE")[0].to_ical().decode().rstrip("\r\n")


def fold(line: str) -> str:
    """Fold a content line at 75 octets (continuation lines start with a space), never inside a UTF-8 character.
    An ASCII line has one octet per character, so it is cut by slicing the text (most lines: no encoding)."""
    if line.isascii():
        if len(line) <= 75:
            return line
        return "\r\n ".join([line[:75]] + [line[start:start + 74] for start in range(75, len(line), 74)])
    return fold_octets(line)


def fold_octets(line: str) -> str:
    """`fold` of any line, counting the octets of its UTF-8 encoding."""
    raw = line.encode()
    if len(raw) <= 75:
        return line
    parts, start, limit = [], 0, 75
    while start < len(raw):
        end = min(start + limit, len(raw))
        while end < len(raw) and raw[end] & 0xC0 == 0x80:  # a continuation byte: cut before its character
            end -= 1
        parts.append(raw[start:end].decode())
        start, limit = end, 74
    return "\r\n ".join(parts)


def folded_text(name: str, value: str) -> str:
    """A TEXT property, escaped and folded: a line of a pre-folded block (`fold`'s short ASCII case inlined: a
    feed writes 900 of them)."""
    line = f"{name}:{escape(value)}"
    return line if len(line) <= 75 and line.isascii() else fold(line)


def document(lines: list[str]) -> bytes:
    """The folded lines as an iCalendar stream (a pre-folded block, such as a VTIMEZONE, passes unchanged). Most
    lines are short and ASCII, so shorter than 75 octets without encoding them: they are not even handed to `fold`."""
    return stream([line if (len(line) <= 75 and line.isascii()) or "\r\n" in line else fold(line)
                   for line in lines])


def stream(blocks: list[str]) -> bytes:
    """Folded lines or blocks of them (each without its final CRLF) as an iCalendar stream."""
    return ("\r\n".join(blocks) + "\r\n").encode()
