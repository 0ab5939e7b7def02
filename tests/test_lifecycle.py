"""A team's life: starting one (/teams/new, `flask create-team`) with the person, the care question, consent and
the first members; closing it with a reason and a date, after which it is read-only and the retention runs."""
from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, CareTeam, Member, User
from models.agreements import Agreement, open_agreements
from models.consent import ConsentEvent
from models.erasure import ErasureRefused, erase, retention_of
from models.info import items_of
from models.meetings import meetings_of
from models.members import NotAllowed, add_member, current_designations, load_membership
from models.lifecycle import close_team
from models.permissions import PERSONS_RIGHTS, WHEN_CLOSED, Permission
from models.people import find_by_insz
from models.revisions import restrict
from tests.test_access import OWNER_RULE, TEAM_ROUTES, _request, concrete_url
from tests.test_accounts import NEW_PASSWORD, _link, _mails

RITA_INSZ = "38.06.02-214.81"
NEW_INSZ = "52.11.30-155.17"  # checksum valid for a birth in 1952


def _form(**changes) -> dict:
    data = {"given_name": "Marcel", "family_name": "Janssens", "birth_date": "1952-11-30", "insz": NEW_INSZ,
            "street": "Pastorijstraat 4", "postcode": "2400", "city": "Mol", "phone": "014 31 22 33",
            "language": "nl", "gp": "dr. Wouters", "care_question": "Ik wil thuis blijven, maar wassen lukt niet meer.",
            "care_level": "complex", "consent_method": "on_paper", "consent_given": "y", "my_role": "professional",
            "my_discipline": "social_worker", "my_organisation": "Ziekenfonds", "my_phone": "0470 00 00 01",
            "members-0-name": "Nina Claes", "members-0-role": "professional", "members-0-discipline": "home_nurse",
            "members-0-email": "nina@zorgteam.example", "members-1-name": "Paul Janssens",
            "members-1-role": "informal_carer", "members-1-discipline": "", "members-1-email": "",
            "members-2-name": "", "members-2-role": "informal_carer", "members-2-discipline": "",
            "members-2-email": "", "coordinator": "me"}
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _new_team(db) -> CareTeam:
    db.expire_all()
    return db.scalar(select(CareTeam).where(CareTeam.person_id == find_by_insz(db, NEW_INSZ).id))


def _members(db, team) -> dict[str, Member]:
    return {m.name: m for m in db.scalars(select(Member).where(Member.team_id == team.id))}


# --- starting a team on /teams/new --------------------------------------------------------------------------------

def test_any_account_starts_a_team_and_becomes_its_coordinator(login_as, db, world, outbox):
    client = login_as("hanne")
    assert "Een zorgteam starten" in client.get("/teams/").get_data(as_text=True)
    assert client.get("/teams/new").status_code == 200
    response = client.post("/teams/new", data=_form())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    team = _new_team(db)
    assert response.headers["Location"] == f"/teams/{team.id}/"
    assert team.person.full_name == "Marcel Janssens" and team.person.address["city"] == "Mol"
    assert team.care_level == "complex" and team.care_question.startswith("Ik wil thuis blijven")
    members = _members(db, team)
    assert {n: m.role for n, m in members.items()} == {
        "Marcel Janssens": "person", "Hanne Verheust": "professional", "Nina Claes": "professional",
        "Paul Janssens": "informal_carer"}
    assert current_designations(db, team)["coordinator"].member_id == members["Hanne Verheust"].id
    assert members["Hanne Verheust"].discipline == "social_worker"
    methods = {e.method for e in db.scalars(select(ConsentEvent).where(ConsentEvent.team_id == team.id))}
    assert methods == {"on_paper"}
    page = client.get(f"/teams/{team.id}/").get_data(as_text=True)
    assert "Ik wil thuis blijven, maar wassen lukt niet meer." in page and "Complexe zorg" in page


