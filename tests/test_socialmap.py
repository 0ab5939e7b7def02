"""The social map: import (all or nothing, idempotent, line-numbered errors), search by need and postcode, the
first points of contact, the zone staff's pages, picking an organisation for a new member, and the demo."""
from __future__ import annotations

import csv
import json
import re

import pytest
from sqlalchemy import func, select

from models import Member, Organisation, Referral, Service, User
from models.socialmap import first_contacts, search
from models.socialmap.importer import COLUMNS, ImportFailed, import_file
from models.demo_socialmap import SAMPLE

ROW = {"source": "test-bron", "id": "t-1", "name": "Testdienst Zorg Thuis", "kind": "thuiszorg", "phone": "014 00 00 01",
       "email": "", "website": "", "address": "Teststraat 1", "postcode": "2440", "city": "Geel", "languages": "nl fr",
       "last_checked": "2026-11-01", "need": "poetshulp", "description": "Poetsen", "postcodes": "2440 2400",
       "waiting": "3"}


def _csv(tmp_path, rows, name="kaart.csv"):
    path = tmp_path / name
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(COLUMNS))
        writer.writeheader()
        writer.writerows([{**ROW, **row} for row in rows])
    return path


def _count(db, model) -> int:
    return db.scalar(select(func.count()).select_from(model))


def _named(db, name) -> Organisation:
    return db.scalar(select(Organisation).where(Organisation.name == name))


def run(app, *args):
    with app.app_context():
        return app.test_cli_runner().invoke(args=["socialmap", *args])


# --- import -------------------------------------------------------------------------------------------------------

def test_an_import_adds_updates_and_a_second_import_changes_nothing(db, tmp_path):
    path = _csv(tmp_path, [{}, {"need": "maaltijden", "waiting": "wachtlijst"}, {"id": "t-2", "name": "Tweede"}])
    first = import_file(db, path)
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    organisation = _named(db, "Testdienst Zorg Thuis")
    assert {s.need: (s.waiting_weeks, s.waiting_list) for s in organisation.services} == {
        "poetshulp": (3, False), "maaltijden": (None, True)}
    again = import_file(db, path)
    assert (again.created, again.updated, again.unchanged, again.changed) == (0, 0, 2, False)
    changed = _csv(tmp_path, [{"waiting": "5"}, {"id": "t-2", "name": "Tweede"}])  # maaltijden is gone, poetshulp waits longer
    result = import_file(db, changed)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    db.expire_all()
    assert [(s.need, s.waiting_weeks) for s in _named(db, "Testdienst Zorg Thuis").services] == [("poetshulp", 5)]


def test_the_demo_sample_file_is_already_imported_so_importing_it_again_changes_nothing(db):
    result = import_file(db, SAMPLE)
    assert result.unchanged >= 40 and not result.changed


def test_a_bad_file_gives_line_numbered_errors_and_changes_nothing(db, tmp_path):
    before = (_count(db, Organisation), _count(db, Service))
    path = _csv(tmp_path, [{}, {"id": "t-2", "kind": "winkel"}, {"id": "t-3", "postcode": "24400", "waiting": "lang"},
                           {"id": "t-4", "name": ""}, {"id": "t-5", "last_checked": "1/11/2026"},
                           {"id": "t-6", "waiting": "²"}])  # a digit to str.isdigit, not a number of weeks
    with pytest.raises(ImportFailed) as failed:
        import_file(db, path)
    errors = failed.value.errors
    assert any(e.startswith("regel 3: soort 'winkel' bestaat niet") for e in errors)
    assert any(e.startswith("regel 4: postcode '24400'") for e in errors)
    assert any(e.startswith("regel 4: waiting 'lang'") for e in errors)
    assert "regel 5: name ontbreekt." in errors
    assert any(e.startswith("regel 6: last_checked '1/11/2026' is geen datum") for e in errors)
    assert any(e.startswith("regel 7: waiting '²'") for e in errors)
    assert not any(e.startswith("regel 2") for e in errors)  # the good line is fine, and still not imported
    assert (_count(db, Organisation), _count(db, Service)) == before
    assert _named(db, "Testdienst Zorg Thuis") is None


