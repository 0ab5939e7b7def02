"""The person's complete record as one JSON document (GDPR access and portability), described by
docs/export-schema.json; models/fhir.py turns the same document into a FHIR Bundle.

Glossary: gegevens meenemen (export), toegangslog (access log: who viewed what, when).
Every table about the person is a `Section`: its rows are written column by column (encrypted columns under their
plaintext name), so a new column is exported without further work, and tests/test_export.py fails when a new
table about the person is not one of the sections. The member who downloads the record gets what they may see
in Zorgteam (the consent filter, the audience of messages, the agenda items of meetings); the command line, for a
formal request handled by the operator, gets everything. Exporting is audited.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from sqlalchemy import inspect, or_, select

from models import audit, fhir
from models.agreements import Agreement, AgreementCompletion, may_view
from models.audit import AuditEvent
from models.base import utcnow
from models.consent import CategorySetting, ConsentEvent, ConsentGrant, visible_categories
from models.encrypted import encrypted_attributes
from models.goals import CareGoal, GoalEvaluation, GoalProfile, HealthScoring, LifeGoal
from models.info import InfoItem
from models.meetings.planning import visible_agenda
from models.meetings.records import Feedback, Invitee, Meeting
from models.meetings.reminders import SentReminder
from models.members import Member
from models.messages import Message, MessageRead, may_read, root_of
from models.people import Person
from models.revisions import Restriction, Revision
from models.permissions import Permission
from models.socialmap.referrals import Referral
from models.teams import CareTeam, DesignationRecord

FORMATS = ("json", "fhir")
FORMAT = "zorgteam-export"
VERSION = 1
# Columns left out, and why: a blind index is a keyed hash for look-ups, not information about the person; the
# audit trail's network details and chain codes concern the system and whoever looked, not the person.
OMITTED = {"persons": frozenset({"insz_index"}),
           "audit_events": frozenset({"mac", "ip", "request_id"})}


def plain(value):
    """A column value as JSON: ids and moments as text (ISO 8601, UTC), everything else as it is."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return value


def exported_fields(model) -> dict[str, str]:
    """Column name -> the name it has in the export (the plaintext attribute for an encrypted column)."""
    mapper = inspect(model)
    encrypted = {attr.column_attr: attr.name for attr in encrypted_attributes(model)}
    omitted = OMITTED.get(model.__tablename__, frozenset())
    return {prop.columns[0].name: encrypted.get(prop.key, prop.key) for prop in mapper.column_attrs
            if prop.columns[0].name not in omitted}


def as_record(row) -> dict:
    """Every exported column of `row`, decrypted."""
    return {name: plain(getattr(row, name)) for name in exported_fields(type(row)).values()}


# --- what each section holds, and what the member who downloads it may see -------------------------------------

def _of_team(model):
    return lambda team: select(model).where(model.team_id == team.id)


def _of_members(model):
    return lambda team: select(model).where(model.member_id.in_(select(Member.id).where(Member.team_id == team.id)))


def _of_meetings(model):
    return lambda team: select(model).join(Meeting, Meeting.id == model.meeting_id).where(Meeting.team_id == team.id)


def _revisions(team):
    return select(Revision).where(Revision.person_id == team.person_id)


def _access_log(team):
    return select(AuditEvent).where(or_(AuditEvent.team_id == team.id, AuditEvent.person_id == team.person_id))


@dataclass
class Reader:
    """Who the document is for (`viewer` None: the operator) and what they may see, looked up once."""

    session: object
    team: CareTeam
    viewer: Member | None

    @cached_property
    def categories(self) -> frozenset[str]:
        return visible_categories(self.session, self.viewer)

    @cached_property
    def members_by_user(self) -> dict:
        rows = self.session.scalars(select(Member).where(Member.team_id == self.team.id,
                                                         Member.user_id.is_not(None)))
        return {m.user_id: m for m in rows}


def _shared_with(reader: Reader, item: InfoItem) -> bool:
    return item.category in reader.categories