def test_the_start_is_audited_as_the_founder_and_the_person_data_is_encrypted(login_as, db, world, outbox):
    login_as("hanne").post("/teams/new", data=_form())
    team = _new_team(db)
    events = list(db.scalars(select(AuditEvent).where(AuditEvent.team_id == team.id)))
    hanne = world.user("hanne").id
    assert ("create", "care_teams", hanne) in {(e.action, e.object_type, e.actor_id) for e in events}
    assert [e.actor_id for e in events if e.action == "invite"] == [hanne]
    assert b"wassen" not in team._care_question and team._care_question[:1] == b"\x01"


def test_a_first_member_with_an_address_is_invited_and_sees_the_team(app, login_as, db, world, outbox):
    login_as("hanne").post("/teams/new", data=_form())
    [mail] = _mails(outbox)
    assert mail["To"] == "nina@zorgteam.example" and "M.J." in mail.get_content()
    assert "Marcel" not in mail.get_content()
    nina = app.test_client()
    link = _link(mail)
    assert nina.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert "Marcel Janssens" in nina.get("/teams/").get_data(as_text=True)
    assert nina.get(f"/teams/{_new_team(db).id}/").status_code == 200


@pytest.mark.parametrize("changes, message", [
    ({"consent_given": None}, "Zonder toestemming van de persoon kan er geen zorgteam starten."),
    ({"consent_method": None}, "Kies hoe de persoon toestemming gaf."),
    ({"care_question": ""}, "Vul de zorgvraag in."),
    ({"care_question": "x" * 2001}, "Dit is te lang: hoogstens 2000 tekens, nu 2001."),
    ({"given_name": ""}, "Vul de voornaam in."),
    ({"my_discipline": ""}, "Kies de discipline van deze zorgverlener."),
    ({"members-0-discipline": ""}, "Kies de discipline van deze zorgverlener."),
    ({"members-2-email": "iemand@zorgteam.example"}, "Vul ook de naam in."),
    ({"members-2-name": "x" * 201}, "Dit is te lang: hoogstens 200 tekens, nu 201."),
    ({"coordinator": "3"}, "Vul de naam van dat teamlid in"),
    ({"coordinator": "4"}, "Ongeldige keuze."),  # no such row (Hypothesis found a 500 here)
    ({"coordinator": "0"}, "Ongeldige keuze."),  # not the last row, as a Python index would say
    ({"coordinator": "²"}, "Ongeldige keuze."),  # a digit to str.isdigit, not to int()
    ({"insz": "52.11.30-155.16"}, "Het controlegetal van dit INSZ-nummer klopt niet."),
    ({"birth_date": "1953-11-30"}, "Het INSZ-nummer past niet bij de geboortedatum."),
])
def test_what_is_missing_or_wrong_is_said_and_nothing_is_created(login_as, db, outbox, changes, message):
    response = login_as("hanne").post("/teams/new", data=_form(**changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert find_by_insz(db, NEW_INSZ) is None and outbox() == []


def test_an_insz_that_has_a_team_is_refused_without_saying_whose(login_as, db, world):
    """Hanne is not in Johan's team: she learns that a team exists, not whose or who coordinates it."""
    response = login_as("hanne").post("/teams/new", data=_form(insz="47.03.12-123.40", birth_date="1947-03-12"))
    text = response.get_data(as_text=True)
    assert response.status_code == 422 and "Voor deze persoon bestaat er al een zorgteam." in text
    assert not any(word in text for word in ("Johan", "Peeters", "Karim", str(world.johan_team.id)))
    db.expire_all()
    [looked_up] = db.scalars(select(AuditEvent).where(AuditEvent.team_id == world.johan_team.id,
                                                      AuditEvent.category == "insz"))
    assert (looked_up.actor_id, looked_up.outcome) == (world.user("hanne").id, "denied")
    assert find_by_insz(db, NEW_INSZ) is None


def test_a_member_of_that_team_is_told_so(login_as):
    text = login_as("karim").post("/teams/new", data=_form(insz=RITA_INSZ, birth_date="1938-06-02"))
    assert "Voor deze persoon bestaat er al een zorgteam." in text.get_data(as_text=True)
    text = login_as("hanne").post("/teams/new", data=_form(insz=RITA_INSZ, birth_date="1938-06-02"))
    assert "U bent al lid van het zorgteam van deze persoon." in text.get_data(as_text=True)


@pytest.mark.parametrize("choice, coordinator", [("1", "Nina Claes"), ("2", "Paul Janssens"),
                                                 ("person", "Marcel Janssens")])
def test_someone_else_may_coordinate_from_the_start(login_as, db, outbox, choice, coordinator):
    assert login_as("hanne").post("/teams/new", data=_form(coordinator=choice)).status_code == 302
    team = _new_team(db)
    members = _members(db, team)
    assert current_designations(db, team)["coordinator"].member_id == members[coordinator].id
    assert members["Hanne Verheust"].active  # the founder stays a member


def test_a_team_without_an_insz_or_first_members_is_fine(login_as, db, world):
    empty = {f"members-{i}-name": "" for i in range(3)} | {"members-0-email": ""}
    response = login_as("jef").post("/teams/new", data=_form(insz="", my_role="volunteer", my_discipline="",
                                                              **empty))
    assert response.status_code == 302
    team = db.get(CareTeam, uuid.UUID(response.headers["Location"].split("/")[2]))
    assert sorted(_members(db, team)) == ["Jef Claes", "Marcel Janssens"]


# --- the command line ---------------------------------------------------------------------------------------------

def _run(app, *args, input=None):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["create-team", *args], input=input)


SCRIPTED = ("--coordinator", "hanne@zorgteam.example", "--role", "professional", "--discipline", "home_nurse",
            "--given-name", "Marcel", "--family-name", "Janssens", "--birth-date", "1952-11-30",
            "--insz", NEW_INSZ, "--care-question", "Ik wil thuis blijven.", "--care-level", "simple",
            "--consent", "in_person")


def test_the_command_starts_a_team_with_options(app, db, world):
    result = _run(app, *SCRIPTED)
    assert result.exit_code == 0, result.output
    team = _new_team(db)
    assert f"Care team {team.id} created" in result.output
    assert team.care_question == "Ik wil thuis blijven." and team.care_level == "simple"
    coordinator = load_membership(db, team.id, world.user("hanne").id)
    assert "coordinator" in coordinator.held and coordinator.discipline == "home_nurse"


def test_the_command_asks_for_what_it_needs(app, db):
    answers = "\n".join(["hanne@zorgteam.example", "case_manager", "Marcel", "Janssens", "", "",
                         "Hulp bij het wassen.", "complex", "by_representative", "social_worker"]) + "\n"
    result = _run(app, input=answers)
    assert result.exit_code == 0, result.output
    assert "Discipline" in result.output
    db.expire_all()
    complex_care = {t.person.full_name: t for t in db.scalars(select(CareTeam).where(CareTeam.care_level == "complex"))}
    assert "Marcel Janssens" in complex_care and complex_care["Marcel Janssens"].person.insz is None


@pytest.mark.parametrize("changes, message", [
    ({"--coordinator": "niemand@zorgteam.example"}, "Er bestaat geen account met dit e-mailadres"),
    ({"--insz": "47.03.12-123.40", "--birth-date": "1947-03-12"}, "Voor deze persoon bestaat er al een zorgteam."),
    ({"--birth-date": "30/11/1952"}, "JJJJ-MM-DD"),
])
def test_the_command_refuses_with_the_reason(app, db, changes, message):
    args = list(SCRIPTED)
    for option, value in changes.items():
        args[args.index(option) + 1] = value
    result = _run(app, *args)
    assert result.exit_code != 0 and message in result.output
    assert db.scalar(select(User).where(User.email == "niemand@zorgteam.example")) is None


# --- closing a team -----------------------------------------------------------------------------------------------

def _close(client, team, **changes):
    data = {"reason": "nursing_home", "note": "", "on": date.today().isoformat(), **changes}
    return client.post(f"/teams/{team.id}/close", data=data)


def test_the_coordinator_closes_the_team_and_its_plans_are_cancelled(login_as, db, world, outbox):
    team = world.johan_team
    planned = [m for m in meetings_of(db, team.id) if m.is_planned]
    assert planned and open_agreements(db, team.id)
    client = login_as("karim")
    assert "Zorgteam afsluiten" in client.get(f"/teams/{team.id}/").get_data(as_text=True)
    assert client.get(f"/teams/{team.id}/close").status_code == 200
    response = _close(client, team, reason="died")
    assert response.status_code == 302 and response.headers["Location"] == f"/teams/{team.id}/"
    db.expire_all()
    team = db.get(CareTeam, team.id)
    assert team.closed_on == date.today() and team.closed_reason == "died" and team.closed_by_id
    assert {m.status for m in meetings_of(db, team.id) if m.id in {p.id for p in planned}} == {"cancelled"}
    assert open_agreements(db, team.id) == []
    assert {a.status for a in db.scalars(select(Agreement).where(Agreement.team_id == team.id))} <= {
        "cancelled", "done", "declined"}
    cancels = [text for text in outbox() if "METHOD:CANCEL" in text]
    assert len(cancels) == len(planned[0].invitees)
    [closed] = db.scalars(select(AuditEvent).where(AuditEvent.team_id == team.id, AuditEvent.action == "close"))
    assert closed.actor_id == world.user("karim").id


def test_a_closed_team_is_read_only_with_a_clear_message(login_as, db, world):
    team = world.johan_team
    _close(login_as("karim"), team)
    for key in ("karim", "maria", "jef"):
        client = login_as(key)
        overview = client.get(f"/teams/{team.id}/")
        assert overview.status_code == 200 and "Dit zorgteam werd afgesloten op" in overview.get_data(as_text=True)
        assert client.get(f"/teams/{team.id}/messages/").status_code == 200
        refused = client.post(f"/teams/{team.id}/messages/", data={"body": "Nog een vraag", "audience": "team"})
        assert refused.status_code == 409
        assert "er kan niets meer gewijzigd of toegevoegd worden" in refused.get_data(as_text=True)
    karim = login_as("karim")
    refused = karim.post(f"/teams/{team.id}/members/new", data={"name": "Wim", "role": "informal_carer"})
    assert refused.status_code == 409 and "Wim" not in _members(db, team)
    assert "Er werd niets bewaard." in refused.get_data(as_text=True)
    form_page = karim.get(f"/teams/{team.id}/members/new")
    assert form_page.status_code == 409 and "Er werd niets bewaard." not in form_page.get_data(as_text=True)
    assert karim.get(f"/teams/{team.id}/close").status_code == 409
    assert _close(karim, team).status_code == 409
    denied = db.scalars(select(AuditEvent).where(AuditEvent.team_id == team.id, AuditEvent.category == "team:closed"))
    assert len(list(denied)) == 7


def test_a_closed_team_offers_no_changes_and_its_domain_refuses_them(login_as, db, world):
    team = world.johan_team
    client = login_as("karim")
    assert "Gegevens aanpassen" in client.get(f"/teams/{team.id}/").get_data(as_text=True)
    _close(client, team)
    overview = client.get(f"/teams/{team.id}/").get_data(as_text=True)
    assert "Gegevens aanpassen" not in overview and "Zorgteam afsluiten" not in overview
    db.expire_all()
    karim = load_membership(db, team.id, world.user("karim").id)
    assert karim.may(Permission.TEAM_VIEW) and karim.may(Permission.RECORD_EXPORT)
    assert not karim.may(Permission.MEMBERS_MANAGE) and not karim.may(Permission.MESSAGES_POST)
    with pytest.raises(NotAllowed):
        add_member(db, db.get(CareTeam, team.id), karim, role="informal_carer", name="Wim Peeters")


def test_closed_teams_are_listed_apart(login_as, world):
    _close(login_as("karim"), world.johan_team)
    page = login_as("karim").get("/teams/").get_data(as_text=True)
    open_part, closed_part = page.split("Afgesloten zorgteams")
    assert "Johan Peeters" in closed_part and "Johan Peeters" not in open_part
    assert "Rita Vos" not in page  # Karim is not in Rita's team


@pytest.mark.parametrize("changes, message", [
    ({"reason": "other"}, "Beschrijf waarom het zorgteam afgesloten wordt."),
    ({"reason": ""}, "Kies waarom het zorgteam afgesloten wordt."),
    ({"on": (date.today() + timedelta(days=1)).isoformat()}, "De datum van afsluiten kan niet in de toekomst liggen."),
    ({"on": (date.today() - timedelta(days=400)).isoformat()}, "vóór de start van het zorgteam"),
    ({"reason": "other", "note": "x" * 501}, "Dit is te lang: hoogstens 500 tekens, nu 501."),
])
def test_closing_says_what_is_missing(login_as, db, world, changes, message):
    response = _close(login_as("karim"), world.johan_team, **changes)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert not db.get(CareTeam, world.johan_team.id).closed


def test_only_the_coordinator_closes(login_as, world):
    for key in ("johan", "maria", "tom", "griet"):
        assert _close(login_as(key), world.johan_team).status_code == 403
    assert _close(login_as("hanne"), world.johan_team).status_code == 404


def test_another_reason_is_kept_in_words_encrypted(login_as, db, world):
    _close(login_as("karim"), world.johan_team, reason="other", note="Verhuisd naar zijn dochter in Gent.")
    db.expire_all()
    team = db.get(CareTeam, world.johan_team.id)
    assert team.closed_note == "Verhuisd naar zijn dochter in Gent." and b"Gent" not in team._closed_note
    assert "Verhuisd naar zijn dochter in Gent." in login_as("karim").get(f"/teams/{team.id}/").get_data(
        as_text=True)


# --- retention from the closing date --------------------------------------------------------------------------------

def test_the_retention_runs_from_the_closing_date_and_later_changes_do_not_extend_it(login_as, db, world):
    team = world.johan_team
    _close(login_as("karim"), team)
    db.expire_all()
    team = db.get(CareTeam, team.id)
    retention = retention_of(db, team, 30)
    assert retention.closed and retention.last_activity.date() == date.today()
    assert retention.ends.date() == date.today() + timedelta(days=30)
    with pytest.raises(ErasureRefused, match="het zorgteam werd afgesloten op"):
        erase(db, team, None, retention_days=30)
    restrict(db, team, load_membership(db, team.id, world.user("johan").id), items_of(db, team.id, "contacts")[0])
    db.flush()
    assert retention_of(db, team, 30).ends == retention.ends


def test_the_persons_rights_stay_open_in_a_closed_team(app, login_as, db, world):
    team = world.johan_team
    _close(login_as("karim"), team)
    karim = login_as("karim")
    assert karim.get(f"/teams/{team.id}/export/record.json").status_code == 200
    refused = karim.post(f"/teams/{team.id}/erase", data={"confirm": "WISSEN"})
    assert refused.status_code == 409 and "afgesloten op" in refused.get_data(as_text=True)
    assert "De bewaartermijn loopt nog tot" in refused.get_data(as_text=True)  # the erasure's own answer
    settings = app.config["ZORGTEAM"]
    app.config["ZORGTEAM"] = dataclasses.replace(settings, erasure_retention_days=0)
    try:
        assert karim.post(f"/teams/{team.id}/erase", data={"confirm": "WISSEN"}).status_code == 302
    finally:
        app.config["ZORGTEAM"] = settings
    assert db.scalar(select(CareTeam.id).where(CareTeam.id == team.id)) is None


def test_the_export_tells_that_the_team_was_closed(app, login_as, db, world):
    _close(login_as("karim"), world.johan_team, reason="died")
    with app.app_context():
        runner = app.test_cli_runner()
        document = json.loads(runner.invoke(args=["export-person", str(world.johan_team.id)]).output)
        bundle = json.loads(runner.invoke(args=["export-person", str(world.johan_team.id), "--format",
                                                "fhir"]).output)
    assert document["team"]["closed_on"] == date.today().isoformat() and document["team"]["closed_reason"] == "died"
    [team] = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "CareTeam"]
    assert team["status"] == "inactive" and team["period"]["end"] == date.today().isoformat()


