"""Synthetic care teams for the benchmark (`flask --app app demo --scale N`): N persons, each with a team of ten,
goals, meetings, agreements, shared information and consent, written with bulk inserts.

Every text is really encrypted by the Vault under the person's own data key (one new key per person), so pages
read, unwrap and decrypt exactly as they do for real data. What is skipped is what a benchmark does not measure:
the ORM unit of work (rows go in with executemany, a commit per batch), argon2 per account (the one synthetic
account, the coordinator, gets a hash computed once), and an audit entry per row (one entry records the load).
One coordinator account is the care coordinator of up to COORDINATOR_TEAMS teams (the issue's "my teams").
"""
from __future__ import annotations

import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache

from sqlalchemy import func, insert, select

from models import audit
from models.agreements import Agreement
from models.base import Base, utcnow
from models.consent import ROLE_DEFAULTS, ConsentEvent, ConsentGrant
from models.crypto import Place, Vault
from models.encrypted import DATE, JSON, TEXT, Codec
from models.goals import CareGoal, GoalEvaluation, HealthScoring, LifeGoal
from models.info import InfoItem
from models.members import Member
from models.meetings.records import Invitee, Meeting
from models.messages import Message
from models.people import Person
from models.teams import CareTeam, DesignationRecord
from models.users import User, _hasher, find_user
from models import demo_scale_text as text

COORDINATOR_EMAIL = "coordinator@scale.zorgteam.example"
COORDINATOR_TEAMS = 150
BATCH = 500  # persons per transaction
PASSWORD = "zorgteam-demo-2026"  # the demo password (CONTRACT.md), for the coordinator too


@cache
def shared_hash() -> str:
    """One argon2id hash for every synthetic account: hashing is what a benchmark load must not wait for."""
    return _hasher.hash(PASSWORD)


@dataclass
class Batch:
    """The rows of one batch by table, with their values sealed under each person's data key."""

    session: object
    vault: Vault
    rows: dict = field(default_factory=lambda: defaultdict(list))

    def key_for(self, person_id: uuid.UUID) -> None:
        """A new data key for the person (wrapped under the primary key-encryption key), used for all their values."""
        key = self.vault.new_data_key(person_id)
        self.session.info.setdefault("current_dek", {})[person_id] = key.id
        self.add(key.__table__, id=key.id, subject_id=person_id, kek_id=key.kek_id, wrapped=key.wrapped,
                 created_at=utcnow())

    def seal(self, table: str, column: str, row_id, person_id, value, codec: Codec = TEXT) -> bytes | None:
        if value is None:
            return None
        return self.vault.encrypt(self.session, Place(table, column, row_id, person_id), codec.encode(value))

    def add(self, table, **values) -> uuid.UUID:
        values.setdefault("id", uuid.uuid4())
        self.rows[table].append(values)
        return values["id"]

    def record(self, model, person_id, plain: dict, sealed: dict, codecs: dict | None = None) -> uuid.UUID:
        """A row of `model`: clear columns in `plain`, plaintext for the encrypted columns in `sealed`."""
        row_id = plain.pop("id", None) or uuid.uuid4()
        table = model.__table__
        for column, value in sealed.items():
            plain[column] = self.seal(table.name, column, row_id, person_id, value, (codecs or {}).get(column, TEXT))
        if "version" in table.c:
            plain.setdefault("version", 1)
        return self.add(table, id=row_id, **plain)

    def write(self) -> int:
        """Insert every row, parents first (the tables in dependency order)."""
        count = 0
        for table in Base.metadata.sorted_tables:
            rows = self.rows.get(table)
            if rows:
                self.session.execute(insert(table), rows)
                count += len(rows)
        return count


@dataclass
class Plan:
    """What stays the same across batches: today, the coordinator and how many more teams they join."""

    today: date
    now: datetime
    coordinator_id: uuid.UUID
    coordinator_slots: int
    insz_taken: set
    serial: int


def _coordinator(session) -> uuid.UUID:
    user = find_user(session, COORDINATOR_EMAIL)
    if user is None:
        user = User(email=COORDINATOR_EMAIL, name="Sam Coördinator", password_hash=shared_hash())
        user.ensure_id()
        session.add(user)
        session.flush()
    return user.id


