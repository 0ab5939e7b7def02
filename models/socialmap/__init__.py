"""The social map (sociale kaart): the shared directory of organisations and their services, its import, and the
team's referrals (verwijzingen) to them. See directory.py, importer.py and referrals.py."""
from models.socialmap.directory import (FIRST_CONTACT, NEEDS, Organisation, Service, first_contacts,
                                        organisations_by_name, search)
from models.socialmap.referrals import Referral

__all__ = ["FIRST_CONTACT", "NEEDS", "Organisation", "Service", "Referral", "first_contacts",
           "organisations_by_name", "search"]
