"""The social map, round two: contact persons of an organisation (zone staff add, change with a stale check and
remove them; everyone sees them), a new member filled in from a contact person without any script, and an
organisation typed for a new member proposed for the map, which zone staff accept (linking the member) or reject."""
from __future__ import annotations

import html

from sqlalchemy import inspect, select

from datetime import date

from models import AuditEvent, Contact, Member, Organisation, Proposal
from models.lifecycle import close_team
from models.members import load_membership
from models.socialmap.contacts import all_contacts
from models.socialmap.proposals import accept

GONE = "00000000-0000-0000-0000-000000000000"


def _named(db, name) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def _contact(db, name) -> Contact:
    return db.scalar(select(Contact).where(Contact.name == name))


def _member_named(db, world, name) -> Member:
    found = [m for m in db.scalars(select(Member).where(Member.team_id == world.johan_team.id)) if m.name == name]
    assert len(found) == 1, found
    return found[0]


def _new_member_url(world, query=""):
    return f"/teams/{world.johan_team.id}/members/new{query}"


def _audited(db, target, action) -> list[AuditEvent]:
    return list(db.scalars(select(AuditEvent).where(AuditEvent.object_id == str(target.id),
                                                    AuditEvent.action == action)))


# --- contact persons ----------------------------------------------------------------------------------------------

def test_the_demo_has_contact_persons_at_the_home_nursing_and_the_first_points_of_contact(db):
    names = {(c.organisation.name, c.name) for c in all_contacts(db)}
    assert {("Thuisverpleging Kempen", "Evi Mertens"), ("Welzijnshuis De Sleutel", "Nele Goossens"),
            ("Onthaalpunt Welzijn Mol", "Sara Jacobs")} <= names


def test_everyone_sees_the_contact_persons_on_the_organisation_page(login_as, db):
    organisation = _named(db, "Thuisverpleging Kempen")
    page = login_as("jef").get(f"/socialmap/{organisation.id}").get_data(as_text=True)
    assert "Contactpersonen" in page and "Evi Mertens" in page and "Hoofdverpleegkundige regio Geel" in page
    assert 'href="tel:014582021"' in page and "thuisverpleegkundige" in page
    assert "Contactpersoon toevoegen" not in page and "/edit" not in page


def test_griet_adds_a_contact_person_and_it_is_audited(login_as, db):
    organisation = _named(db, "Gezinszorg Kempenland")
    griet = login_as("griet")
    assert griet.get(f"/socialmap/{organisation.id}/contacts/new").status_code == 200
    response = griet.post(f"/socialmap/{organisation.id}/contacts/new", data={
        "name": "Ilse Verhaegen", "discipline": "home_help", "function": "Verzorgende", "phone": "014 57 40 41",
        "email": "Ilse@Gezinszorg.example", "reachability": "Werkdagen 8-16 uur"})
    assert response.status_code == 302
    ilse = _contact(db, "Ilse Verhaegen")
    assert (ilse.organisation_id, ilse.discipline, ilse.email) == (organisation.id, "home_help", "ilse@gezinszorg.example")
    assert [e.category for e in _audited(db, ilse, "create")] == ["socialmap"]
    assert "Ilse Verhaegen" in griet.get(f"/socialmap/{organisation.id}").get_data(as_text=True)


def test_a_contact_person_needs_a_name_a_valid_address_and_text_within_its_limit(login_as, db):
    organisation = _named(db, "Gezinszorg Kempenland")
    url = f"/socialmap/{organisation.id}/contacts/new"
    page = login_as("griet").post(url, data={"name": "", "email": "geen-adres", "function": "x" * 201}).get_data(
        as_text=True)
    assert "Vul de naam van de contactpersoon in." in page and "Dit is geen geldig e-mailadres." in page
    assert "Dit is te lang: hoogstens 200 tekens, nu 201." in page
    assert not organisation.contacts


def test_only_zone_staff_manage_contact_persons(login_as, db):
    evi = _contact(db, "Evi Mertens")
    tom = login_as("tom")
    assert tom.get(f"/socialmap/{evi.organisation_id}/contacts/new").status_code == 403
    assert tom.post(f"/socialmap/contacts/{evi.id}/edit", data={"name": "Weg"}).status_code == 403
    assert tom.post(f"/socialmap/contacts/{evi.id}/remove").status_code == 403
    assert login_as("griet").get(f"/socialmap/contacts/{GONE}/edit").status_code == 404
    assert login_as("griet").get("/socialmap/contacts/geen-id/edit").status_code == 404
    db.expire_all()
    assert _contact(db, "Evi Mertens") is not None


