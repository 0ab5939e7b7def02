"""Consent as a state machine (Hypothesis): any sequence of grant (with or without an end date), withdraw, add a
member (any role), end a membership, limit a category to professionals or open it again, days passing, and read,
agrees with a reference model written from DOMAIN.md in a few dicts. Each run builds a fresh team inside the test's
rolled-back transaction."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (Bundle, RuleBasedStateMachine, initialize, invariant, rule,
                                 run_state_machine_as_test)

import models.consent
import models.members
from models.consent import ConsentRule, may_see, set_grant, set_professionals_only, visible_categories
from models.members import MembershipRule, add_member, create_team, designate, end_membership
from models.people import Person

CATEGORIES = ("contacts", "family", "medication", "condition", "history", "wishes", "needs", "advance-care",
              "journal")
ROLES = ("informal_carer", "volunteer", "professional", "case_manager", "meeting_organiser")
PROFESSIONAL = {"professional", "case_manager", "meeting_organiser"}  # bound by professional secrecy
# What a member sees on joining (DOMAIN.md: a volunteer sees contact details only; the organiser what a meeting needs).
DEFAULTS = {"informal_carer": set(CATEGORIES), "volunteer": {"contacts"}, "professional": set(CATEGORIES),
            "case_manager": set(CATEGORIES), "meeting_organiser": {"contacts", "family", "wishes", "needs"}}


class Clock:
    """Today, moved on by the 'days pass' rule; patched into the modules that ask for it."""

    offset = 0

    @classmethod
    def today(cls) -> date:
        return date.fromordinal(date.today().toordinal() + cls.offset)


class ShiftedDate(date):
    @classmethod
    def today(cls):
        return Clock.today()


@dataclass
class Reference:
    """The expected state: per member its role and whether it ended; per (member, category) (granted, until)."""

    roles: dict = field(default_factory=dict)
    ended: set = field(default_factory=set)
    grants: dict = field(default_factory=dict)
    limited: set = field(default_factory=set)

    def may_see(self, key, category: str) -> bool:
        if key in self.ended:
            return False
        if self.roles[key] == "person":
            return True
        granted, until = self.grants.get((key, category), (False, None))
        in_force = granted and (until is None or until >= Clock.today())
        return in_force and (category not in self.limited or self.roles[key] in PROFESSIONAL)


class ConsentMachine(RuleBasedStateMachine):
    db = None  # the test's session, set by the test

    members = Bundle("members")

    def __init__(self):
        super().__init__()
        Clock.offset = 0
        self.ref = Reference()
        person = Person(given_name="Rosa", family_name="Test", language="nl")
        self.db.add(person)
        self.team = create_team(self.db, person)
        self.person = add_member(self.db, self.team, None, role="person", name="Rosa Test")
        self.coordinator = add_member(self.db, self.team, None, role="professional", name="Karel Coördinator",
                                      discipline="social_worker")
        designate(self.db, self.team, None, "coordinator", self.coordinator)
        self.coordinator.held = frozenset({"coordinator"})
        self.ref.roles |= {self.person.id: "person", self.coordinator.id: "professional"}
        self.ref.grants |= {(self.coordinator.id, c): (True, None) for c in CATEGORIES}
        self.everyone = [self.person, self.coordinator]

    @initialize(target=members)
    def the_person(self):
        return self.person

    @initialize(target=members)
    def the_coordinator(self):
        return self.coordinator

    @rule(target=members, role=st.sampled_from(ROLES))
    def add(self, role):
        member = add_member(self.db, self.team, None, role=role, name=f"Lid {len(self.everyone)}")
        self.everyone.append(member)
        self.ref.roles[member.id] = role
        self.ref.grants |= {(member.id, c): (True, None) for c in DEFAULTS[role]}
        return member

    @rule(member=members)
    def end(self, member):
        try:
            end_membership(self.db, member, self.coordinator)
        except MembershipRule:
            assert member.id in (self.person.id, self.coordinator.id)
            return
        assert member.id not in (self.person.id, self.coordinator.id)
        self.ref.ended.add(member.id)

    @rule(member=members, category=st.sampled_from(CATEGORIES))
    def grant(self, member, category):
        self.grant_until(member, category, None)

    @rule(member=members, category=st.sampled_from(CATEGORIES), days=st.integers(min_value=-2, max_value=3))
    def grant_until(self, member, category, days):
        until = None if days is None else Clock.today() + timedelta(days=days)
        try:
            set_grant(self.db, member, self.coordinator, category, True, method="on_paper", valid_until=until)
        except ConsentRule:
            assert until is not None and until < Clock.today()  # an end date in the past is refused
            return
        assert until is None or until >= Clock.today()
        self.ref.grants[(member.id, category)] = (True, until)

    @rule(member=members, category=st.sampled_from(CATEGORIES))
    def withdraw(self, member, category):
        set_grant(self.db, member, self.coordinator, category, False, method="in_person")
        self.ref.grants[(member.id, category)] = (False, None)

    @rule(category=st.sampled_from(CATEGORIES), limited=st.booleans())
    def professionals_only(self, category, limited):
        set_professionals_only(self.db, self.team, self.coordinator, category, limited, method="in_person")
        (self.ref.limited.add if limited else self.ref.limited.discard)(category)

    @rule(days=st.integers(min_value=1, max_value=3))
    def days_pass(self, days):
        Clock.offset += days


    @rule(member=members, category=st.sampled_from(CATEGORIES))
    def read(self, member, category):
        assert may_see(self.db, member, category) == self.ref.may_see(member.id, category)

    @invariant()
    def everyone_sees_what_the_reference_says(self):
        for member in self.everyone:
            expected = {c for c in CATEGORIES if self.ref.may_see(member.id, c)}
            assert visible_categories(self.db, member) == expected


@pytest.fixture
def clock(monkeypatch):
    """Today as the machine says: models.consent and models.members ask ShiftedDate."""
    monkeypatch.setattr(models.consent, "date", ShiftedDate)
    monkeypatch.setattr(models.members, "date", ShiftedDate)
    Clock.offset = 0
    yield Clock
    Clock.offset = 0


def test_consent_agrees_with_the_reference_model(db, clock):
    ConsentMachine.db = db
    run_state_machine_as_test(ConsentMachine, settings=settings(
        max_examples=50, stateful_step_count=30, deadline=None, database=None,
        suppress_health_check=[HealthCheck.too_slow]))


def test_the_clock_is_really_patched(db, clock, world):
    """The machine moves time through ShiftedDate; prove the consent filter reads it (an end date then passes)."""
    jef = world.member("jef")
    set_grant(db, jef, None, "wishes", True, method="in_person", valid_until=date.today() + timedelta(days=2))
    clock.offset = 2
    assert "wishes" in visible_categories(db, jef)
    clock.offset = 3
    assert "wishes" not in visible_categories(db, jef)


@pytest.mark.parametrize("role", ROLES)
def test_the_reference_defaults_match_a_member_added_through_the_app(db, world, role):
    member = add_member(db, world.johan_team, None, role=role, name="Nieuw Lid")
    limited = {"history"}  # the demo limits the care history to professionals
    expected = DEFAULTS[role] - (limited if role not in PROFESSIONAL else set())
    assert visible_categories(db, member) == expected
