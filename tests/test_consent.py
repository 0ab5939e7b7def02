"""Consent: who may decide, defaults by role, the matrix (only changed cells written, a stale page refused),
end dates, professionals-only, immediate withdrawal, the history in plain words, and mail to whoever's access changed."""
from __future__ import annotations

import html as html_lib
import json
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from models import Member
from models.consent import (CATEGORIES, ConsentEvent, ConsentGrant, ConsentRule, grants_of, may_see, per_request,
                            set_grant, visible_categories)
from tests.test_accounts import smtp_at, smtp_inbox  # noqa: F401  (fixtures: a real aiosmtpd server)

MEDICAL = {"medication", "condition", "history", "needs", "advance-care", "journal"}


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/consent/{path}"


def _page(response) -> str:
    return response.get_data(as_text=True)


def _seen(html: str) -> str:
    return html_lib.unescape(re.search(r'name="seen" type="hidden" value="([^"]*)"', html).group(1))


def _ticked(html: str) -> dict[str, str]:
    """The matrix as the page shows it, as form data: every ticked cell and switch."""
    return {name: "1" for name in re.findall(r'name="((?:grant|limited)-[^"]+)" value="1" checked', html)}


def _matrix_form(client, world, **changes) -> dict:
    """The matrix page's form data as opened by `client`, with cells set (True/False) by `changes`."""
    html = _page(client.get(_url(world)))
    data = {**_ticked(html), "seen": _seen(html), "method": "on_paper", "note": ""}
    for key, on in changes.items():
        if on:
            data[key] = "1"
        else:
            data.pop(key, None)
    return data


def _cell(world, who: str, category: str) -> str:
    return f"grant-{world.member(who).id}-{category}"


def _events(db, world) -> int:
    return db.scalar(select(func.count()).select_from(ConsentEvent).where(ConsentEvent.team_id == world.johan_team.id))


def _visible(db, world, who: str) -> frozenset[str]:
    db.expire_all()
    return visible_categories(db, world.member(who))


# --- the demo's consent, as CONTRACT.md describes it -------------------------------------------------------------

def test_the_demo_consent(db, world):
    for who in ("els", "tom", "sofie", "lotte", "karim"):
        assert _visible(db, world, who) == set(CATEGORIES), who
    for who in ("maria", "an"):
        assert _visible(db, world, who) == set(CATEGORIES) - {"history"}, who
    assert _visible(db, world, "jef") == {"contacts"}
    assert _visible(db, world, "johan") == set(CATEGORIES)


# --- who may decide ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["johan", "maria", "karim"])
def test_the_person_the_representative_and_the_coordinator_may_change_consent(login_as, db, world, who):
    client = login_as(who)
    assert "Toestemming per teamlid" in _page(client.get(_url(world)))
    response = client.post(_url(world), data=_matrix_form(client, world, **{_cell(world, "jef", "wishes"): True}))
    assert response.status_code == 302
    assert "wishes" in _visible(db, world, "jef")


@pytest.mark.parametrize("who", ["tom", "an", "jef"])
def test_others_see_what_they_can_see_but_not_the_matrix_and_may_not_post(login_as, db, world, who):
    client = login_as(who)
    page = _page(client.get(_url(world)))
    assert "Wat u kan zien" in page and "Toestemming per teamlid" not in page
    assert "Iemand anders heeft" not in page and 'role="alert"' not in page
    assert 'name="grant-' not in page and ">Toestemming</a>" not in page
    data = {_cell(world, "jef", "medication"): "1", "seen": "{}", "method": "in_person"}
    assert client.post(_url(world), data=data).status_code == 403
    assert client.get(_url(world) + f"{world.member('jef').id}/").status_code == 403
    assert "medication" not in _visible(db, world, "jef")


def test_jef_is_told_he_sees_contact_details_only(login_as, world):
    page = _page(login_as("jef").get(_url(world)))
    shared = re.findall(r'badge ok">gedeeld</span>\s*(?:<a [^>]*>)?([^<\n]+)', page)
    assert [s.strip() for s in shared] == ["Contactgegevens"]
    assert page.count("niet gedeeld met u") == len(CATEGORIES) - 1


def test_the_matrix_labels_every_cell_with_the_member_and_the_category(login_as, world):
    page = _page(login_as("karim").get(_url(world)))
    tom = world.member("tom")
    cell = re.search(rf'<label class="cell" for="g-{tom.id}-medication">(.*?)</label>', page, re.S).group(1)
    assert re.sub(r"<[^>]+>|\s+", " ", cell).split() == ["Tom", "Wouters:", "Medicatie"]
    assert f'id="g-{tom.id}-medication" name="grant-{tom.id}-medication" value="1" checked' in page
    assert "Johan Peeters:" not in page  # the person always sees everything of their own: no row
    assert page.count('<tr id="member-') == 9