def test_a_stale_edit_of_a_contact_person_is_refused(login_as, db):
    evi = _contact(db, "Evi Mertens")
    form = {"name": "Evi Mertens", "discipline": "home_nurse", "version": str(evi.version)}
    griet = login_as("griet")
    assert griet.post(f"/socialmap/contacts/{evi.id}/edit", data={**form, "phone": "014 11 11 11"}).status_code == 302
    stale = griet.post(f"/socialmap/contacts/{evi.id}/edit", data={**form, "phone": "014 22 22 22"})
    assert stale.status_code == 409
    assert "Iemand anders heeft deze contactpersoon intussen gewijzigd" in stale.get_data(as_text=True)
    db.expire_all()
    assert _contact(db, "Evi Mertens").phone == "014 11 11 11"


def test_removing_a_contact_person_leaves_the_member_made_from_it(login_as, db, world):
    evi = _contact(db, "Evi Mertens")
    karim = login_as("karim")
    karim.post(_new_member_url(world), data={"name": "Evi Mertens", "role": "professional", "discipline": "home_nurse",
                                             "directory_organisation": str(evi.organisation_id), "phone": evi.phone})
    response = login_as("griet").post(f"/socialmap/contacts/{evi.id}/remove", follow_redirects=True)
    assert "Evi Mertens staat niet meer bij de contactpersonen." in response.get_data(as_text=True)
    db.expire_all()
    assert _contact(db, "Evi Mertens") is None
    assert _member_named(db, world, "Evi Mertens").phone == "014 58 20 21"


# --- a new member from a contact person ------------------------------------------------------------------------------

def test_choosing_a_contact_person_fills_in_the_new_member_without_script(login_as, db, world):
    evi = _contact(db, "Evi Mertens")
    karim = login_as("karim")
    empty = karim.get(_new_member_url(world)).get_data(as_text=True)
    assert '<form method="get"' in empty and "Evi Mertens (thuisverpleegkundige), Thuisverpleging Kempen" in empty
    page = html.unescape(karim.get(_new_member_url(world, f"?contact={evi.id}")).get_data(as_text=True))
    assert "Ingevuld met de gegevens van Evi Mertens (Thuisverpleging Kempen)." in page
    assert 'value="Evi Mertens"' in page and 'value="evi.mertens@thuisverplegingkempen.example"' in page
    assert '<option selected value="home_nurse">' in page and '<option selected value="professional">' in page
    assert f'<option selected value="{evi.organisation_id}">' in page
    assert "Werkdagen 8-12 uur; daarna de permanentie." in page
    db.expire_all()
    assert [m for m in db.scalars(select(Member)) if m.name == "Evi Mertens"] == []  # choosing saved nothing


def test_the_member_made_from_a_contact_person_points_to_the_organisation_and_keeps_its_copy_encrypted(
        login_as, db, world):
    evi = _contact(db, "Evi Mertens")
    response = login_as("karim").post(_new_member_url(world, f"?contact={evi.id}"), data={
        "name": evi.name, "role": "professional", "discipline": evi.discipline, "organisation": "",
        "directory_organisation": str(evi.organisation_id), "phone": evi.phone, "email": evi.email,
        "reachability": evi.reachability})
    assert response.status_code == 302
    member = _member_named(db, world, "Evi Mertens")
    assert (member.organisation_id, member.organisation, member.email) == (
        evi.organisation_id, "Thuisverpleging Kempen", "evi.mertens@thuisverplegingkempen.example")
    for column in ("_name", "_organisation", "_phone", "_email", "_reachability"):
        stored = getattr(member, column)
        assert stored[:1] == b"\x01" and b"Evi" not in stored and b"Kempen" not in stored


def test_an_unknown_contact_person_is_explained(login_as, world):
    for bad in (GONE, "geen-id"):
        response = login_as("karim").get(_new_member_url(world, f"?contact={bad}"))
        assert response.status_code == 200
        assert "Deze contactpersoon staat niet (meer) op de sociale kaart." in response.get_data(as_text=True)


# --- proposing a new organisation -------------------------------------------------------------------------------

def _propose(client, world, name="Mevrouw Dierickx", organisation="Thuishulp Het Anker  Geel"):
    return client.post(_new_member_url(world), data={
        "name": name, "role": "professional", "discipline": "home_help", "organisation": organisation,
        "propose_organisation": "y"})


def test_a_typed_organisation_is_proposed_with_its_name_only(login_as, db, world):
    assert _propose(login_as("karim"), world).status_code == 302
    member = _member_named(db, world, "Mevrouw Dierickx")
    proposal = db.get(Proposal, member.proposal_id)
    assert (proposal.name, proposal.status, proposal.proposed_by_id) == (
        "Thuishulp Het Anker Geel", "pending", world.user("karim").id)
    assert member.organisation_id is None
    columns = {c.key for c in inspect(Proposal).columns}
    assert not columns & {"team_id", "person_id", "member_id"}  # the member holds the link, not the proposal
    created = _audited(db, proposal, "create")
    assert len(created) == 1 and created[0].team_id == world.johan_team.id


