"""The social map (sociale kaart): the shared directory of organisations, their services and contact persons, its
import, proposals of new organisations, and the team's referrals (verwijzingen) to them. See directory.py,
contacts.py, proposals.py, importer.py and referrals.py."""
from models.socialmap.directory import (FIRST_CONTACT, NEEDS, Organisation, Service, first_contacts,
                                        organisations_by_name, search)
from models.socialmap.contacts import Contact
from models.socialmap.proposals import Proposal
from models.socialmap.referrals import Referral

__all__ = ["FIRST_CONTACT", "NEEDS", "Organisation", "Service", "Contact", "Proposal", "Referral",
           "first_contacts", "organisations_by_name", "search"]
