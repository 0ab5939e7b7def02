"""Contact persons (contactpersonen) of an organisation on the social map: a professional who works there, with
their discipline, work phone and e-mail, what they do and when they can be reached.

These are professionals' work contact details that the directory publishes, not data about a person with a care
need: they are stored clear, like the organisations themselves. When a coordinator adds one of them to a care
team, the member gets its own copy of the details, encrypted under the person's key as every member's are.
"""
from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, mapped_column, relationship, selectinload

from models import audit
from models.base import Base, UUIDKey, Versioned, check_version, utcnow
from models.socialmap.directory import DirectoryRule, Organisation, require_staff

MAX = {"name": 200, "discipline": 32, "function": 200, "phone": 40, "email": 254, "reachability": 500}
FIELDS = ("name", "discipline", "function", "phone", "email", "reachability")


class Contact(UUIDKey, Versioned, Base):
    """Someone to call at an organisation: who they are, what they do there, how and when to reach them."""

    __tablename__ = "organisation_contacts"

    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisations.id"), index=True)
    name: Mapped[str] = mapped_column(String(MAX["name"]))
    discipline: Mapped[str | None] = mapped_column(String(MAX["discipline"]))  # one of models.members.DISCIPLINES
    function: Mapped[str | None] = mapped_column(String(MAX["function"]))  # what they do, e.g. "dienstverantwoordelijke"
    phone: Mapped[str | None] = mapped_column(String(MAX["phone"]))
    email: Mapped[str | None] = mapped_column(String(MAX["email"]))
    reachability: Mapped[str | None] = mapped_column(String(MAX["reachability"]))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(back_populates="contacts")


def all_contacts(session) -> list[Contact]:
    """Every contact person on the map, by organisation and name (for the pick list of a new member)."""
    query = (select(Contact).join(Organisation).options(selectinload(Contact.organisation))
             .order_by(Organisation.name, Contact.name))
    return list(session.scalars(query))


def find_contact(session, contact_id) -> Contact | None:
    """The contact with this id (a string from a URL); None when it is not a valid or known id."""
    try:
        return session.get(Contact, uuid.UUID(str(contact_id)))
    except ValueError:
        return None


def save_contact(session, actor, organisation: Organisation, contact: Contact | None, seen_version: int | None,
                 **fields) -> Contact:
    """Add a contact person to `organisation` (`contact` None) or change one; a stale change is refused."""
    require_staff(actor)
    if contact is None:
        contact = Contact(organisation_id=organisation.id)
        contact.ensure_id()
        organisation.contacts.append(contact)
        action = "create"
    else:
        if contact.organisation_id != organisation.id:
            raise DirectoryRule("Deze contactpersoon hoort bij een andere organisatie.")
        check_version(contact, seen_version or 0)
        action = "update"
    for key in FIELDS:
        if key in fields:
            setattr(contact, key, fields[key])
    contact.updated_at = utcnow()
    audit.record(session, actor, action, target=contact, category="socialmap")
    return contact


def remove_contact(session, actor, contact: Contact) -> None:
    """Take a contact person off the map (members who were added from it keep their own copy)."""
    require_staff(actor)
    audit.record(session, actor, "delete", target=contact, category="socialmap")
    contact.organisation.contacts.remove(contact)