# --- defaults by role --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, discipline, expected", [
    ("volunteer", "", {"contacts"}),
    ("informal_carer", "", set(CATEGORIES) - {"history"}),  # history is professionals-only in the demo
    ("professional", "dietitian", set(CATEGORIES)),
    ("meeting_organiser", "", {"contacts", "family", "wishes", "needs"}),
])
def test_a_new_member_starts_with_the_defaults_of_their_role(login_as, db, world, role, discipline, expected):
    data = {"name": "Wim Nieuw", "role": role, "discipline": discipline, "relation": ""}
    assert login_as("karim").post(f"/teams/{world.johan_team.id}/members/new", data=data).status_code == 302
    added = db.scalars(select(Member).where(Member.team_id == world.johan_team.id)).all()
    wim = next(m for m in added if m.name == "Wim Nieuw")
    assert visible_categories(db, wim) == expected
    defaults = db.scalars(select(ConsentEvent).where(ConsentEvent.member_id == wim.id)).all()
    assert {e.method for e in defaults} == {"default"}


# --- saving the matrix -------------------------------------------------------------------------------------------

def test_saving_writes_only_the_cells_that_changed_and_withdrawal_works_on_the_next_request(login_as, db, world):
    client = login_as("karim")
    before = _events(db, world)
    data = _matrix_form(client, world, **{_cell(world, "tom", "medication"): False,
                                          _cell(world, "jef", "wishes"): True})
    assert client.post(_url(world), data=data).status_code == 302
    assert _events(db, world) == before + 2
    assert "medication" not in _visible(db, world, "tom") and "wishes" in _visible(db, world, "jef")
    assert _visible(db, world, "tom") == set(CATEGORIES) - {"medication"}
    page = _page(login_as("tom").get(_url(world)))
    assert re.search(r'niet gedeeld met u</span>\s*Medicatie', page)


def test_tom_loses_the_medication_page_at_once(app, login_as, db, world):
    if "info.category" not in app.view_functions:
        pytest.fail("the medication page /teams/<id>/info/medication/ is missing")
    tom = login_as("tom")
    medication = f"/teams/{world.johan_team.id}/info/medication/"
    assert "Donepezil" in _page(tom.get(medication))
    karim = login_as("karim")
    karim.post(_url(world), data=_matrix_form(karim, world, **{_cell(world, "tom", "medication"): False}))
    tom = login_as("tom")
    page = _page(tom.get(medication))
    assert "Niet gedeeld met u" in page and "Donepezil" not in page and "Seretide" not in page


def test_nothing_changed_writes_nothing(login_as, db, world):
    client = login_as("karim")
    before = _events(db, world)
    response = client.post(_url(world), data=_matrix_form(client, world), follow_redirects=True)
    assert "Er was niets gewijzigd." in _page(response)
    assert _events(db, world) == before


def test_a_change_needs_to_say_how_consent_was_given(login_as, db, world):
    client = login_as("karim")
    data = _matrix_form(client, world, **{_cell(world, "jef", "wishes"): True})
    del data["method"]
    response = client.post(_url(world), data=data)
    assert response.status_code == 422
    page = _page(response)
    assert "Kies hoe de toestemming gegeven werd." in page
    assert f'name="{_cell(world, "jef", "wishes")}" value="1" checked' in page  # the tick is kept
    assert "wishes" not in _visible(db, world, "jef")


def test_maria_is_offered_by_the_representative_as_how_consent_was_given(login_as, world):
    page = _page(login_as("maria").get(_url(world)))
    assert re.search(r'<input checked id="method-2" name="method" type="radio" value="by_representative">', page)
    page = _page(login_as("karim").get(_url(world)))
    assert 'checked id="method-' not in page


def test_a_stale_matrix_does_not_overwrite_and_shows_the_current_state(login_as, db, world):
    karim = login_as("karim")
    stale = _matrix_form(karim, world, **{_cell(world, "jef", "wishes"): True})
    maria = login_as("maria")
    assert maria.post(_url(world), data=_matrix_form(maria, world, **{_cell(world, "tom", "medication"): False})
                      ).status_code == 302
    before = _events(db, world)
    karim = login_as("karim")
    response = karim.post(_url(world), data=stale)
    assert response.status_code == 409
    page = _page(response)
    assert "Iemand anders heeft de toestemming intussen gewijzigd." in page
    assert "Tom Wouters: Medicatie: nu niet gedeeld" in page
    tom = world.member("tom")
    assert f'name="grant-{tom.id}-medication" value="1" checked' not in page  # the current state is shown
    assert _events(db, world) == before
    assert "wishes" not in _visible(db, world, "jef") and "medication" not in _visible(db, world, "tom")
    # Saving again from the page shown now works.
    assert karim.post(_url(world), data={**_ticked(page), "seen": _seen(page), "method": "on_paper",
                                         _cell(world, "jef", "wishes"): "1"}).status_code == 302
    assert "wishes" in _visible(db, world, "jef")


