"""Agreements in plain words: when it is due ("elke zondag", "morgen", "te laat: was voor vrijdag 1 mei")."""
from __future__ import annotations

from datetime import date, datetime

from flask import g, has_request_context
from flask_babel import format_date, get_locale, to_user_timezone

from zorgteam.translate import gettext as _

DAY = "EEEE d MMMM"


def day_words(day: date, today: date | None = None) -> str:
    """'vandaag', 'morgen' or 'gisteren' with the date, else the weekday and date."""
    offset = (day - (today or date.today())).days
    words = _("vandaag") if offset == 0 else _("morgen") if offset == 1 else _("gisteren") if offset == -1 else None
    written = _written(day)
    return f"{words} ({written})" if words else written


def _written(day: date) -> str:
    """The weekday and date in the current language, formatted once per request for each day and language (a list
    of forty tasks due on a few days asked Babel forty times; a mail to another member, written under
    `force_locale` in the same request, gets its own language)."""
    if not has_request_context():
        return format_date(day, DAY)
    known = g.setdefault("written_days", {})
    key = (str(get_locale()), day)
    if key not in known:
        known[key] = format_date(day, DAY)
    return known[key]


_WEEKDAYS: dict[tuple[str, int], str] = {}  # (locale, weekday) -> its name: seven a language, asked on every card


def _weekday(day: date) -> str:
    """The weekday's name in the current locale (a forced one too: the locale is part of the key)."""
    key = (str(get_locale()), day.weekday())
    if key not in _WEEKDAYS:
        _WEEKDAYS[key] = format_date(day, "EEEE")
    return _WEEKDAYS[key]


def rhythm(agreement) -> str | None:
    """How often it comes back: 'elke zondag', 'elke maand op dag 5'; None for a one-off agreement."""
    if agreement.recurrence == "weekly" and agreement.due_on:
        return _("elke %(weekday)s", weekday=_weekday(agreement.due_on))
    if agreement.recurrence == "monthly" and agreement.due_on:
        anchor = agreement.recurs_from or agreement.due_on
        return _("elke maand op dag %(day)s", day=anchor.day)
    return None


def when(agreement, today: date | None = None) -> str:
    """When it is due, in words: the rhythm and next date of a recurring one, the date of a one-off one."""
    if agreement.due_on is None:
        return _("geen datum")
    day = day_words(agreement.due_on, today)
    if agreement.overdue(today):
        return _("te laat: was voor %(day)s", day=day)
    if agreement.recurrence != "none" and agreement.is_open:
        return _("%(rhythm)s, volgende keer %(day)s", rhythm=rhythm(agreement), day=day)
    return _("tegen %(day)s", day=day)


def next_words(agreement, today: date | None = None) -> str:
    """For one's own task list, where the rhythm is already said: the next date only."""
    if agreement.due_on is None:
        return _("Geen vaste datum")
    day = day_words(agreement.due_on, today)
    if agreement.overdue(today):
        return _("Te laat: was voor %(day)s", day=day)
    if agreement.recurrence != "none":
        return _("Volgende keer: %(day)s", day=day)
    return _("Tegen %(day)s", day=day)


def done_day(completion) -> date:
    """The local (Brussels) day a completion was recorded."""
    return local_day(completion.completed_at)


def local_day(at: datetime) -> date:
    """The local (Brussels) day of a UTC time."""
    return to_user_timezone(at).date()


def done_words(completion, today: date | None = None) -> str:
    """'vandaag (zondag 10 mei), door Maria Peeters'."""
    day = day_words(done_day(completion), today)
    by = completion.completed_by
    return _("%(day)s, door %(name)s", day=day, name=by.name) if by else day
