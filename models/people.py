"""The person with a care and support need (PZON, `Person`): identity, address, contact, GP; INSZ checked and blind-indexed."""
from __future__ import annotations

import functools
import re
import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import LargeBinary, String, bindparam, select
from sqlalchemy.orm import Mapped, mapped_column

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version
from models.permissions import Permission
from models.encrypted import (DATE, JSON, TEXT, Encrypted, PersonData, decrypt_rows, encrypted_check,
                              encrypted_column, vault_of)

LANGUAGES = {"nl": "Nederlands", "fr": "Frans", "de": "Duits", "en": "Engels", "ar": "Arabisch", "tr": "Turks"}


class InvalidINSZ(ValueError):
    """An INSZ (Belgian national number) that is malformed or whose checksum is wrong."""


def normalise_insz(text: str) -> str:
    """Eleven digits, without dots, dashes or spaces."""
    digits = re.sub(r"[\s.\-]", "", text or "")
    if not re.fullmatch(r"\d{11}", digits):
        raise InvalidINSZ("Een INSZ-nummer heeft 11 cijfers, bijvoorbeeld 47.03.12-123.40.")
    return digits


def insz_century(digits: str) -> int | None:
    """1900 or 2000 by the checksum (97 - n mod 97, with a 2 before n for births from 2000); None if neither."""
    base, check = int(digits[:9]), int(digits[9:])
    if 97 - base % 97 == check:
        return 1900
    if 97 - int("2" + digits[:9]) % 97 == check:
        return 2000
    return None


