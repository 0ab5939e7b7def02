"""The directory of the social map: organisations and the services they offer, by need and postcode.

Glossary: sociale kaart (the directory), organisatie (`Organisation`), aanbod/dienst (`Service`), nood (need),
wachtlijst (waiting list), welzijnsonthaal / eerste aanspreekpunt (first point of contact), zonemedewerker (zone
staff, who manage the directory). The directory is public information about organisations, not about a person:
it is stored clear. Each organisation has a stable id in its source (`source` + `external_id`), so an import can
update it instead of adding it twice.
"""
from __future__ import annotations

import functools
import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Date, ForeignKey, Integer, String, UniqueConstraint, bindparam, or_, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, utcnow

if TYPE_CHECKING:
    from models.socialmap.contacts import Contact

FIRST_CONTACT = "first_contact"
# The needs a service answers, in a small fixed vocabulary (the labels live in the web layer).
NEEDS = ("thuisverpleging", "gezinszorg", "poetshulp", "maaltijden", "vervoer", "dagopvang", "kortverblijf",
         "psychologische_hulp", "mantelzorgondersteuning", "personenalarm", "hulpmiddelen", "woonaanpassing",
         "administratie", "vrijwilligers", "dementie", FIRST_CONTACT)
KINDS = ("ocmw", "welzijn", "thuiszorg", "ziekenfonds", "vzw", "zorgvoorziening", "vrijwilligers", "overheid",
         "andere")
LANGUAGES = ("nl", "fr", "en", "de", "ar", "tr", "pl", "ro", "es", "it", "ru", "uk")
MAX = {"name": 200, "kind": 40, "phone": 40, "email": 254, "website": 300, "address": 200, "postcode": 4,
       "city": 100, "source": 40, "external_id": 80, "description": 500, "postcodes": 1000, "languages": 60}


class DirectoryRule(ValueError):
    """A directory change that is not possible; the message says why, in plain words."""