def prepare(session, coordinator: User | None = None, joins: int | None = None) -> Plan:
    """The state the batches continue from. The coordinator (the synthetic account, created once, unless another
    is given) is the care coordinator of the next `joins` teams; by default until they are in COORDINATOR_TEAMS."""
    coordinator_id = coordinator.id if coordinator is not None else _coordinator(session)
    if joins is None:
        teams = session.scalar(select(func.count()).select_from(Member).where(Member.user_id == coordinator_id))
        joins = max(COORDINATOR_TEAMS - (teams or 0), 0)
    persons = session.scalar(select(func.count()).select_from(Person)) or 0
    taken = set(session.scalars(select(Person.insz_index).where(Person.insz_index.is_not(None))))
    return Plan(date.today(), utcnow(), coordinator_id, joins, taken, persons)


# --- one person and their team ------------------------------------------------------------------------------

def _insz(batch: Batch, plan: Plan, born: date) -> tuple[str | None, bytes | None]:
    """A valid INSZ for the birth date, with its blind index; unique (a taken one is skipped)."""
    for _ in range(997):
        plan.serial += 1
        base = f"{born:%y%m%d}{plan.serial % 997 + 1:03d}"
        check = 97 - int(("2" if born.year >= 2000 else "") + base) % 97
        digits = f"{base}{check:02d}"
        index = batch.vault.blind_index("persons.insz", digits)
        if index not in plan.insz_taken:
            plan.insz_taken.add(index)
            return digits, index
    return None, None


def _person(batch: Batch, plan: Plan, rng: random.Random) -> tuple[uuid.UUID, str]:
    person_id = uuid.uuid4()
    batch.key_for(person_id)
    given, family = rng.choice(text.GIVEN), rng.choice(text.FAMILY)
    born = date(rng.randint(1930, 1960), rng.randint(1, 12), rng.randint(1, 28))
    digits, index = _insz(batch, plan, born)
    postcode, city = rng.choice(text.CITIES)
    address = {"street": f"{rng.choice(text.STREETS)} {rng.randint(1, 180)}", "postcode": postcode, "city": city}
    batch.record(Person, person_id, {"id": person_id, "insz_index": index, "language": "nl"},
                 {"given_name": given, "family_name": family, "birth_date": born, "insz": digits,
                  "address": address, "phone": text.phone(rng), "gp": f"dr. {rng.choice(text.FAMILY)}"},
                 {"birth_date": DATE, "address": JSON})
    return person_id, f"{given} {family}"


def _members(batch: Batch, plan: Plan, rng, team_id, person_id, person_name: str) -> dict[str, uuid.UUID]:
    """Ten members by key (text.TEAM); the social worker is the coordinator account while it has slots left."""
    members = {}
    with_account = plan.coordinator_slots > 0
    for key, role, discipline, relation in text.TEAM:
        name = person_name if role == "person" else text.member_name(rng, key)
        user_id = plan.coordinator_id if with_account and key == "social_worker" else None
        member_id = batch.record(Member, person_id, {
            "team_id": team_id, "person_id": person_id, "user_id": user_id, "role": role, "discipline": discipline,
            "night_contact": key in ("carer", "nurse"), "started_on": plan.today - timedelta(days=rng.randint(60, 900)),
        }, {"name": name, "organisation": text.ORGANISATIONS.get(discipline), "phone": text.phone(rng),
            "email": f"{key}.{team_id.hex[:8]}@scale.zorgteam.example" if role != "person" else None,
            "reachability": rng.choice(text.REACHABILITY), "relation": relation})
        members[key] = member_id
        _consent_defaults(batch, plan, team_id, person_id, member_id, role)
    if with_account:
        plan.coordinator_slots -= 1
    return members


def _consent_defaults(batch: Batch, plan: Plan, team_id, person_id, member_id, role: str) -> None:
    """What apply_role_defaults writes for a new member: a grant and a 'default' history entry per category."""
    for category in ROLE_DEFAULTS[role]:
        batch.add(ConsentGrant.__table__, team_id=team_id, member_id=member_id, category=category, granted=True,
                  changed_at=plan.now)
        batch.add(ConsentEvent.__table__, team_id=team_id, person_id=person_id, member_id=member_id,
                  category=category, change="grant", method="default", changed_at=plan.now)


