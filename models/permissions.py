"""Who may do what in a team: permissions as named data, and one table from role and designation to permissions.

Glossary: rol (role), aanduiding (designation: zorgcoördinator, vertegenwoordiger, vertrouwenspersoon).
"""
from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """`<resource>:<action>`; read as a sentence: "may view the team"."""

    TEAM_VIEW = "team:view"
    PERSON_VIEW_IDENTITY = "person:view-identity"
    PERSON_EDIT = "person:edit"
    MEMBERS_MANAGE = "members:manage"
    DESIGNATIONS_MANAGE = "designations:manage"
    ACCESS_LOG_VIEW = "access-log:view"
    GOALS_VIEW = "goals:view"
    LIFE_GOALS_WRITE = "life-goals:write"
    CARE_GOALS_MANAGE = "care-goals:manage"
    CARE_GOALS_EVALUATE = "care-goals:evaluate"
    HEALTH_SCORE = "positive-health:score"
    INFO_VIEW = "info:view"  # and then the consent filter, per category
    INFO_EDIT = "info:edit"  # likewise
    CONSENT_MANAGE = "consent:manage"
    MESSAGES_VIEW = "messages:view"
    MESSAGES_POST = "messages:post"
    MEETINGS_VIEW = "meetings:view"  # when and where, who is invited
    MEETINGS_READ = "meetings:read"  # agenda, minutes, evaluations, checklist
    MEETINGS_MANAGE = "meetings:manage"  # plan, move, hold, close, cancel
    AGREEMENTS_VIEW = "agreements:view"  # volunteers only their own; the owner accepts, declines, marks done
    AGREEMENTS_MANAGE = "agreements:manage"  # create, edit, reassign, cancel any, and answer for the owner
    RECORD_EXPORT = "record:export"  # download the complete record (GDPR access and portability)
    RECORD_HISTORY = "record:history"  # see corrected values' previous versions and restricted records
    RECORD_RESTRICT = "record:restrict"  # restrict a record (kept, not shown) on the person's request, and lift it
    REFERRALS_VIEW = "referrals:view"  # which organisations were asked for help, and since when
    REFERRALS_MANAGE = "referrals:manage"  # refer to an organisation of the social map, record waiting and start
    TEAM_ERASE = "team:erase"  # erase the person's whole record on their request (after the retention period)
    TEAM_CLOSE = "team:close"  # close the team (death, a move, care no longer needed): read-only afterwards


class Role(StrEnum):
    PERSON = "person"
    INFORMAL_CARER = "informal_carer"
    VOLUNTEER = "volunteer"
    PROFESSIONAL = "professional"
    CASE_MANAGER = "case_manager"
    MEETING_ORGANISER = "meeting_organiser"


class Designation(StrEnum):
    COORDINATOR = "coordinator"
    REPRESENTATIVE = "representative"
    TRUSTED_PERSON = "trusted_person"


P = Permission
_EVERY_MEMBER = {P.TEAM_VIEW, P.INFO_VIEW, P.MESSAGES_VIEW, P.MESSAGES_POST, P.MEETINGS_VIEW,
                 P.AGREEMENTS_VIEW}
_CARE = _EVERY_MEMBER | {P.PERSON_VIEW_IDENTITY, P.GOALS_VIEW, P.INFO_EDIT, P.MEETINGS_READ, P.REFERRALS_VIEW}
# The person (or whoever speaks for them) says what matters and scores their own health.
_DECIDES = {P.PERSON_EDIT, P.DESIGNATIONS_MANAGE, P.ACCESS_LOG_VIEW, P.LIFE_GOALS_WRITE, P.HEALTH_SCORE,
            P.CONSENT_MANAGE, P.RECORD_EXPORT, P.RECORD_HISTORY, P.RECORD_RESTRICT}
_CARE_GOALS = {P.CARE_GOALS_MANAGE, P.CARE_GOALS_EVALUATE}
# The professionals and the coordinator turn decisions into agreements, and refer to organisations.
_FOLLOW_UP = {P.AGREEMENTS_MANAGE, P.REFERRALS_MANAGE}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PERSON: frozenset(_CARE | _DECIDES),
    Role.INFORMAL_CARER: frozenset(_CARE),
    Role.VOLUNTEER: frozenset(_EVERY_MEMBER),
    Role.PROFESSIONAL: frozenset(_CARE | _CARE_GOALS | _FOLLOW_UP),
    Role.CASE_MANAGER: frozenset(_CARE | _CARE_GOALS | _FOLLOW_UP),
    Role.MEETING_ORGANISER: frozenset(_CARE | _FOLLOW_UP | {P.MEETINGS_MANAGE}),  # convenes and chairs the MDO
}

DESIGNATION_PERMISSIONS: dict[Designation, frozenset[Permission]] = {
    Designation.COORDINATOR: frozenset(_CARE | _DECIDES | _CARE_GOALS | _FOLLOW_UP
                                          | {P.MEMBERS_MANAGE, P.MEETINGS_MANAGE, P.TEAM_ERASE,
                                             P.TEAM_CLOSE}),
    Designation.REPRESENTATIVE: frozenset(_CARE | _DECIDES),
    Designation.TRUSTED_PERSON: frozenset(),
}

# A closed team is read-only: its members keep what reads, and the person keeps their rights over the record.
READS = frozenset({P.TEAM_VIEW, P.PERSON_VIEW_IDENTITY, P.ACCESS_LOG_VIEW, P.GOALS_VIEW, P.INFO_VIEW,
                   P.MESSAGES_VIEW, P.MEETINGS_VIEW, P.MEETINGS_READ, P.AGREEMENTS_VIEW, P.REFERRALS_VIEW,
                   P.RECORD_HISTORY})
PERSONS_RIGHTS = frozenset({P.RECORD_EXPORT, P.RECORD_RESTRICT, P.TEAM_ERASE})
WHEN_CLOSED = READS | PERSONS_RIGHTS

PROFESSIONAL_ROLES = frozenset({Role.PROFESSIONAL, Role.CASE_MANAGER, Role.MEETING_ORGANISER})


def permissions_for(role: str, designations: set[str]) -> frozenset[Permission]:
    """The permissions of a member with `role` holding `designations`."""
    granted = set(ROLE_PERMISSIONS[Role(role)])
    for designation in designations:
        granted |= DESIGNATION_PERMISSIONS[Designation(designation)]
    return frozenset(granted)
