"""Mijn overzicht (/home): where each user lands, what is due and coming up across their teams, and "since your
last visit" with only what the member may know (consent, professionals-only messages, nothing medical for a
volunteer); filters and the name search; reads audited; unread counts as the team menu counts them."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, audit
from models.agreements import add_agreement
from models.consent import CATEGORIES, set_grant, set_professionals_only, visible_categories
from models.info import SHAPES, add_item, save_sheet, sheet_of
from models.meetings import cancel_meeting, next_meeting
from models.members import load_membership
from models.messages import post_message, unread_counts
from tests.conftest import PASSWORD, login
from tests.test_query_counts import _add_teams, count_statements  # noqa: F401  (a fixture)
from zorgteam.labels import OBJECTS

MEDICAL_WORDS = ("medicatie", "huidige toestand", "contactlogboek", "zorgnoden", "zorggeschiedenis", "doelen",
                 "vroegtijdige zorgplanning")


def _actor(db, world, key: str):
    """A demo member as the guard hands it to a view: with the designations they hold."""
    return load_membership(db, world.johan_team.id, world.user(key).id)


def _page(client, query: str = "") -> str:
    response = client.get("/home" + query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _changes(html: str) -> str:
    """The "Sinds uw vorige bezoek" section only."""
    start = html.index('id="changes-heading"')
    return html[start:html.index("</section>", start)]


def _visited(db, world, key: str) -> None:
    """An earlier visit of `key` to Johan's team: what they did there is in the audit trail."""
    audit.record(db, _actor(db, world, key), "read", team=world.johan_team, category="overview")
    db.commit()


def _busy_team(db, world) -> None:
    """Changes after the visit: a task for Maria and a message for all (by Karim, who was in the team then), then
    the medication, the journal and a message for professionals (by Tom and Els)."""
    team, tom, els, karim = world.johan_team, _actor(db, world, "tom"), _actor(db, world, "els"), \
        _actor(db, world, "karim")
    add_agreement(db, team, karim, what="Rolstoel aanvragen", owner=_actor(db, world, "maria"),
                  due_on=date.today() + timedelta(days=3))
    post_message(db, team, karim, "Voor het hele team")
    add_item(db, team, tom, "medication", {"drug": "Paracetamol", "dose": "1 g", "moments": ["morning"]})
    add_item(db, team, tom, "journal", {"occurred_on": date.today(), "kind": "contact", "text": "Huisbezoek"})
    post_message(db, team, els, "Voor de zorgverleners", audience="professionals")
    db.commit()


# --- where each user lands -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("who, where", [("karim", "/home"), ("els", "/home"), ("griet", "/home"),
                                        ("johan", "/home"), ("maria", "/my/tasks"), ("an", "/my/tasks"),
                                        ("jef", "/my/tasks")])
def test_professionals_land_on_the_home_screen_and_carers_on_their_tasks(login_as, who, where):
    response = login_as(who).get("/")
    assert response.status_code == 302 and response.headers["Location"] == where


