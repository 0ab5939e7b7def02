"""The care question (zorgvraag) and the kind of care, rewritten after the start: by the person, their
representative or the coordinator; encrypted, audited, and a stale edit never overwrites a newer one."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text

from models import AuditEvent
from models.lifecycle import CARE_QUESTION_MAX

NEW = "Ik wil thuis blijven wonen en niet alleen zijn als het donker wordt."


def _url(world) -> str:
    return f"/teams/{world.johan_team.id}/care-question"


def _post(client, world, **changes):
    data = {"care_question": NEW, "care_level": "complex", "version": str(world.johan_team.version)}
    data.update(changes)
    return client.post(_url(world), data={k: v for k, v in data.items() if v is not None})


@pytest.mark.parametrize("who", ["karim", "johan"])
def test_the_coordinator_and_the_person_rewrite_it_and_it_shows_on_the_overview(login_as, db, world, who):
    client = login_as(who)
    page = client.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert f'href="{_url(world)}"' in page
    assert _post(client, world).status_code == 302
    db.expire_all()
    assert world.johan_team.care_question == NEW and world.johan_team.care_level == "complex"
    assert NEW in client.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    stored = db.execute(text("SELECT care_question FROM care_teams WHERE id = :id"),
                        {"id": world.johan_team.id.hex if db.bind.dialect.name == "sqlite" else world.johan_team.id})
    assert NEW.encode() not in bytes(stored.scalar_one())  # encrypted at rest
    entry = db.scalars(select(AuditEvent).where(AuditEvent.category == "care-question")
                       .order_by(AuditEvent.seq.desc())).first()
    assert entry.action == "update" and entry.actor_id == world.user(who).id


@pytest.mark.parametrize("who", ["an", "griet"])  # a carer, a professional (Maria represents Johan)
def test_others_neither_see_the_link_nor_may_change_it(login_as, db, world, who):
    before = world.johan_team.care_question
    client = login_as(who)
    assert f'href="{_url(world)}"' not in client.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert client.get(_url(world)).status_code == 403
    assert _post(client, world).status_code == 403
    db.expire_all()
    assert world.johan_team.care_question == before


@pytest.mark.parametrize("changes, message", [
    ({"care_question": "   "}, "Vul de zorgvraag in."),
    ({"care_question": "x" * (CARE_QUESTION_MAX + 1)}, f"hoogstens {CARE_QUESTION_MAX} tekens"),
    ({"care_level": "urgent"}, "Ongeldige keuze"),
    ({"care_level": None}, "Kies enkelvoudige of complexe zorg."),
])
def test_what_is_wrong_is_said_and_nothing_changes(login_as, db, world, changes, message):
    before = (world.johan_team.care_question, world.johan_team.care_level)
    answer = _post(login_as("karim"), world, **changes)
    assert answer.status_code == 422 and message in answer.get_data(as_text=True)
    db.expire_all()
    assert (world.johan_team.care_question, world.johan_team.care_level) == before


def test_a_stale_edit_is_refused_and_shows_what_is_there_now(login_as, db, world):
    opened_on = str(world.johan_team.version)
    assert _post(login_as("johan"), world, care_question="Eerst deze versie.", version=opened_on).status_code == 302
    stale = _post(login_as("karim"), world, care_question="Dan die van Karim.", version=opened_on)
    page = stale.get_data(as_text=True)
    assert stale.status_code == 409 and "Iemand anders heeft de zorgvraag intussen gewijzigd" in page
    assert "Eerst deze versie." in page
    db.expire_all()
    assert world.johan_team.care_question == "Eerst deze versie."


@pytest.mark.parametrize("version, status", [("", 409), (None, 409), ("abc", 400), ("²", 400)])
def test_a_missing_version_is_a_stale_edit_and_one_that_is_no_number_a_bad_request(login_as, db, world, version,
                                                                                    status):
    before = world.johan_team.care_question
    assert _post(login_as("karim"), world, version=version).status_code == status
    db.expire_all()
    assert world.johan_team.care_question == before


def test_the_form_page_is_an_audited_read(login_as, db, world):
    _post(login_as("johan"), world)
    page = login_as("karim").get(_url(world))
    assert page.status_code == 200 and NEW in page.get_data(as_text=True)
    entry = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (entry.action, entry.category) == ("read", "care-question")