def test_proposing_needs_a_typed_name_and_not_a_picked_organisation(login_as, db, world):
    karim = login_as("karim")
    page = _propose(karim, world, organisation="").get_data(as_text=True)
    assert "Typ de naam van de organisatie die u wil voorstellen." in page
    picked = _named(db, "Gezinszorg Kempenland")
    page = karim.post(_new_member_url(world), data={
        "name": "Iemand", "role": "volunteer", "directory_organisation": str(picked.id), "organisation": "",
        "propose_organisation": "y"}).get_data(as_text=True)
    assert "U koos de organisatie al op de sociale kaart" in page
    assert db.scalar(select(Proposal)) is None


def test_griet_accepts_a_proposal_it_becomes_an_organisation_and_the_member_points_to_it(login_as, db, world):
    _propose(login_as("karim"), world)
    proposal = db.scalar(select(Proposal))
    griet = login_as("griet")
    listing = griet.get("/socialmap/proposals/").get_data(as_text=True)
    assert "Thuishulp Het Anker Geel" in listing and "Mevrouw Dierickx" not in listing
    assert "Voorstellen (1 wacht)" in griet.get("/socialmap/").get_data(as_text=True)
    form = griet.get(f"/socialmap/proposals/{proposal.id}").get_data(as_text=True)
    assert 'value="Thuishulp Het Anker Geel"' in form
    response = griet.post(f"/socialmap/proposals/{proposal.id}", data={
        "name": "Thuishulp Het Anker", "kind": "thuiszorg", "phone": "014 99 88 77", "postcode": "2440",
        "city": "Geel"})
    assert response.status_code == 302
    db.expire_all()
    organisation = _named(db, "Thuishulp Het Anker")
    assert (organisation.source, organisation.city) == ("manual", "Geel")
    member = _member_named(db, world, "Mevrouw Dierickx")
    assert member.organisation_id == organisation.id
    assert db.get(Proposal, proposal.id).status == "accepted"
    linked = _audited(db, member, "update")
    assert [(e.team_id, e.actor_id) for e in linked] == [(world.johan_team.id, world.user("griet").id)]
    again = griet.post(f"/socialmap/proposals/{proposal.id}/reject", follow_redirects=True)
    assert "Over dit voorstel werd al beslist." in again.get_data(as_text=True)
    assert db.get(Proposal, proposal.id).status == "accepted"


def test_a_proposal_already_on_the_map_is_linked_to_that_organisation(login_as, db, world):
    _propose(login_as("karim"), world, organisation="Gezinszorg Kempenland vzw")
    proposal = db.scalar(select(Proposal))
    existing = _named(db, "Gezinszorg Kempenland")
    before = len(db.scalars(select(Organisation)).all())
    assert login_as("griet").post(f"/socialmap/proposals/{proposal.id}", data={
        "existing": str(existing.id), "name": proposal.name, "kind": "andere"}).status_code == 302
    db.expire_all()
    assert len(db.scalars(select(Organisation)).all()) == before
    assert _member_named(db, world, "Mevrouw Dierickx").organisation_id == existing.id


def test_a_rejected_proposal_leaves_the_member_with_the_typed_name(login_as, db, world):
    _propose(login_as("karim"), world)
    proposal = db.scalar(select(Proposal))
    response = login_as("griet").post(f"/socialmap/proposals/{proposal.id}/reject", follow_redirects=True)
    assert "Het voorstel Thuishulp Het Anker Geel is afgewezen." in response.get_data(as_text=True)
    db.expire_all()
    member = _member_named(db, world, "Mevrouw Dierickx")
    assert (member.organisation_id, member.organisation) == (None, "Thuishulp Het Anker  Geel")
    assert db.get(Proposal, proposal.id).status == "rejected"
    assert _named(db, "Thuishulp Het Anker Geel") is None


def test_only_zone_staff_see_and_decide_proposals(login_as, db, world):
    _propose(login_as("karim"), world)
    proposal = db.scalar(select(Proposal))
    karim = login_as("karim")
    assert karim.get("/socialmap/proposals/").status_code == 403
    assert karim.get(f"/socialmap/proposals/{proposal.id}").status_code == 403
    assert karim.post(f"/socialmap/proposals/{proposal.id}/reject").status_code == 403
    assert "Voorstellen" not in karim.get("/socialmap/").get_data(as_text=True)
    assert login_as("griet").get(f"/socialmap/proposals/{GONE}").status_code == 404
    db.expire_all()
    assert db.get(Proposal, proposal.id).status == "pending"


def test_accepting_leaves_a_member_of_a_closed_team_as_it_was(login_as, db, world):
    _propose(login_as("karim"), world)
    proposal = db.scalar(select(Proposal))
    karim = load_membership(db, world.johan_team.id, world.user("karim").id)  # with the coordinator designation
    close_team(db, world.johan_team, karim, reason="nursing_home", on=date.today())
    organisation = accept(db, world.user("griet"), proposal, name="Thuishulp Het Anker", kind="thuiszorg")
    member = _member_named(db, world, "Mevrouw Dierickx")
    assert organisation.id is not None and member.organisation_id is None
    assert db.get(Proposal, proposal.id).status == "accepted"