def _message_for(reader: Reader, message: Message) -> bool:
    """As in the thread, decided on its first message: professionals-only messages reach professionals and their
    author, a direct message its author and recipient; a reported medication problem whoever may see the medication."""
    return may_read(reader.viewer, root_of(reader.session, message), reader.categories)


def _agreement_for(reader: Reader, row) -> bool:
    agreement = row if isinstance(row, Agreement) else reader.session.get(Agreement, row.agreement_id)
    return may_view(reader.viewer, agreement)


def _revision_for(reader: Reader, revision: Revision) -> bool:
    """A previous value is shown to whoever may see the record now: the identity, or the item's category."""
    if revision.table_name == "info_items":
        item = reader.session.get(InfoItem, revision.record_id)
        return item is not None and item.category in reader.categories
    return reader.viewer.may(Permission.PERSON_VIEW_IDENTITY)


def _info_shape(reader: Reader, item: InfoItem, record: dict) -> dict:
    record["removed"] = item.removed_at is not None
    return record


def _meeting_shape(reader: Reader, meeting: Meeting, record: dict) -> dict:
    """Agenda items from a category the viewer may not see keep their place, without their content."""
    if reader.viewer is not None:
        record["agenda"] = visible_agenda(reader.session, meeting, reader.viewer)
    return record


def _log_shape(reader: Reader, event: AuditEvent, record: dict) -> dict:
    """Who it was in plain words: the member behind the account (an outsider or the system has none)."""
    member = reader.members_by_user.get(event.actor_id)
    record["actor_name"] = member.name if member is not None else None
    record["actor_member_id"] = str(member.id) if member is not None else None
    return record


def _referral_shape(reader: Reader, referral: Referral, record: dict) -> dict:
    """The organisation by name: the directory itself is public and not part of the record."""
    record["organisation_name"] = referral.organisation.name
    return record


@dataclass(frozen=True)
class Section:
    """One list in the document: the rows of `model` about the team's person, oldest first."""

    name: str
    model: type
    query: Callable
    order: Callable
    permission: Permission | None = None  # without it, the member who downloads gets an empty list
    keep: Callable | None = None  # (reader, row) -> bool: the app's own filter for the member who downloads
    shape: Callable | None = None  # (reader, row, record) -> record: derived fields