def test_lines_of_one_organisation_must_agree_and_a_need_comes_once(db, tmp_path):
    path = _csv(tmp_path, [{}, {"need": "vervoer", "phone": "014 99 99 99"}, {}])
    with pytest.raises(ImportFailed) as failed:
        import_file(db, path)
    assert failed.value.errors == ["regel 3: de gegevens van organisatie t-1 verschillen van regel 2.",
                                   "regel 4: nood poetshulp staat al op regel 2."]


def test_json_is_read_the_same_way_and_names_its_items(db, tmp_path):
    good = tmp_path / "kaart.json"
    good.write_text(json.dumps([ROW, {**ROW, "need": "vervoer", "waiting": ""}]))
    assert import_file(db, good).created == 1
    bad = tmp_path / "fout.json"
    bad.write_text(json.dumps([ROW, {**ROW, "need": "toveren", "colour": "rood"}]))
    with pytest.raises(ImportFailed) as failed:
        import_file(db, bad)
    assert any(e.startswith("item 2: nood 'toveren' bestaat niet") for e in failed.value.errors)
    assert "item 2: onbekende kolommen: colour." in failed.value.errors
    broken = tmp_path / "kapot.json"
    broken.write_text('[{"source": "x",\n "id": }]')
    with pytest.raises(ImportFailed, match="regel 2: dit is geen geldige JSON"):
        import_file(db, broken)


def test_the_command_prints_the_errors_and_exits_non_zero(app, database, db, tmp_path):
    bad = _csv(tmp_path, [{"id": "t-9", "postcodes": "2440 abc"}])
    result = run(app, "import", str(bad))
    assert result.exit_code != 0
    assert "regel 2: postcodes: geef postcodes van 4 cijfers" in result.output
    assert "er werd niets ingelezen" in result.output
    good = _csv(tmp_path, [{}], name="goed.csv")
    assert "1 nieuw, 0 bijgewerkt, 0 ongewijzigd." in run(app, "import", str(good)).output
    again = run(app, "import", str(good))
    assert again.exit_code == 0 and "Niets gewijzigd" in again.output
    assert run(app, "import", str(tmp_path / "kaart.txt")).exit_code != 0


def test_the_staff_command_marks_an_account_as_zone_staff(app, database, db, world):
    assert run(app, "staff", "tom@zorgteam.example").exit_code == 0
    db.expire_all()
    assert world.user("tom").zone_staff is True
    assert run(app, "staff", "tom@zorgteam.example", "--remove").exit_code == 0
    db.expire_all()
    assert world.user("tom").zone_staff is False
    assert run(app, "staff", "niemand@zorgteam.example").exit_code != 0


# --- search ---------------------------------------------------------------------------------------------------------

def test_search_by_need_and_postcode_puts_the_shortest_known_wait_first(db):
    found = [(o.name, s.need) for o, s in search(db, need="dagopvang", postcode="2440")]
    assert found == [("Dagcentrum 't Hofke", "dagopvang"), ("Dagverzorgingscentrum De Zonnewijzer", "dagopvang")]
    assert "Dagopvang De Hoeve" in [o.name for o, _s in search(db, need="dagopvang", postcode="2200")]
    assert [o.name for o, _s in search(db, text="hofke")] == ["Dagcentrum 't Hofke"]


def test_the_first_points_of_contact_for_a_postcode(db):
    names = {o.name for o, _s in first_contacts(db, "2440")}
    assert names == {"Welzijnshuis De Sleutel", "Centrum Algemeen Welzijn Kempenland"}
    assert first_contacts(db, None) == []


def test_the_first_points_of_contact_are_those_the_search_finds(db):
    """The overview reads only the services that may serve the postcode; it finds what the directory's search does,
    in the same order, and a part of a postcode or a wildcard matches nothing."""
    for postcode in ("2440", "2400", "2200", "2430", "9999", "244", "%", "_440"):
        expected = [(o.id, s.id) for o, s in search(db, need="first_contact", postcode=postcode)]
        assert [(o.id, s.id) for o, s in first_contacts(db, postcode)] == expected
    assert "Welzijnshuis De Sleutel" in {o.name for o, _s in first_contacts(db, "2440")}
    assert not {"Welzijnshuis De Sleutel"} & {o.name for p in ("244", "%", "_440") for o, _s in first_contacts(db, p)}