def _designations(batch: Batch, plan: Plan, team_id, members: dict) -> None:
    started = plan.now - timedelta(days=200)
    for kind, key in (("coordinator", "social_worker"), ("representative", "carer"), ("trusted_person", "child")):
        batch.add(DesignationRecord.__table__, team_id=team_id, kind=kind, member_id=members[key], started_at=started)


def _goals(batch: Batch, plan: Plan, rng, team_id, person_id, members: dict) -> list[uuid.UUID]:
    """Two life goals and three care goals (GAS on two of them); the care goal ids."""
    common = {"team_id": team_id, "person_id": person_id}
    lives = [batch.record(LifeGoal, person_id, {**common, "position": n + 1, "lifecycle": "active",
                                                "expressed_by_id": members["person"],
                                                "expressed_on": plan.today - timedelta(weeks=20)},
                          {"text": words, "dimension": dimension})
             for n, (words, dimension) in enumerate(rng.sample(text.LIFE_GOALS, 2))]
    cares = []
    for n, (words, owner, levels) in enumerate(rng.sample(text.CARE_GOALS, 3)):
        gas = {"levels": dict(zip(("-2", "-1", "0", "1", "2"), levels)), "baseline": -1} if n < 2 else None
        cares.append(batch.record(CareGoal, person_id, {
            **common, "life_goal_id": lives[n % 2], "owner_id": members[owner], "lifecycle": "active",
            "achievement": "in-progress", "weight": 1, "created_by_id": members["social_worker"],
            "created_at": plan.now - timedelta(weeks=18), "target_date": plan.today + timedelta(weeks=rng.randint(4, 30)),
        }, {"text": words, "gas": gas}, {"gas": JSON}))
    return cares


def _evaluations(batch: Batch, plan: Plan, team_id, person_id, members: dict, cares: list, meeting_id) -> None:
    for n, goal_id in enumerate(cares):
        batch.record(GoalEvaluation, person_id, {
            "team_id": team_id, "person_id": person_id, "care_goal_id": goal_id, "meeting_id": meeting_id,
            "evaluated_on": plan.today - timedelta(weeks=6), "evaluated_by_id": members["social_worker"],
            "achievement": "improving" if n else "no-change", "created_at": plan.now - timedelta(weeks=6),
        }, {"level": (n % 3) - 1 if n < 2 else None, "remark": text.EVALUATION_REMARKS[n]}, {"level": JSON})
    batch.record(HealthScoring, person_id, {"team_id": team_id, "person_id": person_id,
                                            "scored_on": plan.today - timedelta(weeks=6),
                                            "scored_by_id": members["social_worker"]},
                 {"scores": text.scores(random.Random(team_id.int)), "remark": None}, {"scores": JSON})


MEETINGS = (("planned", 4 * 7), ("held", -6 * 7), ("held", -300))  # status, days from today


def _meetings(batch: Batch, plan: Plan, rng, team_id, person_id, members: dict) -> list[uuid.UUID]:
    """The next MDO and two held ones (six weeks and ten months ago), each followed by the next; their ids."""
    ids, following = [], None
    for status, days in MEETINGS:
        starts = datetime.combine(plan.today + timedelta(days=days), time(12, 0), tzinfo=plan.now.tzinfo)
        held = status == "held"
        meeting_id = batch.record(Meeting, person_id, {
            "team_id": team_id, "person_id": person_id, "kind": "mdo", "status": status, "starts_at": starts,
            "duration_minutes": 60, "organiser_id": members["organiser"], "sequence": 0,
            "next_meeting_id": following, "created_by_id": members["social_worker"],
            "created_at": starts - timedelta(days=21), "closed_at": starts + timedelta(hours=1) if held else None,
        }, {"place": text.PLACE, "video_link": None, "agenda": text.agenda(rng), "facts": text.FACTS,
            "minutes": text.MINUTES if held else None}, {"agenda": JSON, "facts": JSON})
        for key in text.INVITED:
            batch.add(Invitee.__table__, meeting_id=meeting_id, member_id=members[key],
                      role="chair" if key == "organiser" else "required", response="ACCEPTED",
                      attendance=("present" if key != "pharmacist" else "excused") if held else None,
                      paid=False, created_at=starts - timedelta(days=21))
        ids.append(meeting_id)
        following = meeting_id
    return ids


