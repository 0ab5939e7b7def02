"""Consent (toestemming): who in the team may see which category of shared information."""
from zorgteam.consent.views import bp

__all__ = ["bp"]
