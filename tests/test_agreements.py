"""Agreements: who may create, answer and finish them; recurrence; overdue ones; stale edits; what a volunteer
sees; /my/tasks across teams; and every change in the audit trail."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from models import Agreement, AgreementCompletion, AuditEvent, CareGoal
from models import agreements as domain
from models import goals
from models.agreements import AgreementRule, add_agreement
from models.members import NotAllowed, add_member
from tests.forms import forms_of
from tests.test_query_counts import _add_teams
from zorgteam.agreements.tasks import TEAMS_PER_PAGE

MANAGERS = ("karim", "griet", "els", "tom", "lotte")
NOT_MANAGERS = ("johan", "maria", "an", "jef")


def _url(world, path=""):
    return f"/teams/{world.johan_team.id}/agreements/{path}"


def _agreement(db, world, start: str) -> Agreement:
    rows = db.scalars(select(Agreement).where(Agreement.team_id == world.johan_team.id))
    return next(a for a in rows if a.what.startswith(start))


def _fresh(db, agreement: Agreement) -> Agreement:
    db.expire_all()
    return db.get(Agreement, agreement.id)


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _last_event(db) -> AuditEvent:
    return db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()


# --- the demo -------------------------------------------------------------------------------------------------

def test_the_demo_has_the_contracts_agreements(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    assert (pill_box.owner_id, pill_box.recurrence, pill_box.status) == (world.member("maria").id, "weekly",
                                                                          "accepted")
    assert pill_box.due_on == _next_weekday(date.today(), 6)
    assert _agreement(db, world, "Johan naar de duivenclub").owner_id == world.member("jef").id
    assert _agreement(db, world, "Inhalatietechniek").owner_id == world.member("tom").id
    assert "twee keer per week" in _agreement(db, world, "Wandeloefening").what
    overdue = domain.overdue_agreements(db, world.johan_team.id)
    assert [a.owner_id for a in overdue] == [world.member("karim").id]
    goal = db.get(CareGoal, pill_box.care_goal_id)
    assert goal.text.startswith("Johan neemt zijn medicatie")
    assert len(domain.completions_of(db, pill_box)) == 5


# --- recurrence -----------------------------------------------------------------------------------------------

def _series(recurrence: str, anchor: date) -> Agreement:
    return Agreement(recurrence=recurrence, recurs_from=anchor, due_on=anchor, status="accepted")


@pytest.mark.parametrize("after, expected", [
    (date(2026, 5, 10), date(2026, 5, 17)),   # on the Sunday itself: the next Sunday
    (date(2026, 5, 9), date(2026, 5, 10)),    # the Saturday before
    (date(2026, 5, 13), date(2026, 5, 17)),   # midweek
    (date(2026, 5, 3), date(2026, 5, 10)),    # before the series began: its first date
])
def test_weekly_agreements_come_back_on_the_same_weekday(after, expected):
    assert domain.next_occurrence(_series("weekly", date(2026, 5, 10)), after) == expected


@pytest.mark.parametrize("after, expected", [
    (date(2026, 1, 31), date(2026, 2, 28)),   # a shorter month: its last day
    (date(2026, 2, 28), date(2026, 3, 31)),   # and back to the 31st, not stuck on the 28th
    (date(2026, 3, 15), date(2026, 3, 31)),
    (date(2026, 12, 31), date(2027, 1, 31)),  # over the year's end
])
def test_monthly_agreements_keep_their_day_of_the_month(after, expected):
    assert domain.next_occurrence(_series("monthly", date(2026, 1, 31)), after) == expected


def test_done_on_a_weekly_agreement_records_the_occurrence_and_moves_to_next_week(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday = pill_box.due_on
    done = domain.complete(db, pill_box, world.member("maria"), today=sunday)
    assert (done.occurrence_on, done.completed_by_id) == (sunday, world.member("maria").id)
    assert (pill_box.status, pill_box.due_on) == ("accepted", sunday + timedelta(weeks=1))
    assert [c.occurrence_on for c in domain.completions_of(db, pill_box)][0] == sunday


def test_a_late_completion_does_not_leave_the_next_date_in_the_past(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday = pill_box.due_on
    later = sunday + timedelta(days=17)  # two Sundays missed, done on a Wednesday
    domain.complete(db, pill_box, world.member("maria"), today=later)
    assert pill_box.due_on == sunday + timedelta(weeks=3) and pill_box.due_on > later
    assert not pill_box.overdue(later)


def test_a_one_off_agreement_is_done_once(db, world):
    inhaler = _agreement(db, world, "Inhalatietechniek")
    domain.complete(db, inhaler, world.member("tom"))
    assert inhaler.status == "done" and inhaler.done_at is not None
    with pytest.raises(AgreementRule):
        domain.complete(db, inhaler, world.member("tom"))


def test_a_mistaken_tap_on_done_can_be_taken_back_the_same_day(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday, history = pill_box.due_on, len(domain.completions_of(db, pill_box))
    client = login_as("maria")
    client.post(_url(world, f"{pill_box.id}/done"), data={"back": "tasks"})
    page = client.get("/my/tasks").get_data(as_text=True)
    assert "Toch niet klaar" in page
    assert login_as("an").post(_url(world, f"{pill_box.id}/undo")).status_code == 403
    response = login_as("maria").post(_url(world, f"{pill_box.id}/undo"), data={"back": "tasks"})
    assert response.status_code == 302
    pill_box = _fresh(db, pill_box)
    assert (pill_box.due_on, len(domain.completions_of(db, pill_box))) == (sunday, history)
    assert "Toch niet klaar" not in login_as("maria").get("/my/tasks").get_data(as_text=True)


def test_an_old_completion_cannot_be_taken_back(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")  # its history is of earlier Sundays
    with pytest.raises(AgreementRule, match="niets om terug te draaien"):
        domain.undo_completion(db, pill_box, world.member("maria"))


def test_taking_back_a_one_off_reopens_it(db, world):
    inhaler = _agreement(db, world, "Inhalatietechniek")
    domain.complete(db, inhaler, world.member("tom"))
    domain.undo_completion(db, inhaler, world.member("tom"))
    assert (inhaler.status, inhaler.done_at, domain.completions_of(db, inhaler)) == ("accepted", None, [])


def test_a_recurring_agreement_needs_a_first_date(db, world):
    with pytest.raises(AgreementRule, match="eerste datum"):
        add_agreement(db, world.johan_team, world.member("karim"), what="Elke week bellen", recurrence="weekly")


# --- overdue --------------------------------------------------------------------------------------------------

def test_overdue_means_open_with_a_date_in_the_past(db, world):
    task = _agreement(db, world, "Premie voor mantelzorgers")
    assert task.overdue() and not task.overdue(task.due_on)
    task.status = "done"
    assert not task.overdue()


def test_overdue_ones_come_first_and_say_so_in_words(login_as, world):
    page = login_as("karim").get(_url(world)).get_data(as_text=True)
    assert "1 afspraak is te laat." in page
    late = page.index("Premie voor mantelzorgers")
    assert late < page.index("Weekdoos klaarzetten") and late < page.index("Inhalatietechniek")
    card = page[page.rindex('<li class="card agreement', 0, late):late]
    assert "overdue" in card and "Te laat" in card


# --- who may do what ------------------------------------------------------------------------------------------

def _new_form(world, **extra) -> dict:
    return {"what": "Rolstoel aanvragen bij het ziekenfonds", "owner": str(world.member("an").id),
            "recurrence": "none", "due_on": (date.today() + timedelta(days=10)).isoformat(), "care_goal": "",
            **extra}


@pytest.mark.parametrize("key", MANAGERS + NOT_MANAGERS)
def test_who_may_create_an_agreement(login_as, db, world, key):
    response = login_as(key).post(_url(world, "new"), data=_new_form(world))
    created = [a for a in domain.team_agreements(db, world.johan_team.id) if a.what.startswith("Rolstoel")]
    if key in MANAGERS:
        assert response.status_code == 302
        assert [(a.owner_id, a.status) for a in created] == [(world.member("an").id, "proposed")]
    else:
        assert response.status_code == 403 and created == []


def test_the_domain_refuses_a_member_who_may_not_manage_agreements(db, world):
    with pytest.raises(NotAllowed):
        add_agreement(db, world.johan_team, world.member("maria"), what="Iets")


def test_the_system_may_add_one_with_the_old_signature(db, world):
    """The medication-problem report adds a follow-up with actor None and these keywords."""
    made = add_agreement(db, world.johan_team, None, owner=world.member("els"), what="Opvolgen",
                         due_on=date.today() + timedelta(days=2))
    assert (made.status, made.recurrence, made.created_by_id) == ("proposed", "none", None)


@pytest.mark.parametrize("problem, message", [("owner", "lid zijn"), ("goal", "zorgdoel")])
def test_owner_and_goal_must_belong_to_the_team(db, world, problem, message):
    rita_team = world.rita_team
    if problem == "owner":
        values = {"owner": world.member("hanne", rita_team)}
    else:
        life = goals.life_goals(db, rita_team.id)[0]
        values = {"care_goal_id": goals.add_care_goal(db, rita_team, None, life, text="Zelf koken").id}
    with pytest.raises(AgreementRule, match=message):
        add_agreement(db, world.johan_team, world.member("karim"), what="Iets", **values)


def _proposed_for_an(db, world) -> Agreement:
    return _agreement(db, world, "Uitzoeken of Johan op zaterdag")


@pytest.mark.parametrize("key, allowed", [("an", True), ("karim", True), ("maria", False), ("johan", False),
                                          ("jef", False)])
def test_only_the_owner_or_a_manager_accepts(login_as, db, world, key, allowed):
    task = _proposed_for_an(db, world)
    response = login_as(key).post(_url(world, f"{task.id}/accept"))
    assert response.status_code == (302 if allowed else 403)
    assert _fresh(db, task).status == ("accepted" if allowed else "proposed")


@pytest.mark.parametrize("key, allowed", [("maria", True), ("tom", True), ("an", False), ("johan", False),
                                          ("jef", False)])
def test_only_the_owner_or_a_manager_marks_it_done(login_as, db, world, key, allowed):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    before = pill_box.due_on
    response = login_as(key).post(_url(world, f"{pill_box.id}/done"))
    assert response.status_code == (302 if allowed else 403)
    assert _fresh(db, pill_box).due_on == (before + timedelta(weeks=1) if allowed else before)


def test_the_representative_answers_for_the_persons_own_agreement(login_as, db, world):
    walk = add_agreement(db, world.johan_team, None, what="Elke dag tot aan de brievenbus wandelen",
                         owner=world.member("johan"), due_on=date.today())
    walk.status = "accepted"
    db.commit()
    assert login_as("an").post(_url(world, f"{walk.id}/done")).status_code == 403
    assert login_as("maria").post(_url(world, f"{walk.id}/done")).status_code == 302
    assert _fresh(db, walk).status == "done"


def test_declining_needs_a_reason_which_the_coordinator_then_reads(login_as, db, world):
    task = _proposed_for_an(db, world)
    client = login_as("an")
    response = client.post(_url(world, f"{task.id}/decline"), data={"remark": "  "})
    assert response.status_code == 422 and _fresh(db, task).status == "proposed"
    response = client.post(_url(world, f"{task.id}/decline"), data={"remark": "Ik werk op zaterdag."})
    assert response.status_code == 302
    assert (_fresh(db, task).status, _fresh(db, task).remark) == ("declined", "Ik werk op zaterdag.")
    page = login_as("karim").get(_url(world)).get_data(as_text=True)
    assert "Ik werk op zaterdag." in page and "geweigerd" in page


def test_only_managers_cancel(login_as, db, world):
    task = _agreement(db, world, "Inhalatietechniek")
    assert login_as("maria").post(_url(world, f"{task.id}/cancel")).status_code == 403
    assert login_as("karim").post(_url(world, f"{task.id}/cancel"),
                                  data={"remark": "Niet meer nodig."}).status_code == 302
    assert (_fresh(db, task).status, _fresh(db, task).remark) == ("cancelled", "Niet meer nodig.")


# --- editing --------------------------------------------------------------------------------------------------

def _edit_form(agreement: Agreement, **extra) -> dict:
    return {"what": agreement.what, "owner": str(agreement.owner_id or ""), "recurrence": agreement.recurrence,
            "due_on": agreement.due_on.isoformat() if agreement.due_on else "",
            "care_goal": str(agreement.care_goal_id or ""), "version": str(agreement.version), **extra}


def test_a_stale_edit_is_refused_with_409_and_the_current_version(login_as, db, world):
    task = _agreement(db, world, "Inhalatietechniek")
    form = _edit_form(task, what="Inhalatietechniek nakijken bij het volgende bezoek")
    domain.update_agreement(db, task, world.member("tom"), task.version, what="Inhalator en voorzetkamer nakijken",
                            owner=task.owner, due_on=task.due_on, recurrence="none", care_goal_id=task.care_goal_id)
    db.commit()
    response = login_as("karim").post(_url(world, f"{task.id}/edit"), data=form)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "intussen gewijzigd" in page and "Inhalator en voorzetkamer nakijken" in page
    assert _fresh(db, task).what == "Inhalator en voorzetkamer nakijken"


def test_reassigning_asks_the_new_owner_again(login_as, db, world):
    task = _agreement(db, world, "Inhalatietechniek")
    response = login_as("karim").post(_url(world, f"{task.id}/edit"),
                                      data=_edit_form(task, owner=str(world.member("els").id)))
    assert response.status_code == 302
    task = _fresh(db, task)
    assert (task.owner_id, task.status) == (world.member("els").id, "proposed")


def test_changing_the_first_date_of_a_series_moves_its_rhythm(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    saturday = pill_box.due_on + timedelta(days=6)
    response = login_as("karim").post(_url(world, f"{pill_box.id}/edit"),
                                      data=_edit_form(pill_box, due_on=saturday.isoformat()))
    assert response.status_code == 302
    assert domain.next_occurrence(_fresh(db, pill_box), saturday) == saturday + timedelta(weeks=1)


# --- what a volunteer sees ------------------------------------------------------------------------------------

def test_a_volunteer_sees_only_his_own_agreements(login_as, db, world):
    client = login_as("jef")
    page = client.get(_url(world)).get_data(as_text=True)
    assert "Johan naar de duivenclub" in page
    for other in ("Weekdoos", "Inhalatietechniek", "Wandeloefening", "Premie voor mantelzorgers"):
        assert other not in page
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    assert client.get(_url(world, f"{pill_box.id}/")).status_code == 403
    who = client.get(_url(world, "who")).get_data(as_text=True)
    assert "0478 12 12 12" in who and "Weekdoos" not in who and "Johan naar de duivenclub" in who
    overview = client.get(f"/teams/{world.johan_team.id}/").get_data(as_text=True)
    assert "Johan naar de duivenclub" in overview and "Weekdoos" not in overview


def test_a_family_carer_sees_her_own_first_and_the_coordinator_all_in_one_list(login_as, world):
    page = login_as("maria").get(_url(world)).get_data(as_text=True)
    assert page.index("Uw afspraken") < page.index("Weekdoos klaarzetten") < page.index("Afspraken van de anderen")
    assert "Inhalatietechniek" in page and "Nieuwe afspraak" not in page
    page = login_as("karim").get(_url(world)).get_data(as_text=True)
    assert "Alle afspraken" in page and "Nieuwe afspraak" in page


def test_filters_mine_and_status(login_as, db, world):
    client = login_as("maria")
    mine = client.get(_url(world) + "?who=mine").get_data(as_text=True)
    assert "Weekdoos" in mine and "Inhalatietechniek" not in mine
    domain.complete(db, _agreement(db, world, "Inhalatietechniek"), None)
    db.commit()
    done = client.get(_url(world) + "?status=done").get_data(as_text=True)
    assert "Inhalatietechniek" in done and "Weekdoos" not in done


def test_who_does_what_lists_members_with_phone_reachability_and_open_agreements(login_as, world):
    page = login_as("karim").get(_url(world, "who")).get_data(as_text=True)
    jef = page[page.index("Jef Claes"):]
    jef = jef[:jef.index('<li class="card">')] if '<li class="card">' in jef else jef
    assert "0468 56 56 56" in jef and "elke zondagvoormiddag" in jef and "Johan naar de duivenclub" in jef
    assert 'href="tel:0478121212"' in page


def test_the_linked_goal_is_shown_to_those_who_see_goals(login_as, world):
    assert "Johan neemt zijn medicatie" in login_as("maria").get(_url(world)).get_data(as_text=True)


def test_another_teams_agreement_is_not_found(login_as, db, world):
    rita = add_agreement(db, world.rita_team, None, what="Boodschappen")
    db.commit()
    client = login_as("karim")
    assert client.get(_url(world, f"{rita.id}/")).status_code == 404
    assert client.post(_url(world, f"{rita.id}/done")).status_code == 404
    assert _fresh(db, rita).status == "proposed"


# --- /my/tasks ------------------------------------------------------------------------------------------------

def test_maria_ticks_off_the_pill_box_on_my_tasks_and_karim_sees_it_done(login_as, db, world):
    client = login_as("maria")
    page = client.get("/my/tasks").get_data(as_text=True)
    assert "Weekdoos klaarzetten — elke zondag" in page and "Volgende keer: " in page
    assert "Inhalatietechniek" not in page
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    response = client.post(_url(world, f"{pill_box.id}/done"), data={"back": "tasks"})
    assert response.status_code == 302 and response.headers["Location"].startswith("/my/tasks")
    page = client.get("/my/tasks").get_data(as_text=True)
    assert "Goed gedaan!" in page and re.search(r"Laatst gedaan: vandaag \([^)]*\), door Maria Peeters", page)
    karim = login_as("karim").get(_url(world)).get_data(as_text=True)
    assert re.search(r"vandaag \([^)]*\), door Maria Peeters", karim)


def test_my_tasks_cover_all_my_teams_and_only_my_own(login_as, db, world):
    maria_user = world.user("maria")
    in_rita = add_member(db, world.rita_team, None, role="volunteer", name="Maria Peeters", user=maria_user)
    add_agreement(db, world.rita_team, None, what="Rita naar de kapper brengen", owner=in_rita,
                  due_on=date.today() + timedelta(days=2))
    db.commit()
    page = login_as("maria").get("/my/tasks").get_data(as_text=True)
    assert "Rita naar de kapper brengen" in page and "Weekdoos klaarzetten" in page
    assert "Zorgteam van Rita Vos" in page and "Ja, ik doe het" in page
    assert "Johan naar de duivenclub" not in page


def _team_sections(page: str) -> dict[str, str]:
    """The sections of /my/tasks by their heading (without the CSRF token, which is signed with the second it was
    made in: two requests a second apart would differ)."""
    found = {}
    page = re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)
    for section in page.split('<section class="team-tasks"')[1:]:
        heading = re.search(r'<h2[^>]*><a [^>]*>([^<]+)</a></h2>', section).group(1)
        found[heading] = section.split("</section>")[0]
    return found


def test_my_tasks_stand_under_the_heading_of_their_team(login_as, db, world):
    in_rita = add_member(db, world.rita_team, None, role="volunteer", name="Maria Peeters", user=world.user("maria"))
    add_agreement(db, world.rita_team, None, what="Rita naar de kapper brengen", owner=in_rita,
                  due_on=date.today() + timedelta(days=2))
    db.commit()
    sections = _team_sections(login_as("maria").get("/my/tasks").get_data(as_text=True))
    assert set(sections) == {"Zorgteam van Johan Peeters", "Zorgteam van Rita Vos"}
    assert "Rita naar de kapper brengen" in sections["Zorgteam van Rita Vos"]
    assert "Weekdoos klaarzetten" in sections["Zorgteam van Johan Peeters"]
    assert "Weekdoos" not in sections["Zorgteam van Rita Vos"]


def test_my_tasks_show_a_page_of_teams_and_read_only_those(login_as, db, world):
    _add_teams(db, world.user("karim"), TEAMS_PER_PAGE + 1)
    client = login_as("karim")
    before = db.scalar(select(func.max(AuditEvent.seq)))
    first = client.get("/my/tasks").get_data(as_text=True)
    db.expire_all()
    reads = db.scalars(select(AuditEvent).where(AuditEvent.seq > before, AuditEvent.action == "read")).all()
    assert len(_team_sections(first)) == TEAMS_PER_PAGE and "Pagina 1 van 2" in first
    assert len({e.team_id for e in reads if e.category == "agreements"}) == TEAMS_PER_PAGE
    second = client.get("/my/tasks?page=2").get_data(as_text=True)
    assert len(_team_sections(second)) == 2 and not set(_team_sections(first)) & set(_team_sections(second))
    assert 'href="/my/tasks" rel="prev"' in second and "Pagina 2 van 2" in second
    assert _team_sections(client.get("/my/tasks?page=99").get_data(as_text=True)) == _team_sections(second)
    for odd in ("nul", "²", "0", "9" * 40):
        assert _team_sections(client.get(f"/my/tasks?page={odd}").get_data(as_text=True)) == _team_sections(first)


def test_a_task_done_on_a_later_page_comes_back_to_that_page(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    response = login_as("maria").post(_url(world, f"{pill_box.id}/done?page=2"), data={"back": "tasks"})
    assert response.headers["Location"] == f"/my/tasks?page=2#task-{pill_box.id}"


def test_an_ended_membership_has_no_tasks(login_as, db, world):
    world.member("maria").ended_on = date.today()
    db.commit()
    page = login_as("maria").get("/my/tasks").get_data(as_text=True)
    assert "Weekdoos" not in page and "geen taken" in page


def test_my_tasks_needs_a_login(client):
    response = client.get("/my/tasks")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


# --- every change is audited ----------------------------------------------------------------------------------

def _changes(db, world) -> dict:
    task, pill_box = _proposed_for_an(db, world), _agreement(db, world, "Weekdoos klaarzetten")
    inhaler = _agreement(db, world, "Inhalatietechniek")
    return {
        "create": ("karim", "new", _new_form(world), "create", "agreements"),
        "edit": ("karim", f"{inhaler.id}/edit", _edit_form(inhaler, what="Inhalator nakijken"), "update",
                 "agreements"),
        "accept": ("an", f"{task.id}/accept", {}, "update", "agreements"),
        "decline": ("an", f"{task.id}/decline", {"remark": "Lukt niet"}, "update", "agreements"),
        "done": ("maria", f"{pill_box.id}/done", {}, "create", "agreement_completions"),
        "cancel": ("karim", f"{inhaler.id}/cancel", {}, "update", "agreements"),
    }


@pytest.mark.parametrize("change", ["create", "edit", "accept", "decline", "done", "cancel"])
def test_every_change_is_audited(login_as, db, world, change):
    key, path, data, action, table = _changes(db, world)[change]
    before = db.scalar(select(func.max(AuditEvent.seq)))
    assert login_as(key).post(_url(world, path), data=data).status_code == 302
    events = db.scalars(select(AuditEvent).where(AuditEvent.seq > before)).all()
    assert [(e.actor_id, e.category, e.object_type) for e in events if e.action == action
            and e.object_type == table] == [(world.user(key).id, "agreements", table)]


def test_taking_back_is_audited_as_a_deletion(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    done = domain.complete(db, pill_box, world.member("maria"))
    db.flush()
    domain.undo_completion(db, pill_box, world.member("maria"))
    db.flush()
    events = db.scalars(select(AuditEvent).where(AuditEvent.object_id == str(done.id))).all()
    assert [e.action for e in events] == ["create", "delete"]


def test_a_refused_answer_is_audited_as_denied(login_as, db, world):
    task = _proposed_for_an(db, world)
    assert login_as("maria").post(_url(world, f"{task.id}/accept")).status_code == 403
    event = _last_event(db)
    assert (event.action, event.outcome, event.actor_id) == ("denied", "denied", world.user("maria").id)


def test_reading_the_agreements_is_logged(login_as, db, world):
    login_as("tom").get(_url(world))
    event = _last_event(db)
    assert (event.action, event.category, event.actor_id) == ("read", "agreements", world.user("tom").id)


def test_the_texts_are_stored_encrypted(db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    domain.complete(db, pill_box, world.member("maria"), note="Zondagavond gedaan")
    db.commit()
    raw = db.execute(select(Agreement.__table__.c.what)).scalars().all()
    notes = db.execute(select(AgreementCompletion.__table__.c.note).where(
        AgreementCompletion.__table__.c.note.is_not(None))).scalars().all()
    assert raw and all(b"Weekdoos" not in value for value in raw)
    assert notes and all(b"Zondagavond" not in value for value in notes)


# --- a double tap on "Klaar" ----------------------------------------------------------------------------------

def _done_form(page: str, agreement: Agreement):
    """The "Klaar" form for `agreement` on a page, as the browser would send it."""
    return next(f for f in forms_of(page, "/my/tasks") if f.path.endswith(f"/{agreement.id}/done"))


def test_a_double_tap_on_done_ticks_off_this_week_only(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday, history = pill_box.due_on, len(domain.completions_of(db, pill_box))
    client = login_as("maria")
    form = _done_form(client.get("/my/tasks").get_data(as_text=True), pill_box)
    assert form.field("occurrence").value == sunday.isoformat()
    first = client.post(form.path, data=MultiDict(form.values()), follow_redirects=True)
    assert "Goed gedaan!" in first.get_data(as_text=True)
    second = client.post(form.path, data=MultiDict(form.values()), follow_redirects=True)  # the same form, tapped again
    assert "Al afgevinkt" in second.get_data(as_text=True)
    pill_box = _fresh(db, pill_box)
    assert pill_box.due_on == sunday + timedelta(days=7), "the next Sunday is still to do"
    assert len(domain.completions_of(db, pill_box)) == history + 1
    # Next week's form names next week's Sunday, and ticks it off.
    form = _done_form(client.get("/my/tasks").get_data(as_text=True), pill_box)
    assert client.post(form.path, data=MultiDict(form.values())).status_code == 302
    assert _fresh(db, pill_box).due_on == sunday + timedelta(days=14)


def test_a_second_done_for_a_one_off_task_says_it_is_done_already(login_as, db, world):
    inhaler = _agreement(db, world, "Inhalatietechniek")
    client = login_as("tom")
    data = {"occurrence": inhaler.due_on.isoformat() if inhaler.due_on else "", "back": "show"}
    assert "Goed gedaan!" in client.post(_url(world, f"{inhaler.id}/done"), data=data,
                                         follow_redirects=True).get_data(as_text=True)
    again = client.post(_url(world, f"{inhaler.id}/done"), data=data, follow_redirects=True)
    assert "Al afgevinkt" in again.get_data(as_text=True)
    assert len(domain.completions_of(db, _fresh(db, inhaler))) == 1


def test_done_for_a_date_the_agreement_no_longer_has_is_refused(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday = pill_box.due_on
    response = login_as("maria").post(_url(world, f"{pill_box.id}/done"), follow_redirects=True,
                                      data={"occurrence": (sunday + timedelta(days=21)).isoformat()})
    assert "intussen gewijzigd" in response.get_data(as_text=True)
    assert _fresh(db, pill_box).due_on == sunday


def test_a_remark_over_its_limit_is_said_and_nothing_is_done(login_as, db, world):
    pill_box = _agreement(db, world, "Weekdoos klaarzetten")
    sunday = pill_box.due_on
    response = login_as("maria").post(_url(world, f"{pill_box.id}/done"), follow_redirects=True,
                                      data={"occurrence": sunday.isoformat(), "remark": "x" * 501})
    assert "Dit is te lang: hoogstens 500 tekens, nu 501" in response.get_data(as_text=True)
    assert _fresh(db, pill_box).due_on == sunday


# --- a due date in the past ------------------------------------------------------------------------------------

def _form_data(world, **changes) -> dict:
    return {"what": "Boodschappen doen", "owner": str(world.member("an").id), "recurrence": "none",
            "due_on": "", "care_goal": "", **changes}


def test_a_due_date_in_the_past_is_refused_as_on_the_meeting_form(login_as, db, world):
    client = login_as("karim")
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    response = client.post(_url(world, "new"), data=_form_data(world, due_on=yesterday))
    assert response.status_code == 200 and "Deze datum ligt in het verleden." in response.get_data(as_text=True)
    assert not [a for a in domain.team_agreements(db, world.johan_team.id) if a.what == "Boodschappen doen"]
    today = date.today().isoformat()
    assert client.post(_url(world, "new"), data=_form_data(world, due_on=today)).status_code == 302


def test_editing_keeps_an_overdue_date_but_refuses_a_new_one_in_the_past(login_as, db, world):
    overdue = domain.overdue_agreements(db, world.johan_team.id)[0]
    old_day = overdue.due_on
    client = login_as("karim")
    data = _form_data(world, what="Nieuwe tekst", owner=str(overdue.owner_id), due_on=old_day.isoformat(),
                      version=str(overdue.version))
    earlier = _form_data(world, what="Nieuwe tekst", owner=str(overdue.owner_id),
                         due_on=(old_day - timedelta(days=1)).isoformat(), version=str(overdue.version))
    refused = client.post(_url(world, f"{overdue.id}/edit"), data=earlier)
    assert "Deze datum ligt in het verleden." in refused.get_data(as_text=True)
    assert client.post(_url(world, f"{overdue.id}/edit"), data=data).status_code == 302
    assert (_fresh(db, overdue).what, _fresh(db, overdue).due_on) == ("Nieuwe tekst", old_day)
