"""Shared information (gedeelde informatie) in nine categories: a sheet of free-text sections per category, and
lists of structured items (contacts, medication lines, advance directives, journal entries).

Every value is one encrypted JSON document under the person's key; the shapes are declared here, once, as data,
and the web layer builds its forms from them. Reading goes through the consent filter in models/consent.py.
"""
from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ForeignKey, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, param, utcnow
from models.consent import CATEGORIES, may_see
from models.encrypted import JSON, Encrypted, PersonData, encrypted_check, encrypted_column
from models.permissions import Permission
from models.revisions import Restricted, is_restricted, restricted_ids

MOMENTS = ("morning", "noon", "evening", "night", "as_needed")
FOOD = ("with_food", "without_food", "any")
DIRECTIVES = ("negative", "euthanasia", "funeral", "organ_donation", "body_donation", "other")
JOURNAL_KINDS = ("contact", "event", "admission", "discharge", "move")
TRANSITIONS = ("admission", "discharge", "move")  # journal entries that notify the whole team


@dataclass(frozen=True)
class Field:
    """One field of an item or a sheet: its name, kind (text, long, date, choice, choices, flag) and rules."""

    name: str
    kind: str = "text"
    required: bool = False
    options: tuple[str, ...] = ()
    max_length: int = 500


@dataclass(frozen=True)
class CategoryShape:
    sheet: tuple[Field, ...] = ()  # free-text sections, one document per team
    item_kind: str | None = None  # the kind of the category's list, if it has one


ITEM_FIELDS: dict[str, tuple[Field, ...]] = {
    "contact": (Field("name", required=True, max_length=200), Field("relation", max_length=100),
                Field("organisation", max_length=200), Field("phone", max_length=40),
                Field("email", max_length=254), Field("note", "long"), Field("trusted", "flag")),
    "medication": (Field("drug", required=True, max_length=200), Field("dose", required=True, max_length=200),
                   Field("moments", "choices", required=True, options=MOMENTS),
                   Field("food", "choice", options=FOOD), Field("started_on", "date"), Field("stopped_on", "date"),
                   Field("note", "long")),
    "directive": (Field("kind", "choice", required=True, options=DIRECTIVES),
                  Field("recorded_on", "date", required=True), Field("where_kept", max_length=300),
                  Field("note", "long")),
    "journal": (Field("occurred_on", "date", required=True),
                Field("kind", "choice", required=True, options=JOURNAL_KINDS),
                Field("text", "long", required=True, max_length=2000)),
}

SHAPES: dict[str, CategoryShape] = {
    "contacts": CategoryShape(sheet=(Field("notes", "long"),), item_kind="contact"),
    "family": CategoryShape(sheet=(Field("household", "long"), Field("involvement", "long"), Field("notes", "long"))),
    "medication": CategoryShape(sheet=(Field("problems", "long"),), item_kind="medication"),
    "condition": CategoryShape(sheet=(Field("allergies", "long"), Field("diagnoses", "long"),
                                      Field("vaccinations", "long"), Field("household", "long"),
                                      Field("meals", "long"), Field("mobility", "long"))),
    "history": CategoryShape(sheet=(Field("earlier_care", "long", max_length=4000),
                                    Field("hospital_stays", "long", max_length=4000))),
    "wishes": CategoryShape(sheet=(Field("likes", "long", max_length=2000), Field("wishes", "long", max_length=2000))),
    "needs": CategoryShape(sheet=(Field("needs", "long", max_length=4000),)),
    "advance-care": CategoryShape(sheet=(Field("notes", "long", max_length=2000),), item_kind="directive"),
    "journal": CategoryShape(item_kind="journal"),
}
assert set(SHAPES) == set(CATEGORIES)

SHEET = "sheet"


class InfoRule(ValueError):
    """Information that does not fit its shape; the message says what, in plain words."""


class NotShared(PermissionError):
    """The category is not shared with this member (the web layer says so without showing anything)."""