def test_a_snapshot_that_is_not_ours_counts_as_stale(login_as, db, world):
    client = login_as("karim")
    data = _matrix_form(client, world, **{_cell(world, "jef", "wishes"): True})
    data["seen"] = "not json"
    assert client.post(_url(world), data=data).status_code == 409
    assert "wishes" not in _visible(db, world, "jef")


def test_a_member_added_after_the_page_was_opened_is_left_alone(login_as, db, world):
    karim = login_as("karim")
    data = _matrix_form(karim, world, **{_cell(world, "jef", "wishes"): True})
    karim.post(f"/teams/{world.johan_team.id}/members/new",
               data={"name": "Wim Peeters", "role": "informal_carer", "discipline": "", "relation": "zoon"})
    assert karim.post(_url(world), data=data).status_code == 302  # his cells were not on the page
    wim = db.scalars(select(Member).where(Member.team_id == world.johan_team.id)).all()
    wim = next(m for m in wim if m.name == "Wim Peeters")
    assert visible_categories(db, wim) == set(CATEGORIES) - {"history"}


# --- professionals only ------------------------------------------------------------------------------------------

def test_professionals_only_hides_from_maria_and_an_but_not_tom(login_as, db, world):
    client = login_as("karim")
    assert client.post(_url(world), data=_matrix_form(client, world, **{"limited-medication": True})
                        ).status_code == 302
    for who in ("maria", "an"):
        assert not may_see(db, world.member(who), "medication"), who
    assert may_see(db, world.member("tom"), "medication")
    assert may_see(db, world.member("els"), "medication")
    # Opening it again restores the family carers' grants, which were kept.
    assert client.post(_url(world), data=_matrix_form(client, world, **{"limited-medication": False,
                                                                        "limited-history": False})
                       ).status_code == 302
    assert may_see(db, world.member("maria"), "medication") and may_see(db, world.member("an"), "history")


def test_the_demo_history_is_professionals_only(db, world):
    assert not may_see(db, world.member("maria"), "history")
    assert may_see(db, world.member("tom"), "history")


# --- one member's grants, with end dates ---------------------------------------------------------------------------

def _member_form(client, world, who: str) -> tuple[str, dict]:
    url = _url(world) + f"{world.member(who).id}/"
    html = _page(client.get(url))
    data = {name: "y" for name in re.findall(r'<input checked id="(grant_[a-z_]+)"', html)}
    return url, {**data, "seen": _seen(html), "method": "in_person"}


def test_an_end_date_in_the_past_is_refused(login_as, db, world):
    client = login_as("karim")
    url, data = _member_form(client, world, "jef")
    data |= {"grant_wishes": "y", "until_wishes": (date.today() - timedelta(days=1)).isoformat()}
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "De einddatum ligt in het verleden." in _page(response)
    assert "wishes" not in _visible(db, world, "jef")
    with pytest.raises(ConsentRule):
        set_grant(db, world.member("jef"), None, "wishes", True, method="in_person",
                  valid_until=date.today() - timedelta(days=1))


def test_an_end_date_is_kept_and_the_grant_ends_after_it(login_as, db, world):
    client = login_as("karim")
    url, data = _member_form(client, world, "jef")
    until = date.today() + timedelta(days=30)
    data |= {"grant_wishes": "y", "until_wishes": until.isoformat()}
    assert client.post(url, data=data).status_code == 302
    grant = db.scalar(select(ConsentGrant).where(ConsentGrant.member_id == world.member("jef").id,
                                                 ConsentGrant.category == "wishes"))
    assert grant.valid_until == until and "wishes" in _visible(db, world, "jef")
    assert grant.in_force(until) and not grant.in_force(until + timedelta(days=1))
    # Saving the matrix without touching the cell keeps its end date.
    assert client.post(_url(world), data=_matrix_form(client, world, **{_cell(world, "jef", "family"): True})
                       ).status_code == 302
    db.expire_all()
    assert db.get(ConsentGrant, grant.id).valid_until == until


def test_withdraw_everything_for_one_member(login_as, db, world):
    client = login_as("maria")
    url, data = _member_form(client, world, "lotte")
    data["withdraw_all"] = "1"
    data["method"] = "by_representative"
    assert client.post(url, data=data).status_code == 302
    assert _visible(db, world, "lotte") == frozenset()


