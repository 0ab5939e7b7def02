"""Erasure (GDPR art. 17): the retention rule, every row of the person and their team gone, their data keys
destroyed so that ciphertexts copied aside no longer decrypt, the audit trail intact with an "erase" event,
the members told by mail without content, Johan's and Rita's data untouched; from the coordinator's page and
from `flask erase-person`.
"""
from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

import models.audit
from models import AuditEvent, Base, CareTeam, DataKey, IntegrityFailure, Member, Person, QueuedMail, User, Vault
from models.audit import verify
from models.base import utcnow
from models.crypto import Place
from models.demo import JOHAN_TEAM
from models.demo_agreements import load_agreements
from models.demo_goals import load_goals
from models.demo_info import load_info
from models.demo_meetings import finish_meetings, plan_held_mdo
from models.encrypted import encrypted_attributes, vault_of
from models.erasure import ErasureRefused, erase, retention_of, rows_to_erase
from models.keys import person_tables
from models.members import add_member, create_team, designate
from tests.test_accounts import smtp_at, smtp_inbox  # noqa: F401 (fixtures: a real SMTP server)

LATER = timedelta(days=3650)  # well after any retention period


def run(app, *args, input=None):
    """`flask --app app ARGS`, against the test's database."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=list(args), input=input)


def make_team_like_johan(db, world, given="Lena", family="Claes") -> CareTeam:
    """A test person with a team as full as Johan's: members (the demo's accounts), designations, goals, every
    category of shared information, messages, consent, meetings and agreements."""
    person = Person(given_name=given, family_name=family, birth_date=date(1950, 1, 2), language="nl",
                    address={"street": "Testlaan 1", "postcode": "2440", "city": "Geel"}, phone="014 00 00 00")
    db.add(person)
    team = create_team(db, person)
    members = {}
    for key, name, role, discipline, organisation, phone, reach, night, relation in JOHAN_TEAM:
        user = None if key == "johan" else world.user(key)
        members[key] = add_member(db, team, None, role=role, name=f"{name} ({given})", discipline=discipline,
                                  organisation=organisation, phone=phone, reachability=reach, night_contact=night,
                                  relation=relation, email=user.email if user else None, user=user,
                                  started_on=date.today() - timedelta(days=120))
    designate(db, team, None, "coordinator", members["karim"])
    designate(db, team, None, "representative", members["maria"])
    held = plan_held_mdo(db, team, members)
    load_goals(db, team, members, meeting=held)
    load_info(db, team, members)
    load_agreements(db, team, members)
    finish_meetings(db, team, members, held)
    db.commit()
    return team


@pytest.fixture
def lena(db, world) -> CareTeam:
    return make_team_like_johan(db, world)


def _row_counts(db, team: CareTeam) -> dict[str, int]:
    """Rows tied to `team` (or its person), per table."""
    return {name: len(ids) for name, ids in rows_to_erase(db, team).items()}


def _ciphertexts(db, person_id) -> list[tuple[Place, bytes]]:
    """Every stored value of the person, with its place: what an attacker could have copied aside."""
    found = []
    for entry in person_tables():
        t = entry.table
        for row in db.execute(select(t).where(t.c[entry.subject] == person_id)):
            for column in entry.columns:
                if row._mapping[column] is not None:
                    found.append((Place(t.name, column, row.id, person_id), bytes(row._mapping[column])))
    return found


# --- the retention rule -----------------------------------------------------------------------------------------

def test_erasure_is_refused_while_the_retention_period_runs(db, lena):
    before = _row_counts(db, lena)
    with pytest.raises(ErasureRefused) as refused:
        erase(db, lena, None, retention_days=730)
    retention = refused.value.retention
    assert retention.ends.date() == (retention.last_activity + timedelta(days=730)).date()
    assert f"{retention.ends:%d-%m-%Y}" in str(refused.value) and "730 dagen" in str(refused.value)
    assert _row_counts(db, lena) == before
    assert db.get(Person, lena.person_id).given_name == "Lena"


def test_the_period_runs_from_the_last_change_and_reads_do_not_extend_it(db, lena, monkeypatch):
    karim = db.scalar(select(Member).where(Member.team_id == lena.id, Member.role == "professional"))
    changed = retention_of(db, lena, 30).last_activity
    monkeypatch.setattr(models.audit, "utcnow", lambda: utcnow() + timedelta(days=10))
    models.audit.record(db, karim, "read", team=lena, category="goals")
    models.audit.record(db, karim, "denied", team=lena, outcome="denied")
    assert retention_of(db, lena, 30).last_activity == changed
    models.audit.record(db, karim, "update", team=lena, target=lena.person)
    later = retention_of(db, lena, 30)
    assert later.last_activity > changed + timedelta(days=9)
    assert later.running(utcnow() + timedelta(days=35)) and not later.running(utcnow() + timedelta(days=41))


def test_a_period_of_zero_days_does_not_hold_anything_back(db, lena):
    assert not retention_of(db, lena, 0).running(utcnow() + timedelta(seconds=1))


# --- what erasing does --------------------------------------------------------------------------------------------

def test_erasing_removes_every_row_of_the_person_and_the_team_and_nothing_else(db, world, lena):
    johan_team, rita_team = world.johan_team, world.rita_team
    others = (_row_counts(db, johan_team), _row_counts(db, rita_team))
    users = db.scalar(select(func.count()).select_from(User))
    lena_tables = _row_counts(db, lena)
    assert {"members", "designations", "life_goals", "care_goals", "goal_evaluations", "info_items",
            "messages", "consent_events", "meetings", "meeting_invitees", "agreements"} <= set(lena_tables)
    result = erase(db, lena, None, retention_days=730, now=utcnow() + LATER)
    db.commit()
    assert result.rows == lena_tables
    for table in Base.metadata.sorted_tables:
        for column in ("person_id", "team_id", "subject_id"):
            if column in table.c and table.name != "audit_events":
                left = db.scalar(select(func.count()).select_from(table).where(
                    table.c[column].in_([lena.id, lena.person_id])))
                assert left == 0, f"{table.name}.{column}"
    assert db.get(Person, result.person_id) is None and db.get(CareTeam, result.team_id) is None
    assert db.scalar(select(func.count()).select_from(User)) == users  # the accounts stay
    assert (_row_counts(db, johan_team), _row_counts(db, rita_team)) == others
    assert johan_team.person.given_name == "Johan" and rita_team.person.family_name == "Vos"


def test_ciphertexts_copied_aside_no_longer_decrypt(app, db, world, lena):
    copied = _ciphertexts(db, lena.person_id)
    assert len(copied) > 100
    vault = vault_of(db)
    assert all(vault.decrypt(db, place, stored) for place, stored in copied)  # control: they did decrypt
    erase(db, lena, None, retention_days=730, now=utcnow() + LATER)
    db.commit()
    assert db.scalar(select(func.count()).select_from(DataKey).where(DataKey.subject_id == lena.person_id)) == 0
    for decrypting in (vault, Vault(vault.keyring)):  # the app's own vault forgot the key; a fresh one never had it
        for place, stored in copied:
            with pytest.raises(IntegrityFailure):
                decrypting.decrypt(db, place, stored)
    johan = world.johan_team.person
    assert Vault(vault.keyring).decrypt(db, Place("persons", "given_name", johan.id, johan.id),
                                        johan._given_name) == b"Johan"


def test_the_audit_trail_stays_verifiable_and_records_the_erasure(app, db, lena):
    before = db.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.team_id == lena.id))
    result = erase(db, lena, None, retention_days=730, force=True)
    db.commit()
    assert result.forced
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.team_id == lena.id).order_by(AuditEvent.seq)))
    assert len(events) == before + 1
    last = events[-1]
    assert (last.action, last.outcome, last.person_id, last.object_id) == (
        "erase", "forced", result.person_id, str(result.person_id))
    assert verify(db, vault_of(db).keyring.audit_key) is None
    assert run(app, "audit", "verify").exit_code == 0


def test_every_table_with_a_person_or_team_column_is_reached_by_its_foreign_key():
    """Erasure follows foreign keys; a column that names the person or team without one would be missed."""
    for table in Base.metadata.sorted_tables:
        for column in ("person_id", "team_id"):
            if column in table.c and table.name != "audit_events":
                assert table.c[column].foreign_keys, f"{table.name}.{column} has no foreign key"


def test_every_encrypted_model_is_someone_elses_or_reached_by_the_person():
    """Every encrypted value lies under a person's key (and is found by person_id) or under an account's; or, for
    mail waiting to be delivered (about no one person, deleted once delivered), under the mail queue's own key."""
    found = {entry.table.name for entry in person_tables()}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if encrypted_attributes(cls) and cls.__tablename__ not in found:
            assert cls in (User, QueuedMail), f"{cls.__name__} has encrypted values but no person_id"