class InfoItem(UUIDKey, Versioned, PersonData, Base):
    """One sheet or list item of a category of one team; `data` holds its fields, encrypted."""

    __tablename__ = "info_items"
    __table_args__ = tuple(encrypted_check("data"))

    team_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("care_teams.id"), index=True)
    person_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("persons.id"))
    category: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(20))
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("members.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    _data: Mapped[bytes | None] = encrypted_column("data")

    data = Encrypted("_data", JSON)

    def encryption_subject(self) -> uuid.UUID:
        return self.person_id

    def value(self, name: str):
        return (self.data or {}).get(name)

    def as_date(self, name: str) -> date | None:
        raw = self.value(name)
        return date.fromisoformat(raw) if raw else None


def fields_of(category: str, kind: str) -> tuple[Field, ...]:
    return SHAPES[category].sheet if kind == SHEET else ITEM_FIELDS[kind]


def clean(fields: tuple[Field, ...], values: dict) -> dict:
    """Keep only the declared fields, checked; dates as ISO text. Raises InfoRule naming the first problem."""
    out = {}
    for f in fields:
        value = values.get(f.name)
        if isinstance(value, str):
            value = value.strip()
        if f.kind == "date" and isinstance(value, date):
            value = value.isoformat()
        if f.kind == "choices":
            value = [v for v in (value or []) if v in f.options]
        if f.kind == "choice" and value and value not in f.options:
            raise InfoRule(f"{f.name}: ongeldige keuze")
        if f.kind == "flag":
            value = bool(value)
        if isinstance(value, str) and len(value) > f.max_length:
            raise InfoRule(f"{f.name}: te lang")
        if f.required and not value:
            raise InfoRule(f"{f.name}: verplicht")
        if value not in (None, "", []):
            out[f.name] = value
    return out


def require_visible(session, member, category: str) -> None:
    """The consent filter as a guard: NotShared unless `member` may see `category`."""
    if category not in CATEGORIES or not may_see(session, member, category):
        raise NotShared(category)


def _require_edit(session, actor, category: str) -> None:
    if actor is not None:
        actor.require(Permission.INFO_EDIT)
        require_visible(session, actor, category)


def items_of(session, team_id: uuid.UUID, category: str) -> list[InfoItem]:
    """The category's list items (not removed, not restricted), oldest first; the caller has checked consent."""
    return list(session.scalars(select(InfoItem).where(
        InfoItem.team_id == team_id, InfoItem.category == category, InfoItem.kind != SHEET,
        InfoItem.removed_at.is_(None), InfoItem.id.not_in(restricted_ids("info_items")))
        .order_by(InfoItem.created_at)))


def sheet_of(session, team_id: uuid.UUID, category: str, *, restricted: bool = False) -> InfoItem | None:
    """The category's sheet; a restricted one only when asked for (`restricted=True`)."""
    return session.scalar(_sheet_query(restricted), {"team_id": team_id, "category": category})


@functools.cache  # built once: the overview reads the allergies on every visit
def _sheet_query(restricted: bool):
    query = select(InfoItem).where(InfoItem.team_id == param("team_id"),
                                   InfoItem.category == bindparam("category", type_=String()), InfoItem.kind == SHEET)
    return query if restricted else query.where(InfoItem.id.not_in(restricted_ids("info_items")))


def _require_unrestricted(session, item: InfoItem | None) -> None:
    """A restricted record is kept as it is: refused (Restricted) until the restriction is lifted."""
    if item is not None and is_restricted(session, "info_items", item.id):
        raise Restricted(item.id)


def read_category(session, member, category: str) -> tuple[InfoItem | None, list[InfoItem]]:
    """The sheet and items of a category for `member`, after the consent filter; the read is audited."""
    require_visible(session, member, category)
    audit.record(session, member, "read", category=category)
    return sheet_of(session, member.team_id, category), items_of(session, member.team_id, category)


def save_sheet(session, team, actor, category: str, values: dict, seen_version: int | None) -> InfoItem:
    """Write the free-text sections of a category; refused when someone changed them since `seen_version`."""
    _require_edit(session, actor, category)
    data = clean(SHAPES[category].sheet, values)
    sheet = sheet_of(session, team.id, category, restricted=True)
    _require_unrestricted(session, sheet)
    if sheet is None:
        return _add(session, team, actor, category, SHEET, data)
    check_version(sheet, seen_version or 0)
    _change(sheet, actor, data)
    audit.record(session, actor, "update", team=team, target=sheet, category=category)
    return sheet


def _add(session, team, actor, category: str, kind: str, data: dict) -> InfoItem:
    item = InfoItem(team_id=team.id, person_id=team.person_id, category=category, kind=kind, data=data,
                    created_by_id=actor.id if actor else None, updated_by_id=actor.id if actor else None)
    item.ensure_id()
    session.add(item)
    audit.record(session, actor, "create", team=team, target=item, category=category)
    return item


def _change(item: InfoItem, actor, data: dict) -> None:
    item.data, item.updated_at = data, utcnow()
    item.updated_by_id = actor.id if actor else None


def add_item(session, team, actor, category: str, values: dict) -> InfoItem:
    """Add a list item (a contact, a medication line, a directive, a journal entry) to a category."""
    _require_edit(session, actor, category)
    kind = SHAPES[category].item_kind
    if kind is None:
        raise InfoRule("Deze categorie heeft geen lijst.")
    return _add(session, team, actor, category, kind, clean(ITEM_FIELDS[kind], values))


def update_item(session, item: InfoItem, actor, values: dict, seen_version: int) -> InfoItem:
    """Change a list item; refused when someone changed it since `seen_version`."""
    _require_edit(session, actor, item.category)
    _require_unrestricted(session, item)
    check_version(item, seen_version)
    _change(item, actor, clean(ITEM_FIELDS[item.kind], values))
    audit.record(session, actor, "update", team=actor.team if actor else None, target=item, category=item.category)
    return item


def remove_item(session, item: InfoItem, actor, seen_version: int) -> None:
    """Take a list item off the list; it stays in the record (and the export) as removed."""
    _require_edit(session, actor, item.category)
    _require_unrestricted(session, item)
    check_version(item, seen_version)
    item.removed_at = utcnow()
    audit.record(session, actor, "delete", team=actor.team if actor else None, target=item, category=item.category)


def day_schedule(items: list[InfoItem], today: date | None = None) -> dict[str, list[InfoItem]]:
    """The medication lines in use today, by moment of the day (for the printable day schedule)."""
    today = today or date.today()
    schedule: dict[str, list[InfoItem]] = {moment: [] for moment in MOMENTS}
    for item in items:
        stopped, started = item.as_date("stopped_on"), item.as_date("started_on")
        if (stopped and stopped < today) or (started and started > today):
            continue
        for moment in item.value("moments") or []:
            schedule[moment].append(item)
    return schedule