class Organisation(UUIDKey, Versioned, Base):
    """An organisation on the social map: who they are, how to reach them, where the information comes from."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("source", "external_id", name="uq_organisations_source_external_id"),)

    source: Mapped[str] = mapped_column(String(MAX["source"]))  # e.g. "kempen-2026" or "manual"
    external_id: Mapped[str] = mapped_column(String(MAX["external_id"]))
    name: Mapped[str] = mapped_column(String(MAX["name"]))
    kind: Mapped[str] = mapped_column(String(MAX["kind"]))
    phone: Mapped[str | None] = mapped_column(String(MAX["phone"]))
    email: Mapped[str | None] = mapped_column(String(MAX["email"]))
    website: Mapped[str | None] = mapped_column(String(MAX["website"]))
    address: Mapped[str | None] = mapped_column(String(MAX["address"]))
    postcode: Mapped[str | None] = mapped_column(String(MAX["postcode"]))
    city: Mapped[str | None] = mapped_column(String(MAX["city"]))
    languages: Mapped[str] = mapped_column(String(MAX["languages"]), default="nl")  # space-separated codes
    last_checked: Mapped[date | None] = mapped_column(Date)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    services: Mapped[list[Service]] = relationship(back_populates="organisation", cascade="all, delete-orphan",
                                                   order_by="Service.need")
    contacts: Mapped[list[Contact]] = relationship(back_populates="organisation", cascade="all, delete-orphan",
                                                   order_by="Contact.name")

    @property
    def language_list(self) -> list[str]:
        return self.languages.split()

    def service_for(self, need: str) -> Service | None:
        return next((s for s in self.services if s.need == need), None)


class Service(UUIDKey, Base):
    """One need an organisation answers, the postcodes it serves, and how long one waits."""

    __tablename__ = "services"
    __table_args__ = (UniqueConstraint("organisation_id", "need", name="uq_services_organisation_id_need"),)

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    need: Mapped[str] = mapped_column(String(40), index=True)
    description: Mapped[str | None] = mapped_column(String(MAX["description"]))
    postcodes: Mapped[str] = mapped_column(String(MAX["postcodes"]), default="")  # space-separated; empty: anywhere
    waiting_weeks: Mapped[int | None] = mapped_column(Integer)  # None: not known, or see waiting_list
    waiting_list: Mapped[bool] = mapped_column(default=False)  # "wachtlijst": closed, or too long to say

    organisation: Mapped[Organisation] = relationship(back_populates="services")

    def serves(self, postcode: str | None) -> bool:
        return not postcode or not self.postcodes or postcode in self.postcodes.split()


# --- reading ------------------------------------------------------------------------------------------------------

def organisations_by_name(session) -> list[Organisation]:
    """The whole directory, by name (for the pick lists)."""
    return list(session.scalars(select(Organisation).order_by(Organisation.name)))


def search(session, *, need: str | None = None, postcode: str | None = None,
           text: str | None = None) -> list[tuple[Organisation, Service | None]]:
    """Organisations answering `need` in `postcode` (each with its matching service), whose name holds `text`.
    The shortest known wait comes first; a waiting list and an unknown wait after those."""
    query = select(Organisation).options(selectinload(Organisation.services)).order_by(Organisation.name)
    if need:
        query = query.where(Organisation.services.any(Service.need == need))
    found = []
    for organisation in session.scalars(query):
        if text and text.casefold() not in organisation.name.casefold():
            continue
        services = [s for s in organisation.services if (not need or s.need == need) and s.serves(postcode)]
        if services or (not need and not postcode):
            found.append((organisation, services[0] if services else None))
    return sorted(found, key=lambda pair: _wait_order(pair[1]))


def _wait_order(service: Service | None) -> tuple:
    if service is None or service.waiting_list:
        return (2, 0)
    return (0, service.waiting_weeks) if service.waiting_weeks is not None else (1, 0)


def first_contacts(session, postcode: str | None) -> list[tuple[Organisation, Service]]:
    """The first points of contact (welzijnsonthaal, OCMW, sociaal huis, CAW) for `postcode`, as `search` finds
    them; only the services that may serve it are read (every team overview asks, not only the social map)."""
    if not postcode:
        return []
    found = [(organisation, service) for organisation, service in session.execute(_first_contacts(), {
        "pattern": f"%{_like_escaped(postcode)}%"}) if service.serves(postcode)]
    return sorted(found, key=lambda pair: _wait_order(pair[1]))


def _like_escaped(text: str) -> str:
    """`text` matched literally by LIKE with the escape character "/" (what `contains(autoescape=True)` does)."""
    return text.replace("/", "//").replace("%", "/%").replace("_", "/_")


@functools.cache  # built once, the postcode a parameter: every team overview asks
def _first_contacts():
    return (select(Organisation, Service).join(Service, Service.organisation_id == Organisation.id)
            .where(Service.need == FIRST_CONTACT,
                   or_(Service.postcodes == "", Service.postcodes.like(bindparam("pattern", type_=String()),
                                                                      escape="/")))
            .order_by(Organisation.name))


# --- what zone staff do ------------------------------------------------------------------------------------------

def require_staff(actor) -> None:
    """Only zone staff change the directory (`actor` None: the system, e.g. the demo)."""
    if actor is not None and not actor.zone_staff:
        raise DirectoryRule("Alleen medewerkers van de eerstelijnszone beheren de sociale kaart.")


def save_organisation(session, actor, organisation: Organisation | None, seen_version: int | None,
                      **fields) -> Organisation:
    """Add (`organisation` None) or change an organisation by hand; a stale change is refused."""
    require_staff(actor)
    if organisation is None:
        organisation = Organisation(source="manual", external_id=uuid.uuid4().hex)
        organisation.ensure_id()
        session.add(organisation)
        action = "create"
    else:
        check_version(organisation, seen_version or 0)
        action = "update"
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.updated_at = utcnow()
    audit.record(session, actor, action, target=organisation, category="socialmap")
    return organisation


def save_service(session, actor, organisation: Organisation, *, need: str, description: str | None,
                 postcodes: str, waiting_weeks: int | None, waiting_list: bool) -> Service:
    """Add the service for `need`, or replace what the organisation said about it."""
    require_staff(actor)
    if need not in NEEDS:
        raise DirectoryRule("Kies een nood uit de lijst.")
    service = organisation.service_for(need)
    if service is None:
        service = Service(need=need)
        service.ensure_id()
        organisation.services.append(service)
    service.description, service.postcodes = description, " ".join(postcodes.split())
    service.waiting_weeks, service.waiting_list = waiting_weeks, waiting_list
    organisation.updated_at = utcnow()
    audit.record(session, actor, "update", target=organisation, category="socialmap")
    return service


def remove_service(session, actor, organisation: Organisation, need: str) -> None:
    require_staff(actor)
    service = organisation.service_for(need)
    if service is None:
        raise DirectoryRule("Deze organisatie biedt dit niet (meer) aan.")
    organisation.services.remove(service)
    organisation.updated_at = utcnow()
    audit.record(session, actor, "update", target=organisation, category="socialmap")