SECTIONS: tuple[Section, ...] = (
    Section("members", Member, _of_team(Member), lambda: (Member.started_on, Member.id)),
    Section("designations", DesignationRecord, _of_team(DesignationRecord), lambda: (DesignationRecord.started_at,)),
    Section("goal_profiles", GoalProfile, _of_team(GoalProfile), lambda: (GoalProfile.updated_at,),
            Permission.GOALS_VIEW),
    Section("life_goals", LifeGoal, _of_team(LifeGoal), lambda: (LifeGoal.position, LifeGoal.expressed_on),
            Permission.GOALS_VIEW),
    Section("care_goals", CareGoal, _of_team(CareGoal), lambda: (CareGoal.created_at,), Permission.GOALS_VIEW),
    Section("goal_evaluations", GoalEvaluation, _of_team(GoalEvaluation),
            lambda: (GoalEvaluation.evaluated_on, GoalEvaluation.created_at), Permission.GOALS_VIEW),
    Section("health_scorings", HealthScoring, _of_team(HealthScoring),
            lambda: (HealthScoring.scored_on, HealthScoring.created_at), Permission.GOALS_VIEW),
    Section("information", InfoItem, _of_team(InfoItem), lambda: (InfoItem.category, InfoItem.created_at),
            Permission.INFO_VIEW, _shared_with, _info_shape),
    Section("category_settings", CategorySetting, _of_team(CategorySetting), lambda: (CategorySetting.category,)),
    Section("consent_grants", ConsentGrant, _of_team(ConsentGrant),
            lambda: (ConsentGrant.member_id, ConsentGrant.category), Permission.CONSENT_MANAGE),
    Section("consent_history", ConsentEvent, _of_team(ConsentEvent), lambda: (ConsentEvent.changed_at,),
            Permission.CONSENT_MANAGE),
    Section("messages", Message, _of_team(Message), lambda: (Message.posted_at,), Permission.MESSAGES_VIEW,
            _message_for),
    Section("message_reads", MessageRead, _of_members(MessageRead), lambda: (MessageRead.read_up_to,),
            Permission.MESSAGES_VIEW),
    Section("agreements", Agreement, _of_team(Agreement), lambda: (Agreement.created_at,),
            Permission.AGREEMENTS_VIEW, _agreement_for),
    Section("agreement_completions", AgreementCompletion, _of_team(AgreementCompletion),
            lambda: (AgreementCompletion.completed_at,), Permission.AGREEMENTS_VIEW, _agreement_for),
    Section("referrals", Referral, _of_team(Referral), lambda: (Referral.asked_on, Referral.created_at),
            Permission.REFERRALS_VIEW, shape=_referral_shape),
    Section("meetings", Meeting, _of_team(Meeting), lambda: (Meeting.starts_at,), Permission.MEETINGS_READ,
            shape=_meeting_shape),
    Section("meeting_invitees", Invitee, _of_meetings(Invitee), lambda: (Invitee.created_at,),
            Permission.MEETINGS_VIEW),
    Section("meeting_feedback", Feedback, _of_meetings(Feedback), lambda: (Feedback.answered_at,),
            Permission.MEETINGS_READ),
    Section("sent_reminders", SentReminder, _of_members(SentReminder), lambda: (SentReminder.sent_at,)),
    Section("revisions", Revision, _revisions, lambda: (Revision.replaced_at,), keep=_revision_for),
    Section("restrictions", Restriction, _of_team(Restriction), lambda: (Restriction.requested_at,)),
    Section("access_log", AuditEvent, _access_log, lambda: (AuditEvent.seq,), Permission.ACCESS_LOG_VIEW,
            shape=_log_shape),
)
# Every table the document covers: the person and the team themselves, and one per section.
TABLES = frozenset({Person.__tablename__, CareTeam.__tablename__} | {s.model.__tablename__ for s in SECTIONS})


def _rows(reader: Reader, section: Section) -> list[dict]:
    viewer = reader.viewer
    if viewer is not None and section.permission is not None and not viewer.may(section.permission):
        return []
    found = []
    for row in reader.session.scalars(section.query(reader.team).order_by(*section.order())):
        if viewer is not None and section.keep is not None and not section.keep(reader, row):
            continue
        record = as_record(row)
        found.append(section.shape(reader, row, record) if section.shape else record)
    return found


def _person(person: Person) -> dict:
    record = as_record(person)
    record["insz"] = person.insz  # also in the usual notation, 47.03.12-123.40
    return record


def _exported_by(viewer) -> dict | None:
    if viewer is None:
        return None
    return {"member_id": str(viewer.id), "name": viewer.name, "role": viewer.role}


def export_record(session, team: CareTeam, actor: Member | None, *, fmt: str = "json") -> dict:
    """The complete record of the team's person, as `actor` may see it (None: the operator, everything)."""
    if actor is not None:
        actor.require(Permission.RECORD_EXPORT)
    audit.record(session, actor, "export", team=team, target=team.person, category=f"record:{fmt}")
    session.flush()
    reader = Reader(session, team, actor)
    document = {"format": FORMAT, "version": VERSION, "exported_at": plain(utcnow().replace(microsecond=0)),
                "exported_by": _exported_by(actor), "scope": "everything" if actor is None else "as-seen-by-member",
                "person": _person(team.person), "team": as_record(team)}
    for section in SECTIONS:
        document[section.name] = _rows(reader, section)
    return document


def export_text(session, team: CareTeam, actor: Member | None, fmt: str) -> str:
    """The record as text: our JSON document, or (`fhir`) a FHIR Bundle validated by fhir.resources."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    document = export_record(session, team, actor, fmt=fmt)
    if fmt == "fhir":
        return fhir.bundle(document).model_dump_json(indent=2)
    return json.dumps(document, ensure_ascii=False, indent=2)