# --- every team route of a closed team, generated from the url_map as in tests/test_access.py -----------------------

@pytest.fixture
def closed_johan(db, world):
    team = world.johan_team
    close_team(db, team, load_membership(db, team.id, world.user("karim").id), reason="no_longer_needed",
               on=date.today())
    db.commit()
    return team


@pytest.mark.parametrize("route", TEAM_ROUTES, ids=str)
def test_a_closed_team_refuses_every_change_but_the_persons_rights(app, login_as, world, closed_johan, route):
    """As its coordinator: reading pages still answer, every POST and every page for a change answers 409 with the
    'closed' page, except export, restriction and erasure (the person's rights over the record)."""
    response = _request(login_as("karim"), route, concrete_url(app, world, route, closed_johan))
    refused = response.status_code == 409 and "Dit zorgteam is afgesloten" in response.get_data(as_text=True)
    open_to = route.permission in PERSONS_RIGHTS or (
        route.method == "GET" and route.permission in WHEN_CLOSED and not route.change_form)
    assert refused != open_to, f"{route.method} {route.rule} answered {response.status_code}"
    if open_to:  # on an agreement's pages the owner rule decides too: Karim no longer manages agreements
        assert response.status_code not in ((404, 500) if route.endpoint in OWNER_RULE else (403, 404, 500))