def test_logging_in_leads_a_family_carer_to_her_tasks(client):
    response = client.post("/login", data={"email": "maria@zorgteam.example", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/my/tasks"
    assert "Weekdoos klaarzetten" in client.get("/my/tasks").get_data(as_text=True)


def test_a_carer_who_coordinates_lands_on_the_home_screen(db, world, login_as):
    from models.members import designate
    designate(db, world.johan_team, None, "coordinator", _actor(db, world, "an"))
    db.commit()
    assert login_as("an").get("/").headers["Location"] == "/home"


# --- Karim, coordinator --------------------------------------------------------------------------------------------

def test_karim_sees_his_overdue_task_and_the_team_agreements_he_follows_up(login_as):
    html = _page(login_as("karim"))
    due = html[html.index('id="due-heading"'):html.index('id="messages-heading"')]
    assert "Premie voor mantelzorgers aanvragen" in due and "Te laat" in due
    assert "Inhalatietechniek van de Seretide Diskus nakijken" in due and "Voor Tom Wouters" in due
    assert "Uitzoeken of Johan op zaterdag" not in due  # due in three weeks: not yet


def test_karim_sees_the_next_mdo_and_a_team_without_follow_up_once_it_is_cancelled(db, world, login_as):
    client = login_as("karim")
    html = _page(client)
    assert "Zorgteams zonder gepland vervolgoverleg" not in html and "MDO" in html
    cancel_meeting(db, next_meeting(db, world.johan_team.id), _actor(db, world, "karim"))
    db.commit()
    html = _page(client)
    assert "Zorgteams zonder gepland vervolgoverleg" in html and "Geen overleg gepland." in html
    assert f"/teams/{world.johan_team.id}/meetings/new" in html


def test_the_demo_starts_with_nothing_new(login_as):
    assert "Niets nieuw sinds uw vorige bezoek." in _changes(_page(login_as("karim")))


def test_karim_sees_what_changed_since_his_last_visit(db, world, login_as):
    _visited(db, world, "karim")
    _busy_team(db, world)
    changes = _changes(_page(login_as("karim")))
    assert "Tom Wouters (thuisverpleegkundige) <a" in changes and "voegde iets toe aan de medicatie" in changes
    assert "voegde iets toe aan het contactlogboek" in changes
    assert "Els Janssens (huisarts) <a" in changes and "schreef een bericht" in changes  # for professionals
    assert "maakte een afspraak" not in changes  # his own work came before: then he was there


def test_what_one_does_oneself_is_no_news(db, world, login_as):
    _visited(db, world, "karim")
    client = login_as("karim")
    assert client.post(f"/teams/{world.johan_team.id}/messages/", data={"body": "Van mij"}).status_code == 302
    assert "schreef een bericht" not in _changes(_page(client))


def test_a_first_visit_says_so_and_a_quiet_team_says_nothing_is_new(db, world, login_as):
    assert "Dit is uw eerste bezoek." in _changes(_page(login_as("hanne")))  # the demo's Johan team has looked
    _visited(db, world, "sofie")
    assert "Niets nieuw sinds uw vorige bezoek." in _changes(_page(login_as("sofie")))


# --- Els, GP -------------------------------------------------------------------------------------------------------

def test_els_sees_new_messages_and_the_meeting_but_plans_nothing(db, world, login_as):
    post_message(db, world.johan_team, _actor(db, world, "maria"), "Johan hoest meer")
    db.commit()
    html = _page(login_as("els"))
    messages = html[html.index('id="messages-heading"'):html.index('id="meetings-heading"')]
    assert re.search(r"\d+ nieuwe? berichte?n?", messages)
    assert "Zorgteam van" not in messages  # she is in one team: no need to say which
    assert "Zorgteams zonder gepland vervolgoverleg" not in html and "MDO" in html


# --- Maria, family carer and representative ------------------------------------------------------------------------

def test_maria_never_learns_of_professionals_only_messages(db, world, login_as):
    _visited(db, world, "maria")
    _busy_team(db, world)
    html = _page(login_as("maria"))
    changes = _changes(html)
    assert changes.count("schreef een bericht") == 1  # Karim's for the whole team, not Els's for professionals
    assert "Rolstoel aanvragen" in html  # the task Karim gave her, due this week
    assert "voegde iets toe aan de medicatie" in changes  # she may see the medication: the person decided so


def test_a_professionals_only_category_disappears_for_family_carers(db, world, login_as):
    _visited(db, world, "maria")
    _busy_team(db, world)
    set_professionals_only(db, world.johan_team, _actor(db, world, "karim"), "medication", True, method="in_person")
    db.commit()
    changes = _changes(_page(login_as("maria")))
    assert "de medicatie" not in changes and "contactlogboek" in changes


# --- Jef, volunteer ------------------------------------------------------------------------------------------------

def test_jef_hears_nothing_medical(db, world, login_as):
    _visited(db, world, "jef")
    _busy_team(db, world)
    html = _page(login_as("jef"))
    changes = _changes(html).lower()
    assert "schreef een bericht" in changes  # the message for the whole team
    for word in MEDICAL_WORDS + ("afspraak",):
        assert word not in changes, word
    assert "Rolstoel aanvragen" not in html and "Paracetamol" not in html


# --- consent -------------------------------------------------------------------------------------------------------

def _touch_every_category(db, world) -> None:
    """Tom changes each of the nine categories (the journal gets an entry: it has no sheet)."""
    team, tom = world.johan_team, _actor(db, world, "tom")
    for category in CATEGORIES:
        shape = SHAPES[category]
        if shape.sheet:
            sheet = sheet_of(db, team.id, category)
            save_sheet(db, team, tom, category, {shape.sheet[0].name: "Bijgewerkt"}, sheet.version if sheet else None)
        else:
            add_item(db, team, tom, category, {"occurred_on": date.today(), "kind": "contact", "text": "Bezoek"})
    db.commit()


@pytest.mark.parametrize("who", ["johan", "maria", "an", "jef", "griet", "els"])
def test_a_member_learns_of_changes_only_in_the_categories_they_may_see(db, world, login_as, who):
    _visited(db, world, who)
    _touch_every_category(db, world)
    changes = _changes(_page(login_as(who), "?kind=changes"))  # every line, not the first eight
    seen = visible_categories(db, _actor(db, world, who))
    assert seen != frozenset() and (who != "jef" or seen == {"contacts"})
    for category in CATEGORIES:
        assert (str(OBJECTS[category]) in changes) == (category in seen), (who, category)


def test_a_long_list_of_changes_is_cut_short_and_counted(db, world, login_as):
    _visited(db, world, "johan")
    _touch_every_category(db, world)
    changes = _changes(_page(login_as("johan")))
    assert changes.count("<li>") == 8 and "en nog 1 andere wijziging" in changes


def test_withdrawn_consent_takes_the_change_off_the_home_screen_at_once(db, world, login_as):
    _visited(db, world, "an")
    _busy_team(db, world)
    client = login_as("an")
    assert "voegde iets toe aan de medicatie" in _changes(_page(client))
    set_grant(db, _actor(db, world, "an"), _actor(db, world, "karim"), "medication", False, method="in_person")
    db.commit()
    changes = _changes(_page(client))
    assert "de medicatie" not in changes and "wijzigde wat u kan zien" in changes


# --- the visit ------------------------------------------------------------------------------------------------------

def test_since_the_last_visit_holds_for_the_session_and_moves_on_with_the_next(db, world, client):
    _visited(db, world, "karim")
    _busy_team(db, world)
    login(client, db, world.user("karim"))
    first = _changes(_page(client))
    assert "voegde iets toe aan de medicatie" in first
    assert _changes(_page(client)) == first  # the same session: the same "since"
    login(client, db, world.user("karim"))
    again = _changes(_page(client))
    assert "de medicatie" not in again  # he saw it last time
    post_message(db, world.johan_team, _actor(db, world, "tom"), "Nieuw na zijn bezoek")
    db.commit()
    assert "schreef een bericht" in _changes(_page(client))


def test_pages_seen_after_logging_in_do_not_swallow_the_news(db, world, client):
    _visited(db, world, "maria")
    _busy_team(db, world)
    response = client.post("/login", data={"email": "maria@zorgteam.example", "password": PASSWORD})
    assert response.headers["Location"] == "/my/tasks"
    assert "Rolstoel aanvragen" in client.get("/my/tasks").get_data(as_text=True)  # a read in the team, after login
    assert "voegde iets toe aan de medicatie" in _changes(_page(client))


def test_the_home_screen_is_audited_as_a_read_of_each_team_it_shows(db, world, login_as):
    client = login_as("karim")
    _page(client)
    _page(client, "?q=peet")
    rows = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == world.user("karim").id,
                                               AuditEvent.category == "home")).all()
    assert {(r.action, r.team_id) for r in rows} == {("read", world.johan_team.id), ("search", None)}