def test_the_search_page_shows_waiting_time_and_last_checked(login_as):
    page = login_as("jef").get("/socialmap/?need=dagopvang&postcode=2440").get_data(as_text=True)
    assert "2 organisaties gevonden" in page
    assert "Dagverzorgingscentrum De Zonnewijzer" in page and "wachtlijst" in page
    assert "wachttijd: ongeveer 8 weken" in page and "Nagekeken op" in page
    assert "Welzijnshuis De Sleutel" in page  # the first point of contact for 2440


def test_a_wrong_postcode_is_explained_and_logged_out_users_go_to_login(login_as, client):
    assert client.get("/socialmap/").status_code == 302
    page = login_as("maria").get("/socialmap/?postcode=24").get_data(as_text=True)
    assert "Een postcode heeft 4 cijfers, bijvoorbeeld 2440." in page


def test_an_organisation_page_lists_its_services_and_contact(login_as, db):
    organisation = _named(db, "Gezinszorg Kempenland")
    page = login_as("an").get(f"/socialmap/{organisation.id}").get_data(as_text=True)
    assert "014 57 40 40" in page and "gezinszorg" in page and "Frans" in page
    assert login_as("an").get("/socialmap/00000000-0000-0000-0000-000000000000").status_code == 404


# --- zone staff -----------------------------------------------------------------------------------------------------

def test_only_zone_staff_manage_the_map(login_as, db):
    organisation = _named(db, "Gezinszorg Kempenland")
    tom = login_as("tom")
    assert tom.get("/socialmap/new").status_code == 403
    assert tom.post(f"/socialmap/{organisation.id}/edit", data={"name": "Weg"}).status_code == 403
    assert "Organisatie toevoegen" not in tom.get("/socialmap/").get_data(as_text=True)


def test_griet_adds_an_organisation_and_its_service(login_as, db):
    griet = login_as("griet")
    response = griet.post("/socialmap/new", data={"name": "Buurthuis De Kring", "kind": "welzijn", "postcode": "2440",
                                                  "city": "Geel", "languages": "nl en", "last_checked": "2026-11-30"})
    assert response.status_code == 302
    organisation = _named(db, "Buurthuis De Kring")
    assert organisation.source == "manual"
    assert griet.post(f"/socialmap/{organisation.id}/services", data={
        "need": "vrijwilligers", "postcodes": "2440", "waiting_weeks": "2"}).status_code == 302
    assert [o.name for o, _s in search(db, need="vrijwilligers", postcode="2440")].count("Buurthuis De Kring") == 1
    bad = griet.post(f"/socialmap/{organisation.id}/services", data={"need": "vervoer", "postcodes": "Geel"})
    assert bad.status_code == 422 and "Geef postcodes van 4 cijfers" in bad.get_data(as_text=True)


def test_removing_an_offer_asks_first_naming_it(login_as, db):
    """The browser asks (static/zorgteam.js reads data-confirm; tests/browser/test_socialmap_contacts.py clicks one)."""
    organisation = _named(db, "Poetsdienst Proper Thuis")
    [service] = organisation.services[:1]
    page = login_as("griet").get(f"/socialmap/{organisation.id}/edit").get_data(as_text=True)
    form = re.search(r'<form[^>]*action="/socialmap/[^"]*/services/%s/remove"[^>]*>' % re.escape(service.need), page)
    assert form is not None, "no remove form for the offer"
    assert 'data-confirm="Dit aanbod (' in form.group(0) and "schrappen van de sociale kaart?" in form.group(0)