@pytest.mark.parametrize("route", [r for r in TEAM_ROUTES if r.changes_too and r.permission in WHEN_CLOSED
                                   and r.permission not in PERSONS_RIGHTS], ids=str)
def test_a_form_for_a_change_guarded_by_a_reading_permission_is_declared_so(route):
    """Such a form page (declining an agreement, a medication problem, meeting feedback) would otherwise open on
    a closed team and be refused only when sent: it must say `change_form=True`, so the guard refuses it first."""
    assert route.change_form, f"{route.rule} shows a form for a change: declare it with change_form=True"


def test_the_owner_of_an_agreement_in_a_closed_team_gets_the_closed_page_not_the_decline_form(
        login_as, db, world, closed_johan):
    maria = world.member("maria")
    owned = db.scalars(select(Agreement).where(Agreement.owner_id == maria.id)).first()
    page = login_as("maria").get(f"/teams/{closed_johan.id}/agreements/{owned.id}/decline")
    assert page.status_code == 409 and "Dit zorgteam is afgesloten" in page.get_data(as_text=True)


def test_the_refusal_page_says_it_once(login_as, world, closed_johan):
    page = login_as("maria").get(f"/teams/{closed_johan.id}/members/new").get_data(as_text=True)
    assert "Dit zorgteam is afgesloten" in page and "closed-banner" not in page
    assert "closed-banner" in login_as("maria").get(f"/teams/{closed_johan.id}/goals/").get_data(as_text=True)


def test_the_person_may_be_invited_from_the_start(app, login_as, db, outbox):
    assert login_as("hanne").post("/teams/new", data=_form(person_email="Marcel@zorgteam.example")).status_code == 302
    assert sorted(m["To"] for m in _mails(outbox)) == ["marcel@zorgteam.example", "nina@zorgteam.example"]
    marcel = app.test_client()
    link = _link(next(m for m in _mails(outbox) if m["To"] == "marcel@zorgteam.example"))
    assert marcel.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    team = _new_team(db)
    assert marcel.get(f"/teams/{team.id}/access-log/").status_code == 200  # the person sees who looked
    assert _members(db, team)["Marcel Janssens"].email == "marcel@zorgteam.example"


def test_an_address_used_twice_is_refused(login_as, db, outbox):
    response = login_as("hanne").post("/teams/new", data=_form(person_email="hanne@zorgteam.example"))
    assert response.status_code == 422
    assert "Iemand met dit e-mailadres is al lid van het zorgteam." in response.get_data(as_text=True)
    assert find_by_insz(db, NEW_INSZ) is None
