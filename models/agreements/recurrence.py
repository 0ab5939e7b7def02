"""When a recurring agreement comes back: weekly on the same weekday, monthly on the same day of the month."""
from __future__ import annotations

import calendar
from datetime import date, timedelta

from models.agreements.model import Agreement


def next_occurrence(agreement: Agreement, after: date) -> date:
    """The first date of the agreement's series strictly after `after` (weekly: same weekday; monthly: same day,
    or the month's last day when it is shorter)."""
    anchor = agreement.recurs_from or agreement.due_on or after
    if agreement.recurrence == "weekly":
        return after + timedelta(days=7 - (after - anchor).days % 7)
    months = (after.year - anchor.year) * 12 + after.month - anchor.month
    while (candidate := _add_months(anchor, months)) <= after:
        months += 1
    return candidate


def _add_months(anchor: date, months: int) -> date:
    year, month = divmod(anchor.month - 1 + months, 12)
    year, month = anchor.year + year, month + 1
    return date(year, month, min(anchor.day, calendar.monthrange(year, month)[1]))
