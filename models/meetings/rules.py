"""The rules checklist of the reimbursable kinds (DOMAIN.md, "MDO meetings"): each rule a line with its reason.

It warns and never blocks: the web layer shows it before and after the meeting. Counts and intervals change
yearly, so they come from the configuration (`Thresholds.from_settings`), never from this code.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import timedelta

from sqlalchemy import select

from models.meetings.planning import brussels
from models.meetings.records import Invitee, Meeting
from models.members import Member
from models.permissions import Role

OK, MISSING, UNKNOWN = "ok", "missing", "unknown"
PROVIDER_ROLES = (Role.PROFESSIONAL, Role.CASE_MANAGER)  # the organiser convenes; they do not count


@dataclass(frozen=True)
class Thresholds:
    mdo_min_disciplines: int = 3
    mdo_interval_days: int = 365
    mdo_return_home_days: int = 8
    gdt_min_providers: int = 3
    gdt_max_paid_providers: int = 4
    gdt_per_calendar_year: int = 1

    @classmethod
    def from_settings(cls, settings) -> Thresholds:
        return cls(**{f.name: getattr(settings, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class Check:
    """One line: `key` names the rule, `state` is ok, missing or unknown (not recorded yet), `params` the reason."""

    key: str
    state: str
    params: dict = field(default_factory=dict)


@dataclass
class Checklist:
    kind: str
    after: bool  # judged on who took part (after the meeting) rather than who is invited
    checks: list[Check]

    @property
    def applies(self) -> bool:
        return bool(self.checks)

    @property
    def reimbursable(self) -> bool:
        return self.applies and all(c.state == OK for c in self.checks)

    @property
    def open_points(self) -> list[Check]:
        return [c for c in self.checks if c.state != OK]


def _participants(meeting: Meeting, after: bool) -> list[Invitee]:
    return [i for i in meeting.invitees if (i.took_part if after else i.attendance not in ("excused", "absent"))]


def _providers(meeting: Meeting, people: list[Invitee]) -> list[Member]:
    """Care providers that count: professionals, not the organiser, not the person, carers or volunteers."""
    return [i.member for i in people if i.member.role in PROVIDER_ROLES and i.member_id != meeting.organiser_id]


def _disciplines(providers: list[Member]) -> list[str]:
    return sorted({m.discipline or "other" for m in providers})


def _earlier(session, meeting: Meeting, since) -> list[Meeting]:
    return list(session.scalars(select(Meeting).where(
        Meeting.team_id == meeting.team_id, Meeting.kind == meeting.kind, Meeting.id != meeting.id,
        Meeting.status != "cancelled", Meeting.starts_at < meeting.starts_at, Meeting.starts_at >= since)
        .order_by(Meeting.starts_at.desc())))


def _residence(facts: dict, t: Thresholds) -> Check:
    residence = facts.get("residence")
    if residence is None:
        return Check("residence", UNKNOWN)
    state = MISSING if residence == "nursing_home" else OK
    return Check("residence", state, {"residence": residence, "days": t.mdo_return_home_days})


def _gp(meeting: Meeting, people: list[Invitee], after: bool) -> Check:
    accepted = {"gp", "psychiatrist"} if (meeting.facts or {}).get("psychiatric") else {"gp"}
    found = [i for i in people if i.member.discipline in accepted]
    if not found:
        return Check("gp_taking_part" if after else "gp_invited", MISSING, {"psychiatric": len(accepted) > 1})
    return Check("gp_taking_part" if after else "gp_invited", OK,
                 {"name": found[0].member.name, "mode": found[0].attendance if after else found[0].joins})


def _consent(facts: dict) -> Check:
    given = facts.get("consent")
    return Check("consent", OK if given in ("form", "declaration") else UNKNOWN, {"consent": given})


def _mdo(session, meeting: Meeting, t: Thresholds, after: bool) -> list[Check]:
    people = _participants(meeting, after)
    disciplines = _disciplines(_providers(meeting, people))
    enough = len(disciplines) >= t.mdo_min_disciplines
    earlier = _earlier(session, meeting, meeting.starts_at - timedelta(days=t.mdo_interval_days))
    frequency = Check("interval", OK, {"days": t.mdo_interval_days})
    if earlier:
        frequency = Check("interval", MISSING, {"days": t.mdo_interval_days, "previous": brussels(
            earlier[0].starts_at).date(), "from": brussels(earlier[0].starts_at).date() + timedelta(
            days=t.mdo_interval_days)})
    return [_residence(meeting.facts or {}, t),
            Check("disciplines", OK if enough else MISSING,
                  {"count": len(disciplines), "minimum": t.mdo_min_disciplines, "disciplines": disciplines}),
            _gp(meeting, people, after), _consent(meeting.facts or {}), frequency]


def _home_nurse(facts: dict, people: list[Invitee]) -> Check:
    nursing = facts.get("home_nursing")
    if nursing is None:
        return Check("home_nurse", UNKNOWN)
    present = any(i.member.discipline == "home_nurse" for i in people)
    return Check("home_nurse", OK if present or not nursing else MISSING, {"home_nursing": nursing})


def _gdt(session, meeting: Meeting, t: Thresholds, after: bool, decisions: int) -> list[Check]:
    people = _participants(meeting, after)
    facts = meeting.facts or {}
    providers = _providers(meeting, people)
    paid = sum(1 for i in meeting.invitees if i.paid)
    year = brussels(meeting.starts_at).year
    start_of_year = brussels(meeting.starts_at).replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
    earlier = len(_earlier(session, meeting, start_of_year))
    katz = facts.get("katz_score")
    return [Check("providers", OK if len(providers) >= t.gdt_min_providers else MISSING,
                  {"count": len(providers), "minimum": t.gdt_min_providers}),
            _gp(meeting, people, after), _home_nurse(facts, people),
            Check("katz", UNKNOWN if katz is None else OK, {"score": katz}),
            Check("task_agreements", OK if decisions else (MISSING if after else UNKNOWN), {"count": decisions}),
            Check("paid_providers", OK if paid <= t.gdt_max_paid_providers else MISSING,
                  {"count": paid, "maximum": t.gdt_max_paid_providers}),
            Check("calendar_year", OK if earlier < t.gdt_per_calendar_year else MISSING,
                  {"year": year, "maximum": t.gdt_per_calendar_year})]


def checklist(session, meeting: Meeting, thresholds: Thresholds, *, decisions: int = 0) -> Checklist:
    """The checklist of `meeting`: on the invitees before it is held, on who took part afterwards."""
    after = meeting.status == "held" or any(i.attendance for i in meeting.invitees)
    if meeting.kind == "mdo":
        return Checklist(meeting.kind, after, _mdo(session, meeting, thresholds, after))
    if meeting.kind == "gdt":
        return Checklist(meeting.kind, after, _gdt(session, meeting, thresholds, after, decisions))
    return Checklist(meeting.kind, after, [])