def test_a_stale_member_form_is_refused(login_as, db, world):
    karim = login_as("karim")
    url, stale = _member_form(karim, world, "tom")
    maria = login_as("maria")
    maria.post(_url(world), data=_matrix_form(maria, world, **{_cell(world, "tom", "journal"): False}))
    karim = login_as("karim")
    stale.pop("grant_wishes")
    response = karim.post(url, data=stale)
    assert response.status_code == 409
    assert "Tom Wouters: Contactlogboek: nu niet gedeeld" in _page(response)
    assert "wishes" in _visible(db, world, "tom")


def test_the_person_has_no_consent_page_of_their_own(login_as, world):
    assert login_as("karim").get(_url(world) + f"{world.member('johan').id}/").status_code == 404


# --- history -----------------------------------------------------------------------------------------------------

def test_the_history_is_kept_and_shown_in_plain_words(login_as, db, world):
    client = login_as("karim")
    data = _matrix_form(client, world, **{_cell(world, "tom", "medication"): False, "limited-family": True})
    data["note"] = "Besproken met Johan bij het huisbezoek."
    assert client.post(_url(world), data=data).status_code == 302
    events = db.scalars(select(ConsentEvent).where(ConsentEvent.team_id == world.johan_team.id,
                                                   ConsentEvent.method == "on_paper")).all()
    assert sorted((e.change, e.category) for e in events) == [("professionals-only", "family"),
                                                             ("withdraw", "medication")]
    page = _page(client.get(_url(world)))
    assert "Karim El Amrani trok de toegang van Tom Wouters tot Medicatie in." in page
    assert "Karim El Amrani maakte Gezinssituatie alleen zichtbaar voor zorgverleners." in page
    assert "Besproken met Johan bij het huisbezoek." in page and "(op papier)" in page
    assert "Jef Claes kreeg bij het begin de standaardtoegang voor de eigen rol: Contactgegevens." in page
    assert "Zorgteam (automatisch) maakte Zorggeschiedenis alleen zichtbaar voor zorgverleners." in page


def test_reading_the_consent_page_is_logged(login_as, db, world):
    from models import AuditEvent
    login_as("an").get(_url(world))
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.category, event.actor_id) == ("read", "consent", world.user("an").id)


# --- mail to whoever's access changed ------------------------------------------------------------------------------

def test_members_whose_access_changed_get_a_mail_without_content(login_as, world, outbox):
    client = login_as("karim")
    client.post(_url(world), data=_matrix_form(client, world, **{"limited-medication": True}))
    mails = outbox()
    assert sorted(re.search(r"^To: (.*)$", m, re.M).group(1) for m in mails) == [
        "an@zorgteam.example", "maria@zorgteam.example"]
    for mail in mails:
        assert "Subject: Wat u kan zien in het zorgteam van J.P. is gewijzigd" in mail
        assert f"http://zorgteam.test/teams/{world.johan_team.id}/consent/" in mail
        for word in ("Medicatie", "medication", "Johan", "Peeters", "Donepezil"):
            assert word not in mail.split("\n\n", 1)[1], word


def test_a_change_that_changes_nobodys_access_sends_no_mail(login_as, world, outbox):
    client = login_as("karim")
    # Jef has no grant for the care history: limiting it further changes nothing he can see.
    client.post(_url(world), data=_matrix_form(client, world, **{_cell(world, "jef", "history"): True}))
    assert outbox() == []


def test_the_access_mail_arrives_over_smtp(login_as, world, smtp_inbox):  # noqa: F811
    client = login_as("karim")
    assert client.post(_url(world), data=_matrix_form(client, world, **{_cell(world, "jef", "wishes"): True})
                       ).status_code == 302
    [(recipients, mail)] = smtp_inbox.messages
    assert recipients == ["jef@zorgteam.example"]
    assert mail["Subject"] == "Wat u kan zien in het zorgteam van J.P. is gewijzigd"
    assert f"/teams/{world.johan_team.id}/consent/" in mail.get_content()


def test_the_snapshot_in_the_page_is_json_of_every_cell(login_as, world):
    seen = json.loads(_seen(_page(login_as("karim").get(_url(world)))))
    assert len(seen) == 9 * len(CATEGORIES) + len(CATEGORIES)
    assert seen[f"{world.member('tom').id}:medication"] == "1"
    assert seen["limited:history"] == "1"


def test_a_request_remembers_the_filter_only_until_consent_changes(db, world):
    """A session that serves one request works the filter out once; a change in it is seen at once."""
    per_request(db)
    tom = world.member("tom")
    assert "medication" in visible_categories(db, tom)
    set_grant(db, tom, world.member("johan"), "medication", False, method="in_person")
    assert "medication" not in visible_categories(db, tom)
    grants_of(db, tom.id)["condition"].granted = False  # changed without set_grant: seen once flushed
    db.flush()
    assert "condition" not in visible_categories(db, tom)