def _agreements(batch: Batch, plan: Plan, rng, team_id, person_id, members: dict, cares: list,
                meeting_id, team_index: int) -> None:
    """Twenty agreements: the coordinator owns one open one (two in every third team), the rest spread."""
    others = [k for k in members if k not in ("social_worker", "organiser")]
    coordinator_owns = {0, 10} if team_index % 3 == 0 else {0}
    for n in range(20):
        owner = "social_worker" if n in coordinator_owns else others[n % len(others)]
        status, due, recurrence = text.agreement_state(n, plan.today, rng)
        if owner == "social_worker":
            status, due, recurrence = "accepted", plan.today + timedelta(days=rng.randint(-5, 30)), "none"
        batch.record(Agreement, person_id, {
            "team_id": team_id, "person_id": person_id, "owner_id": members[owner], "due_on": due,
            "recurrence": recurrence, "recurs_from": due if recurrence != "none" else None,
            "care_goal_id": cares[n % 3] if n % 2 else None, "meeting_id": meeting_id, "status": status,
            "created_by_id": members["social_worker"], "created_at": plan.now - timedelta(weeks=6),
            "done_at": plan.now - timedelta(days=n) if status == "done" else None,
        }, {"what": text.AGREEMENTS[n % len(text.AGREEMENTS)], "remark": None})


def _information(batch: Batch, plan: Plan, rng, team_id, person_id, members: dict) -> None:
    common = {"team_id": team_id, "person_id": person_id, "created_by_id": members["gp"],
              "updated_by_id": members["gp"], "created_at": plan.now, "updated_at": plan.now}
    for category, kind, data in text.information(rng):
        batch.record(InfoItem, person_id, {**common, "category": category, "kind": kind}, {"data": data},
                     {"data": JSON})
    for n, (author, words) in enumerate(rng.sample(text.MESSAGES, 3)):
        batch.record(Message, person_id, {"team_id": team_id, "person_id": person_id, "author_id": members[author],
                                          "audience": "team", "kind": "message",
                                          "posted_at": plan.now - timedelta(days=3 - n)}, {"body": words})


def _team(batch: Batch, plan: Plan, rng: random.Random, team_index: int) -> None:
    person_id, name = _person(batch, plan, rng)
    team_id = batch.add(CareTeam.__table__, person_id=person_id, created_at=plan.now - timedelta(days=400))
    members = _members(batch, plan, rng, team_id, person_id, name)
    _designations(batch, plan, team_id, members)
    cares = _goals(batch, plan, rng, team_id, person_id, members)
    meetings = _meetings(batch, plan, rng, team_id, person_id, members)
    _evaluations(batch, plan, team_id, person_id, members, cares, meetings[1])
    _agreements(batch, plan, rng, team_id, person_id, members, cares, meetings[1], team_index)
    _information(batch, plan, rng, team_id, person_id, members)


def load_batch(session, vault: Vault, plan: Plan, first: int, count: int, seed: int = 7) -> int:
    """Add `count` teams (numbered from `first`) in `session`; the number of rows written."""
    batch = Batch(session, vault)
    for index in range(first, first + count):
        _team(batch, plan, random.Random(seed * 1_000_003 + index), index)
    return batch.write()


def load(sessions, vault: Vault, count: int, *, batch_size: int = BATCH, progress=lambda done: None) -> int:
    """Add `count` synthetic teams, one committed transaction per `batch_size` persons; the rows written.
    `sessions()` gives a new session; `progress(n)` hears of each batch."""
    with sessions() as session, session.begin():
        plan = prepare(session)
        start = plan.serial
    total = 0
    for first in range(0, count, batch_size):
        size = min(batch_size, count - first)
        with sessions() as session, session.begin():
            total += load_batch(session, vault, plan, start + first, size)
            if first + size >= count:
                audit.append(session, vault.keyring.audit_key, action="create", object_type="care_teams",
                             category="demo-scale", object_id=str(count))
        progress(size)
    return total

