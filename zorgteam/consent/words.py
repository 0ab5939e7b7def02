"""Consent in plain words: the history of changes, and what changed under someone's feet on a stale page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from flask_babel import format_date

from zorgteam import labels
from zorgteam.translate import gettext as _


@dataclass
class HistoryLine:
    at: datetime
    text: str
    method: str | None = None
    note: str | None = None
    categories: list[str] = field(default_factory=list)


def _who(member_id, members: dict) -> str:
    member = members.get(member_id)
    return member.name if member is not None else str(labels.SYSTEM)


def _sentence(event, members: dict) -> str:
    who, whom = _who(event.changed_by_id, members), _who(event.member_id, members)
    category = str(labels.CATEGORIES.get(event.category, event.category))
    if event.change == "professionals-only":
        return _("%(who)s maakte %(category)s alleen zichtbaar voor zorgverleners.", who=who, category=category)
    if event.change == "open-to-all":
        return _("%(who)s maakte %(category)s weer zichtbaar voor iedereen met toestemming.", who=who,
                 category=category)
    if event.change == "withdraw":
        return _("%(who)s trok de toegang van %(whom)s tot %(category)s in.", who=who, whom=whom, category=category)
    if event.valid_until:
        return _("%(who)s gaf %(whom)s toegang tot %(category)s, tot en met %(until)s.", who=who, whom=whom,
                 category=category, until=format_date(event.valid_until, "d MMMM yyyy"))
    return _("%(who)s gaf %(whom)s toegang tot %(category)s.", who=who, whom=whom, category=category)


def history_lines(events, members: dict) -> list[HistoryLine]:
    """The consent history, newest first; the defaults a member started with are one line per member."""
    lines: list[HistoryLine] = []
    defaults: dict = {}
    for event in events:
        if event.method == "default" and getattr(members.get(event.member_id), "role", None) == "person":
            continue  # the person always sees everything of their own
        if event.method == "default" and event.member_id is not None:
            line = defaults.get(event.member_id)
            if line is None:
                line = defaults[event.member_id] = HistoryLine(event.changed_at, "")
                lines.append(line)
            line.categories.append(event.category)
            named = [str(label) for key, label in labels.CATEGORIES.items() if key in line.categories]
            line.text = _("%(whom)s kreeg bij het begin de standaardtoegang voor de eigen rol: %(categories)s.",
                          whom=_who(event.member_id, members), categories=", ".join(named))
            continue
        lines.append(HistoryLine(event.changed_at, _sentence(event, members),
                                 str(labels.CONSENT_METHODS.get(event.method, event.method)), event.note))
    return lines


def cell_words(key: str, token: str | None, members: dict) -> str:
    """'Tom Wouters: Medicatie: nu niet gedeeld' for one snapshot key and its current value."""
    subject, _sep, category = key.partition(":")
    label = str(labels.CATEGORIES.get(category, category))
    if subject == "limited":
        state = _("nu alleen voor zorgverleners") if token == "1" else _("nu voor iedereen met toestemming")
        return f"{label}: {state}"
    member = members.get(subject)
    name = member.name if member is not None else _("een vroeger teamlid")
    if token is None:
        return _("%(name)s is geen lid meer van het zorgteam.", name=name)
    until = date.fromisoformat(token[2:]) if token.startswith("1:") else None
    if token == "1" or (until and until >= date.today()):
        state = _("nu gedeeld tot en met %(until)s", until=format_date(until, "d MMMM yyyy")) if until else \
            _("nu gedeeld")
    else:
        state = _("nu niet gedeeld")
    return f"{name}: {label}: {state}"