def test_a_stale_edit_of_an_organisation_is_refused(login_as, db):
    organisation = _named(db, "Poetsdienst Proper Thuis")
    form = {"name": "Poetsdienst Proper Thuis", "kind": "andere", "languages": "nl", "version": str(organisation.version)}
    griet = login_as("griet")
    assert griet.post(f"/socialmap/{organisation.id}/edit", data={**form, "phone": "014 11 11 11"}).status_code == 302
    stale = griet.post(f"/socialmap/{organisation.id}/edit", data={**form, "phone": "014 22 22 22"})
    assert stale.status_code == 409 and "Iemand anders heeft deze organisatie intussen gewijzigd" in stale.get_data(
        as_text=True)
    db.expire_all()
    assert _named(db, "Poetsdienst Proper Thuis").phone == "014 11 11 11"


# --- picking an organisation for a new member -------------------------------------------------------------------------

def test_a_new_member_is_picked_from_the_social_map(login_as, db, world):
    organisation = _named(db, "Gezinszorg Kempenland")
    client = login_as("karim")
    form_page = client.get(f"/teams/{world.johan_team.id}/members/new?organisation={organisation.id}")
    assert f'<option selected value="{organisation.id}">' in form_page.get_data(as_text=True)
    response = client.post(f"/teams/{world.johan_team.id}/members/new", data={
        "name": "Ilse Verhaegen", "role": "professional", "discipline": "home_help",
        "directory_organisation": str(organisation.id), "organisation": ""})
    assert response.status_code == 302
    ilse = [m for m in db.scalars(select(Member).where(Member.team_id == world.johan_team.id))
            if m.name == "Ilse Verhaegen"][0]
    assert ilse.organisation_id == organisation.id and ilse.organisation == "Gezinszorg Kempenland"


def test_a_new_organisation_can_still_be_typed_and_a_wrong_pick_is_explained(login_as, db, world):
    client = login_as("karim")
    url = f"/teams/{world.johan_team.id}/members/new"
    assert client.post(url, data={"name": "Bart", "role": "volunteer", "discipline": "",
                                  "organisation": "Duivenclub De Snelle Vleugel"}).status_code == 302
    bart = [m for m in db.scalars(select(Member).where(Member.team_id == world.johan_team.id)) if m.name == "Bart"][0]
    assert bart.organisation_id is None and bart.organisation == "Duivenclub De Snelle Vleugel"
    wrong = client.post(url, data={"name": "Iemand", "role": "volunteer", "discipline": "",
                                   "directory_organisation": "geen-id"})
    assert "Kies een organisatie uit de lijst." in wrong.get_data(as_text=True)


# --- the demo -------------------------------------------------------------------------------------------------------

def test_the_demo_has_a_kempen_directory_griet_as_zone_staff_and_two_referrals(db, world):
    assert _count(db, Organisation) >= 40
    cities = set(db.scalars(select(Organisation.city)))
    assert {"Geel", "Mol", "Herentals", "Turnhout", "Westerlo", "Kasterlee", "Balen", "Dessel"} <= cities
    assert world.user("griet").zone_staff and not world.user("karim").zone_staff
    referrals = db.scalars(select(Referral).where(Referral.team_id == world.johan_team.id)).all()
    assert sorted((r.need, r.status) for r in referrals) == [("dagopvang", "waitlisted"), ("personenalarm", "started")]
    assert world.member("tom").organisation_id == _named(db, "Thuisverpleging Kempen").id
    assert db.scalar(select(func.count()).select_from(User).where(User.zone_staff)) == 1


def test_hostile_values_from_zone_staff_are_refused_or_shown_escaped(login_as, db):
    griet = login_as("griet")
    too_long = griet.post("/socialmap/new", data={"name": "x" * 201, "kind": "welzijn", "languages": "nl"})
    assert too_long.status_code == 200 and _named(db, "x" * 201) is None
    assert griet.post("/socialmap/new", data={"name": "Dienst", "kind": "geheim", "languages": "nl"}).status_code == 200
    assert "Gebruik taalcodes" in griet.post("/socialmap/new", data={
        "name": "Dienst", "kind": "welzijn", "languages": "klingon"}).get_data(as_text=True)
    script = "<script>alert(1)</script> Hulp"
    assert griet.post("/socialmap/new", data={"name": script, "kind": "welzijn", "languages": "nl"}).status_code == 302
    page = griet.get("/socialmap/?q=Hulp").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hulp" in page and script not in page
