"""Referrals (verwijzingen): the team asks an organisation on the social map for help with one need, and follows
when that help really started.

Glossary: verwijzing (`Referral`), gevraagd (asked), wachtlijst (waitlisted), gestart (started), gestopt (stopped).
Status flow: asked -> waitlisted -> started -> stopped (a step may be skipped, never taken back). The need and the
note are encrypted under the person's key (they say what help the person needs); the organisation, the status and
its dates stay clear for follow-up. Days from asking to help started: per referral, and per team as the median
of its started referrals (the median, because one referral that waited a year should not hide the usual wait).
"""
from __future__ import annotations

import functools
import statistics
import uuid
from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, select
from sqlalchemy.orm import Mapped, lazyload, mapped_column, relationship

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, param, utcnow
from models.encrypted import Encrypted, PersonData, encrypted_check, encrypted_column
from models.members import Member
from models.permissions import Permission
from models.socialmap.directory import NEEDS, Organisation

STATUSES = ("asked", "waitlisted", "started", "stopped")
OPEN = ("asked", "waitlisted")
DATE_OF = {"asked": "asked_on", "waitlisted": "waitlisted_on", "started": "started_on", "stopped": "stopped_on"}
MAX_NOTE = 1000


class ReferralRule(ValueError):
    """A referral change that is not possible; the message says why, in plain words."""


class Referral(UUIDKey, Versioned, PersonData, Base):
    __tablename__ = "referrals"
    __table_args__ = tuple(c for col in ("need", "note") for c in encrypted_check(col))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="asked")
    asked_on: Mapped[date] = mapped_column(Date)
    waitlisted_on: Mapped[date | None] = mapped_column(Date)
    started_on: Mapped[date | None] = mapped_column(Date)
    stopped_on: Mapped[date | None] = mapped_column(Date)
    referred_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    _need: Mapped[bytes | None] = encrypted_column("need")
    _note: Mapped[bytes | None] = encrypted_column("note")

    need = Encrypted("_need")
    note = Encrypted("_note")

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    referred_by: Mapped[Member | None] = relationship(lazy="joined")

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def days_to_start(self) -> int | None:
        """Days from asking to the help having started; None while it has not started."""
        return (self.started_on - self.asked_on).days if self.started_on else None

    def days_waiting(self, today: date | None = None) -> int | None:
        """Days since asking, while it is still open."""
        return ((today or date.today()) - self.asked_on).days if self.is_open else None

    def next_statuses(self) -> tuple[str, ...]:
        return STATUSES[STATUSES.index(self.status) + 1:]


def _check_date(on: date, earliest: date | None, today: date) -> None:
    if on > today:
        raise ReferralRule("Die datum ligt in de toekomst. Kies vandaag of een dag die al voorbij is.")
    if earliest is not None and on < earliest:
        raise ReferralRule("Die datum ligt vóór de vorige stap van deze verwijzing.")


def refer(session, team, actor: Member | None, organisation: Organisation, *, need: str, asked_on: date,
          note: str | None = None, today: date | None = None) -> Referral:
    """Ask `organisation` for help with `need`. `actor` None: the system (the demo)."""
    if actor is not None:
        actor.require(Permission.REFERRALS_MANAGE)
    if need not in NEEDS:
        raise ReferralRule("Kies waarvoor u doorverwijst.")
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise ReferralRule(f"De notitie is te lang (meer dan {MAX_NOTE} tekens).")
    _check_date(asked_on, None, today or date.today())
    referral = Referral(team_id=team.id, person_id=team.person_id, organisation_id=organisation.id,
                        organisation=organisation, need=need, asked_on=asked_on, note=note, status="asked",
                        referred_by_id=actor.id if actor else None)
    referral.ensure_id()
    session.add(referral)
    audit.record(session, actor, "create", team=team, target=referral, category="referrals")
    return referral


def _last_date(referral: Referral) -> date:
    return max(d for d in (referral.asked_on, referral.waitlisted_on, referral.started_on) if d is not None)


def advance(session, team, referral: Referral, actor: Member | None, seen_version: int, status: str, on: date,
            today: date | None = None) -> Referral:
    """Move the referral on to `status` on the day `on`; refused when someone changed it since `seen_version`."""
    if actor is not None:
        actor.require(Permission.REFERRALS_MANAGE)
    check_version(referral, seen_version)
    if status not in referral.next_statuses():
        raise ReferralRule("Deze stap kan niet meer: een verwijzing gaat alleen vooruit.")
    _check_date(on, _last_date(referral), today or date.today())
    referral.status = status
    setattr(referral, DATE_OF[status], on)
    audit.record(session, actor, "update", team=team, target=referral, category="referrals")
    return referral


@functools.cache  # built once: every team overview asks (with its referrer only on the referrals page)
def _referrals(referrer: bool):
    query = select(Referral).where(Referral.team_id == param("team_id"))
    return query if referrer else query.options(lazyload(Referral.referred_by))


def referrals_of(session, team_id: uuid.UUID, *, referrer: bool = True) -> list[Referral]:
    """The team's referrals: open ones first, then the most recently asked. `referrer=False` leaves out the member
    who referred (and that member's team and person, joined in otherwise): the overview shows no referrer."""
    rows = session.scalars(_referrals(referrer), {"team_id": team_id})
    return sorted(rows, key=lambda r: (not r.is_open, -r.asked_on.toordinal()))


def median_days_to_start(referrals: list[Referral]) -> float | None:
    """The team's usual wait: the median of the days from asking to started, over the referrals that started."""
    days = [r.days_to_start for r in referrals if r.days_to_start is not None]
    return statistics.median(days) if days else None