# --- filters and search --------------------------------------------------------------------------------------------

def test_the_name_search_finds_the_team_and_says_when_nothing_matches(login_as):
    client = login_as("karim")
    assert "Premie voor mantelzorgers" in _page(client, "?q=PEETERS")
    html = _page(client, "?q=Vos")
    assert "Niets gevonden voor “Vos”." in html and "Premie voor mantelzorgers" not in html
    assert "Dit is uw eerste bezoek" not in html


def test_the_kind_filter_shows_one_section_and_an_unknown_filter_shows_everything(login_as, world):
    client = login_as("karim")
    html = _page(client, "?kind=meetings")
    assert 'id="meetings-heading"' in html and 'id="due-heading"' not in html and 'id="changes-heading"' not in html
    html = _page(client, f"?kind=nonsense&team={world.rita_team.id}")  # not his team: ignored
    assert 'id="due-heading"' in html and "Premie voor mantelzorgers" in html


def test_the_team_filter_keeps_to_one_team(db, world, login_as):
    from models.members import add_member
    add_member(db, world.rita_team, None, role="professional", name="Karim El Amrani", user=world.user("karim"),
               discipline="social_worker")
    post_message(db, world.rita_team, load_membership(db, world.rita_team.id, world.user("hanne").id), "Hallo")
    db.commit()
    client = login_as("karim")
    assert "Zorgteam van Rita Vos" in _page(client) and "Premie voor mantelzorgers" in _page(client)
    html = _page(client, f"?team={world.rita_team.id}")
    assert "Zorgteam van Rita Vos" in html and "Premie voor mantelzorgers" not in html
    assert "Zorgteam van Rita Vos" not in _page(client, f"?team={world.johan_team.id}")


