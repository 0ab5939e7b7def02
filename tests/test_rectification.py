"""Rectification and restriction: a corrected value keeps its previous version (encrypted, bound to its own row),
shown to the person, the representative and the coordinator; a record restricted on the person's request is kept
but not shown, not changed, and shown again once the restriction is lifted.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from models import AuditEvent, InfoItem, IntegrityFailure, Restriction, Revision
from models.info import items_of, read_category, sheet_of, update_item
from models.keys import person_tables, rotate_person
from models.members import load_membership
from models.revisions import Restricted, restrict, revisions_of
from tests.test_erasure import make_team_like_johan


@pytest.fixture
def lena(db, world):
    return make_team_like_johan(db, world)


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/{path}"


def _person_form(person, **changes) -> dict:
    data = {"given_name": "Johan", "family_name": "Peeters", "birth_date": "1947-03-12", "insz": "47.03.12-123.40",
            "street": "Kerkstraat 12", "postcode": "2440", "city": "Geel", "phone": "014 58 12 34",
            "language": "nl", "gp": "dr. Els Janssens, Huisartsenpraktijk De Linde", "version": str(person.version)}
    return {**data, **changes}


def _donepezil(db, world) -> InfoItem:
    return next(i for i in items_of(db, world.johan_team.id, "medication") if i.value("drug").startswith("Donepezil"))


# --- rectification ------------------------------------------------------------------------------------------------

def test_a_corrected_address_keeps_its_previous_version_encrypted(login_as, db, world):
    person = world.johan_team.person
    response = login_as("maria").post(_url(world, "person"), data=_person_form(person, street="Kerkstraat 14"))
    assert response.status_code == 302
    db.expire_all()
    [revision] = revisions_of(db, "persons", person.id)
    assert (revision.field, revision.replaced_by_id) == ("address", world.user("maria").id)
    assert "Kerkstraat 12" in revision.value and db.get(type(person), person.id).address["street"] == "Kerkstraat 14"
    raw = db.execute(select(Revision.__table__.c.value).where(Revision.id == revision.id)).scalar_one()
    assert raw[:1] == b"\x01" and b"Kerkstraat" not in raw


def test_saving_without_a_change_keeps_no_revision(login_as, db, world):
    person = world.johan_team.person
    assert login_as("maria").post(_url(world, "person"), data=_person_form(person)).status_code == 302
    assert revisions_of(db, "persons", person.id) == []


def test_a_previous_version_copied_to_another_revision_does_not_decrypt(login_as, db, world):
    person = world.johan_team.person
    client = login_as("maria")
    client.post(_url(world, "person"), data=_person_form(person, phone="014 58 00 00"))
    db.expire_all()
    client.post(_url(world, "person"), data=_person_form(db.get(type(person), person.id), gp="dr. X",
                                                         phone="014 58 00 00"))
    db.expire_all()
    phone, gp = sorted(revisions_of(db, "persons", person.id), key=lambda r: r.field, reverse=True)
    assert (phone.field, gp.field) == ("phone", "gp") and phone.value == "014 58 12 34"
    table = Revision.__table__
    db.execute(update(table).where(table.c.id == gp.id).values(value=phone._value))
    db.expire_all()
    with pytest.raises(IntegrityFailure):
        db.get(Revision, gp.id).value


def test_the_history_of_shared_information_is_shown_to_the_person_representative_and_coordinator(
        login_as, db, world):
    sheet = sheet_of(db, world.johan_team.id, "condition")
    form = {"allergies": "Penicilline en latex.", "diagnoses": sheet.value("diagnoses"), "version": str(sheet.version)}
    assert login_as("els").post(_url(world, "info/condition/edit"), data=form).status_code == 302
    for key in ("johan", "maria", "karim"):
        page = login_as(key).get(_url(world, "record/")).get_data(as_text=True)
        assert "Penicilline (huiduitslag in 2011)." in page and "dr. Els Janssens" in page, key
    for key in ("tom", "els", "an", "jef"):
        assert login_as(key).get(_url(world, "record/")).status_code == 403, key
    event = db.scalars(select(AuditEvent).where(AuditEvent.category == "record-history")
                       .order_by(AuditEvent.seq.desc())).first()
    assert event.action == "read" and event.actor_id == world.user("karim").id


def test_previous_versions_move_with_a_person_key_rotation(login_as, database, db, world):
    person = world.johan_team.person
    login_as("maria").post(_url(world, "person"), data=_person_form(person, phone="014 58 00 00"))
    assert "revisions" in {entry.table.name for entry in person_tables()}
    state = rotate_person(database.session, database.vault, person.id)
    db.expire_all()
    [revision] = revisions_of(db, "persons", person.id)
    assert revision._value[1:17] == state.dek_id.bytes and revision.value == "014 58 12 34"


# --- restriction --------------------------------------------------------------------------------------------------

def test_a_restricted_medication_line_is_kept_but_not_shown_or_changed(login_as, db, world):
    line = _donepezil(db, world)
    maria = login_as("maria")
    assert maria.post(_url(world, "record/restrict"), data={"record": str(line.id)}).status_code == 302
    tom = login_as("tom")
    assert "Donepezil" not in tom.get(_url(world, "info/medication/")).get_data(as_text=True)
    assert "Donepezil" not in tom.get(_url(world, "info/medication/print")).get_data(as_text=True)
    assert tom.get(_url(world, f"info/medication/{line.id}/edit")).status_code == 404
    with pytest.raises(Restricted):
        update_item(db, db.get(InfoItem, line.id), world.member("tom"), {"drug": "X", "dose": "1",
                                                                         "moments": ["morning"]}, line.version)
    _sheet, items = read_category(db, world.member("karim"), "medication")  # the care plan reads this way
    assert line.id not in {i.id for i in items}
    db.expire_all()
    assert db.get(InfoItem, line.id).value("drug").startswith("Donepezil")  # kept
    page = login_as("karim").get(_url(world, "record/")).get_data(as_text=True)
    assert "Donepezil" in page and "(beperkt)" in page
    assert login_as("johan").post(_url(world, "record/lift"), data={"record": str(line.id)}).status_code == 302
    assert "Donepezil" in login_as("tom").get(_url(world, "info/medication/")).get_data(as_text=True)
    actions = [e.action for e in db.scalars(select(AuditEvent).where(AuditEvent.object_id == str(line.id)))]
    assert "restrict" in actions and "lift" in actions


def test_a_restricted_sheet_disappears_from_the_overview_and_cannot_be_edited(login_as, db, world):
    sheet = sheet_of(db, world.johan_team.id, "condition")
    login_as("karim").post(_url(world, "record/restrict"), data={"record": str(sheet.id)})
    tom = login_as("tom")
    assert "Penicilline" not in tom.get(_url(world)).get_data(as_text=True)
    assert "Penicilline" not in tom.get(_url(world, "info/condition/")).get_data(as_text=True)
    edit = tom.post(_url(world, "info/condition/edit"), data={"allergies": "Geen.", "version": str(sheet.version)})
    assert edit.status_code == 409 and "Beperkt op vraag van de persoon" in edit.get_data(as_text=True)
    db.expire_all()
    assert sheet_of(db, world.johan_team.id, "condition", restricted=True).value("allergies").startswith("Penicilline")
    assert len(list(db.scalars(select(InfoItem).where(InfoItem.team_id == world.johan_team.id,
                                                      InfoItem.category == "condition")))) == 1


def test_the_person_record_restricted_hides_the_details_on_the_overview(login_as, db, world):
    assert login_as("maria").post(_url(world, "record/restrict"), data={"record": "person"}).status_code == 302
    page = login_as("tom").get(_url(world)).get_data(as_text=True)
    assert "Johan Peeters" in page and "47.03.12-123.40" not in page
    assert "<dt>Adres</dt>" not in page and "zijn beperkt op zijn of haar vraag" in page
    login_as("maria").post(_url(world, "record/lift"), data={"record": "person"})
    page = login_as("tom").get(_url(world)).get_data(as_text=True)
    assert "<dt>Adres</dt>" in page and "47.03.12-123.40" in page


def test_only_who_decides_may_restrict_and_only_what_they_may_see(login_as, db, world, lena):
    line = _donepezil(db, world)
    assert login_as("tom").post(_url(world, "record/restrict"), data={"record": str(line.id)}).status_code == 403
    other_team_item = db.scalar(select(InfoItem.id).where(InfoItem.team_id == lena.id))
    for record in (str(other_team_item), "not-an-id", ""):
        response = login_as("karim").post(_url(world, "record/restrict"), data={"record": record})
        assert response.status_code == 302
    assert db.scalar(select(Restriction.id)) is None
    maria = load_membership(db, world.johan_team.id, world.user("maria").id)
    restrict(db, world.johan_team, maria, line)
    restrict(db, world.johan_team, maria, line)  # twice: still one restriction
    assert len(list(db.scalars(select(Restriction)))) == 1
