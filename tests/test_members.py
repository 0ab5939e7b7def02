"""Members: adding (as a contact), changing roles, ending, designations with history, the person's record, conflicts."""
from __future__ import annotations

from sqlalchemy import select

from models import Member, Person
from models.members import current_designations, designation_history


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/{path}"


def test_coordinator_adds_a_contact_without_an_account(login_as, world, db, outbox):
    client = login_as("karim")
    response = client.post(_url(world, "members/new"), data={
        "name": "Wim Peeters", "role": "informal_carer", "relation": "zoon", "phone": "0477 00 11 22",
        "reachability": "Weekends", "discipline": ""})
    assert response.status_code == 302
    wim = [m for m in db.scalars(select(Member).where(Member.team_id == world.johan_team.id)) if m.name == "Wim Peeters"]
    assert len(wim) == 1 and wim[0].user_id is None and wim[0].relation == "zoon"
    assert outbox() == []
    assert "Wim Peeters" in client.get(_url(world)).get_data(as_text=True)


def test_a_professional_needs_a_discipline_and_an_invitation_needs_an_email(login_as, world):
    page = login_as("karim").post(_url(world, "members/new"), data={
        "name": "Iemand", "role": "professional", "discipline": "", "send_invitation": "y"}).get_data(as_text=True)
    assert "Kies de discipline van deze zorgverlener." in page
    assert "Vul een e-mailadres in om een uitnodiging te sturen." in page


def test_only_the_coordinator_manages_members(login_as, world):
    assert login_as("tom").get(_url(world, "members/new")).status_code == 403
    assert login_as("maria").get(_url(world, "members/new")).status_code == 403


def test_changing_a_role_is_kept_and_a_stale_edit_is_refused(login_as, world, db):
    client = login_as("karim")
    jef = world.member("jef")
    form = {"name": "Jef Claes", "role": "informal_carer", "discipline": "", "relation": "buurman",
            "version": str(jef.version)}
    assert client.post(_url(world, f"members/{jef.id}/edit"), data=form).status_code == 302
    db.expire_all()
    assert db.get(Member, jef.id).role == "informal_carer"
    stale = client.post(_url(world, f"members/{jef.id}/edit"), data={**form, "name": "Jef C."})
    assert stale.status_code == 409
    assert "Iemand anders heeft dit teamlid intussen gewijzigd" in stale.get_data(as_text=True)
    db.expire_all()
    assert db.get(Member, jef.id).name == "Jef Claes"


def test_ending_a_membership_keeps_it_in_the_history(login_as, world, db):
    client = login_as("karim")
    lotte = world.member("lotte")
    assert client.post(_url(world, f"members/{lotte.id}/end"), data={"confirm": "yes"}).status_code == 302
    page = client.get(_url(world, "members/")).get_data(as_text=True)
    assert "Lotte Vermeulen" in page.split("Vroegere teamleden")[1]
    assert "<h3>Lotte Vermeulen</h3>" not in client.get(_url(world)).get_data(as_text=True)


def test_the_coordinator_cannot_leave_before_handing_over(login_as, world, db):
    client = login_as("karim")
    karim = world.member("karim")
    response = client.post(_url(world, f"members/{karim.id}/end"), data={"confirm": "yes"},
                           follow_redirects=True)
    assert "Draag eerst de rol van zorgcoördinator over" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Member, karim.id).ended_on is None


def test_handing_over_the_coordinator_keeps_the_history(login_as, world, db):
    client = login_as("karim")
    tom = world.member("tom")
    client.post(_url(world, "designations"), data={"kind": "coordinator", "member_id": str(tom.id)})
    team = world.johan_team
    assert current_designations(db, team)["coordinator"].member_id == tom.id
    coordinators = [d for d in designation_history(db, team) if d.kind == "coordinator"]
    assert [d.member.name for d in coordinators] == ["Tom Wouters", "Karim El Amrani"]
    assert coordinators[1].ended_at is not None
    # Karim lost the permissions that came with the designation, on the very next request.
    assert client.get(_url(world, "members/new")).status_code == 403


def test_the_person_can_be_their_own_coordinator(login_as, world, db):
    client = login_as("maria")  # the representative decides on designations
    johan = world.member("johan")
    client.post(_url(world, "designations"), data={"kind": "coordinator", "member_id": str(johan.id)})
    assert current_designations(db, world.johan_team)["coordinator"].member_id == johan.id


def test_there_is_always_a_coordinator(login_as, world, db):
    login_as("karim").post(_url(world, "designations"), data={"kind": "coordinator", "member_id": ""})
    assert current_designations(db, world.johan_team)["coordinator"].member_id == world.member("karim").id


def test_the_person_record_checks_the_insz(login_as, world, db):
    client = login_as("karim")
    person = world.johan_team.person
    form = {"given_name": "Johan", "family_name": "Peeters", "birth_date": "1947-03-12", "insz": "47.03.12-123.41",
            "street": "Kerkstraat 12", "postcode": "2440", "city": "Geel", "language": "nl",
            "version": str(person.version)}
    page = client.post(_url(world, "person"), data=form).get_data(as_text=True)
    assert "Het controlegetal van dit INSZ-nummer klopt niet" in page
    response = client.post(_url(world, "person"), data={**form, "insz": "47031212340", "street": "Kerkstraat 14"})
    assert response.status_code == 302
    db.expire_all()
    assert db.get(Person, person.id).address["street"] == "Kerkstraat 14"


def test_a_family_carer_cannot_edit_the_person_record(login_as, world):
    assert login_as("an").get(_url(world, "person")).status_code == 403


def test_an_insz_already_used_by_another_person_is_refused_with_a_message(login_as, world, db):
    client = login_as("hanne")
    rita = world.rita_team.person
    form = {"given_name": "Rita", "family_name": "Vos", "birth_date": "1947-03-12", "insz": "47.03.12-123.40",
            "language": "nl", "version": str(rita.version)}
    response = client.post(f"/teams/{world.rita_team.id}/person", data=form)
    assert response.status_code == 422
    assert "al in gebruik voor een andere persoon" in response.get_data(as_text=True)


def test_ending_a_membership_asks_first_and_says_what_happens(login_as, world, db):
    client = login_as("karim")
    lotte = world.member("lotte")
    members = client.get(_url(world, "members/")).get_data(as_text=True)
    assert f'href="/teams/{world.johan_team.id}/members/{lotte.id}/end"' in members  # a link, not a button that acts
    question = client.get(_url(world, f"members/{lotte.id}/end")).get_data(as_text=True)
    assert "Weet u het zeker?" in question and "Lotte Vermeulen kan het zorgteam vanaf nu niet meer openen." in question
    assert 'name="confirm" value="yes"' in question
    unconfirmed = client.post(_url(world, f"members/{lotte.id}/end"))  # an old form, or a script without it
    assert unconfirmed.status_code == 200 and "Weet u het zeker?" in unconfirmed.get_data(as_text=True)
    db.expire_all()
    assert db.get(Member, lotte.id).ended_on is None
    assert client.post(_url(world, f"members/{lotte.id}/end"), data={"confirm": "yes"}).status_code == 302
    db.expire_all()
    assert db.get(Member, lotte.id).ended_on is not None