# --- unread counts ---------------------------------------------------------------------------------------------------

def test_unread_counts_at_once_match_the_team_menu(db, world):
    from models.messages import hidden_kinds
    from zorgteam.messages import unread
    team = world.johan_team
    post_message(db, team, _actor(db, world, "maria"), "Een vraag")
    post_message(db, team, None, "Probleem met de inhalator", audience="professionals", kind="medication-problem")
    post_message(db, team, None, "Probleem met de pillen", kind="medication-problem")
    set_grant(db, _actor(db, world, "an"), None, "medication", False, method="in_person")
    members = [_actor(db, world, k) for k in ("els", "maria", "an", "jef", "johan")]
    hidden = {m.id: hidden_kinds(visible_categories(db, m)) for m in members}
    counts = unread_counts(db, members, hidden)
    assert counts == {m.id: unread(db, m) for m in members}
    assert len(set(counts.values())) > 1  # the rules make a difference here



def test_replies_count_for_whoever_reads_their_conversation(db, world):
    """Where the home screen meets the threads: a question from Maria to Els alone, and Els's answer, are new for
    the other of the two and for nobody else; Tom's answer to Maria's question for the professionals is new for
    her too (she asked it), not for An. In the home screen's counts and the team menu's alike."""
    from models.messages import hidden_kinds, post_reply
    from zorgteam.messages import unread
    team = world.johan_team
    maria, els, tom = (_actor(db, world, k) for k in ("maria", "els", "tom"))
    members = [_actor(db, world, k) for k in ("els", "maria", "tom", "an", "johan")]
    before = unread_counts(db, members, {m.id: hidden_kinds(visible_categories(db, m)) for m in members})
    question = post_message(db, team, maria, "Mag Johan nog autorijden?", audience="member", recipient=els)
    post_reply(db, team, els, question, "Liever niet; ik bel u morgen.")
    asked = post_message(db, team, maria, "Hoe vaak mag de puffer?", audience="professionals")
    post_reply(db, team, tom, asked, "Twee keer per dag, zoals op het schema.")
    db.flush()
    after = unread_counts(db, members, {m.id: hidden_kinds(visible_categories(db, m)) for m in members})
    assert after == {m.id: unread(db, m) for m in members}
    grew = {m.id: after[m.id] - before[m.id] for m in members}
    # Els: both of Maria's questions and Tom's answer; Maria: the two answers; Tom: the question for the
    # professionals (the direct conversation is not his); An and Johan: nothing (not theirs, nor for them).
    assert grew == {members[0].id: 3, members[1].id: 2, members[2].id: 1, members[3].id: 0, members[4].id: 0}


# --- cost ----------------------------------------------------------------------------------------------------------

def test_the_home_screen_with_news_issues_as_many_queries_with_three_more_busy_teams(client, db, world,
                                                                                      count_statements):
    from models.members import teams_of
    karim = world.user("karim")
    _visited(db, world, "karim")
    _busy_team(db, world)
    login(client, db, karim)
    before = count_statements(client, "/home?kind=changes")
    _add_teams(db, karim, 3)
    for team in teams_of(db, karim.id):
        if team.id != world.johan_team.id:
            audit.record(db, load_membership(db, team.id, karim.id), "read", team=team, category="overview")
            post_message(db, team, None, "Nieuws")
    post_message(db, world.johan_team, _actor(db, world, "tom"), "Ook nieuw")  # after what he saw in Johan's team
    db.commit()
    login(client, db, karim)  # a new session: the news of the new teams is now since his last visit
    html = client.get("/home?kind=changes").get_data(as_text=True)
    assert html.count('class="card home-changes"') == 4
    assert count_statements(client, "/home?kind=changes") == before


def test_a_team_never_opened_is_compared_with_the_last_visit_anywhere(db, world, login_as):
    from models.members import add_member
    add_member(db, world.rita_team, None, role="professional", name="Karim El Amrani", user=world.user("karim"),
               discipline="social_worker")
    _visited(db, world, "karim")  # in Johan's team only
    post_message(db, world.rita_team, load_membership(db, world.rita_team.id, world.user("hanne").id), "Hallo")
    db.commit()
    changes = _changes(_page(login_as("karim"), f"?team={world.rita_team.id}"))
    assert "Hanne Verheust (thuisverpleegkundige) <a" in changes and "schreef een bericht" in changes