def check_insz(text: str, birth_date: date | None = None) -> str:
    """Validate an INSZ (and, when given, that it matches the birth date); returns the eleven digits."""
    digits = normalise_insz(text)
    century = insz_century(digits)
    if century is None:
        raise InvalidINSZ("Het controlegetal van dit INSZ-nummer klopt niet. Kijk het nummer na.")
    if birth_date is not None and (digits[:2], century) != (f"{birth_date.year % 100:02d}",
                                                             birth_date.year // 100 * 100):
        raise InvalidINSZ("Het INSZ-nummer past niet bij de geboortedatum.")
    return digits


def format_insz(digits: str) -> str:
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"


class Person(UUIDKey, Versioned, PersonData, Base):
    """The person the care team is about. Everything but the language is encrypted under the person's own key."""

    __tablename__ = "persons"
    __table_args__ = tuple(c for col in ("given_name", "family_name", "birth_date", "insz", "address",
                                         "phone", "gp") for c in encrypted_check(col))

    _given_name: Mapped[bytes | None] = encrypted_column("given_name")
    _family_name: Mapped[bytes | None] = encrypted_column("family_name")
    _birth_date: Mapped[bytes | None] = encrypted_column("birth_date")
    _insz: Mapped[bytes | None] = encrypted_column("insz")
    insz_index: Mapped[bytes | None] = mapped_column(LargeBinary(16), unique=True)
    _address: Mapped[bytes | None] = encrypted_column("address")
    _phone: Mapped[bytes | None] = encrypted_column("phone")
    _gp: Mapped[bytes | None] = encrypted_column("gp")
    language: Mapped[str] = mapped_column(String(8), default="nl")

    given_name = Encrypted("_given_name")
    family_name = Encrypted("_family_name")
    birth_date = Encrypted("_birth_date", DATE)
    insz_digits = Encrypted("_insz")
    address = Encrypted("_address", JSON)  # {"street": ..., "postcode": ..., "city": ...}
    phone = Encrypted("_phone")
    gp = Encrypted("_gp")

    def encryption_subject(self) -> uuid.UUID:
        return self.ensure_id()

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def initials(self) -> str:
        return initials_of(self.given_name, self.family_name)

    @property
    def insz(self) -> str | None:
        return format_insz(self.insz_digits) if self.insz_digits else None

    def set_insz(self, session, text: str | None) -> None:
        """Store the INSZ encrypted, with its blind index for exact look-up."""
        if not text:
            self.insz_digits, self.insz_index = None, None
            return
        digits = check_insz(text, self.birth_date)
        index = vault_of(session).blind_index("persons.insz", digits)
        with session.no_autoflush:
            other = session.scalar(select(Person.id).where(Person.insz_index == index, Person.id != self.ensure_id()))
        if other is not None:
            raise InvalidINSZ("Dit INSZ-nummer is al in gebruik voor een andere persoon. Kijk het nummer na.")
        self.insz_digits, self.insz_index = digits, index

    @property
    def address_line(self) -> str:
        return address_line(self.address)


def initials_of(given_name: str, family_name: str) -> str:
    """"J.P.": how calendars name the person (a calendar provider reads them)."""
    return f"{given_name[:1]}.{family_name[:1]}."


@dataclass(frozen=True)
class PersonName:
    """A person's name only, read without ORM objects (a feed of hundreds of events names a hundred persons)."""

    given_name: str
    family_name: str

    @property
    def initials(self) -> str:
        return initials_of(self.given_name, self.family_name)


def names_of(session, person_ids) -> dict[uuid.UUID, PersonName]:
    """The names of these persons: one select of their ciphertexts, decrypted together."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = [(row[0], *row) for row in session.execute(_names_query(), {"ids": ids})]  # the id: row and subject
    plain = decrypt_rows(session, Person.__tablename__, NAME_COLUMNS, rows)
    return {row[0]: PersonName(**values) for row, values in zip(rows, plain)}


NAME_COLUMNS = {"given_name": TEXT, "family_name": TEXT}


@functools.cache  # built once (the feed's, for a hundred persons): building it cost a fifth of running it
def _names_query():
    return select(Person.id, Person._given_name, Person._family_name).where(
        Person.id.in_(bindparam("ids", expanding=True)))


def address_line(address: dict | None) -> str:
    """"Kerkstraat 12, 2440 Geel"."""
    a = address or {}
    return ", ".join(p for p in (a.get("street"), " ".join(filter(None, (a.get("postcode"), a.get("city"))))) if p)


@dataclass(frozen=True)
class PersonCard:
    """A person as a list of teams shows them: the team, the name and the address, read without ORM objects."""

    team_id: uuid.UUID
    given_name: str
    family_name: str
    address: dict | None
    closed_on: date | None = None  # the team's, once it is closed

    @property
    def closed(self) -> bool:
        return self.closed_on is not None

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def address_line(self) -> str:
        return address_line(self.address)


CARD_COLUMNS = {"given_name": TEXT, "family_name": TEXT, "address": JSON}
CARD_CIPHERTEXTS = (Person.id, Person._given_name, Person._family_name, Person._address)  # in CARD_COLUMNS' order


def person_cards(session, rows) -> list[PersonCard]:
    """Cards from rows of (team id, *CARD_CIPHERTEXTS), read with a Core select."""
    plain = decrypt_rows(session, Person.__tablename__, CARD_COLUMNS,
                         [(person_id, person_id, *stored) for _, person_id, *stored in rows])
    return [PersonCard(row[0], **values) for row, values in zip(rows, plain)]


def find_by_insz(session, text: str) -> Person | None:
    """The person with this INSZ, found through the blind index without decrypting anyone."""
    digits = normalise_insz(text)
    index = vault_of(session).blind_index("persons.insz", digits)
    return session.scalar(select(Person).where(Person.insz_index == index))


def update_person(session, person: Person, actor, seen_version: int, *, insz: str | None, **changes) -> Person:
    """Change the person's record; refused when someone else changed it since `seen_version`."""
    actor.require(Permission.PERSON_EDIT)
    check_version(person, seen_version)
    for key, value in changes.items():
        setattr(person, key, value)
    person.set_insz(session, insz)
    audit.record(session, actor, "update", target=person)
    return person