# --- the coordinator's page ---------------------------------------------------------------------------------------

@pytest.fixture
def no_retention(app):
    settings = app.config["ZORGTEAM"]
    app.config["ZORGTEAM"] = dataclasses.replace(settings, erasure_retention_days=0)
    yield
    app.config["ZORGTEAM"] = settings


def test_the_page_refuses_with_the_reason_while_the_period_runs(login_as, db, world):
    team = world.johan_team
    client = login_as("karim")
    page = client.get(f"/teams/{team.id}/erase")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "De bewaartermijn loopt nog tot" in text and 'name="confirm"' not in text
    assert client.post(f"/teams/{team.id}/erase", data={"confirm": "WISSEN"}).status_code == 409
    db.expire_all()
    assert db.get(CareTeam, team.id) is not None


def test_only_the_coordinator_may_erase(login_as, world):
    for key in ("tom", "maria", "johan"):
        assert login_as(key).get(f"/teams/{world.johan_team.id}/erase").status_code == 403


def test_the_coordinator_erases_after_typing_the_word_and_the_members_hear_of_it(
        login_as, db, world, lena, no_retention, smtp_inbox):
    client, team_id = login_as("karim"), lena.id
    url = f"/teams/{team_id}/erase"
    assert 'name="confirm"' in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"confirm": "wissen?"}).status_code == 422
    assert db.get(CareTeam, lena.id) is not None and smtp_inbox.messages == []
    response = client.post(url, data={"confirm": "WISSEN"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/teams/")
    db.expire_all()
    assert db.get(CareTeam, team_id) is None
    recipients = sorted(r for rcpt, _mail in smtp_inbox.messages for r in rcpt)
    expected = sorted(f"{key}@zorgteam.example" for key, *_ in JOHAN_TEAM if key != "johan")
    assert recipients == expected
    for _rcpt, mail in smtp_inbox.messages:
        body = mail.get_body().get_content()
        assert mail["Subject"] == "Een zorgteam werd gewist" and str(team_id)[:8] in body
        assert not any(word in body for word in ("Lena", "Claes", "Geel", "COPD", "Karim"))
    assert client.get(url).status_code == 404
    overview = client.get("/teams/").get_data(as_text=True)
    assert "Johan Peeters" in overview and str(team_id) not in overview


# --- the command line ---------------------------------------------------------------------------------------------

def test_the_command_refuses_with_the_reason_while_the_period_runs(app, db, lena):
    result = run(app, "erase-person", str(lena.id))
    assert result.exit_code != 0 and "retention period runs until" in result.output and "--force" in result.output
    assert db.get(CareTeam, lena.id) is not None


def test_the_command_forces_only_after_both_typed_confirmations(app, db, lena, outbox):
    team_id = lena.id
    wrong = run(app, "erase-person", str(lena.id), "--force", input=f"{lena.id}\nyes\n")
    assert wrong.exit_code != 0 and "nothing was erased" in wrong.output
    db.expire_all()
    assert db.get(CareTeam, lena.id) is not None
    done = run(app, "erase-person", str(team_id), "--force", input=f"{team_id}\nERASE DESPITE RETENTION\n")
    assert done.exit_code == 0, done.output
    assert "data key(s) destroyed" in done.output and "keys rotate --retire" in done.output
    db.expire_all()
    assert db.get(CareTeam, team_id) is None
    assert len(outbox()) == len(JOHAN_TEAM) - 1  # every member with an account, told without content
    assert run(app, "audit", "verify").exit_code == 0


def test_the_command_erases_after_the_period_with_one_confirmation(app, db, lena, no_retention):
    team_id = lena.id
    result = run(app, "erase-person", str(team_id), input=f"{team_id}\n")
    assert result.exit_code == 0, result.output
    db.expire_all()
    assert db.get(CareTeam, team_id) is None
