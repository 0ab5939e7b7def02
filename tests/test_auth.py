"""Logging in and out: the real form, throttling, safe `next`, session ids, logout, idle and absolute timeouts, lost access."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, WebSession
from models.base import utcnow
from models.users import token_hash
from tests.conftest import PASSWORD, csrf_token, login

WRONG = "niet-het-goede-wachtwoord"


def _post_login(client, email, password, next_=None):
    url = "/login" + (f"?next={next_}" if next_ is not None else "")
    return client.post(url, data={"email": email, "password": password})


def _page(response, email: str) -> str:
    """The page text, with the typed address and the (time-stamped) CSRF tokens taken out."""
    html = response.get_data(as_text=True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)


def _cookie(client) -> str | None:
    cookie = client.get_cookie("session")
    return cookie.value if cookie else None


def test_login_with_the_demo_password_lands_on_the_home_screen(client):
    response = _post_login(client, "karim@zorgteam.example", PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert "Johan Peeters" in client.get("/teams/").get_data(as_text=True)


def test_logins_and_failures_are_audited_with_address_and_request_id(client, world, db):
    _post_login(client, "karim@zorgteam.example", WRONG)
    _post_login(client, "karim@zorgteam.example", PASSWORD)
    events = db.scalars(select(AuditEvent).where(AuditEvent.actor_id == world.user("karim").id)
                        .order_by(AuditEvent.seq.desc()).limit(2)).all()
    assert [(e.action, e.outcome) for e in events] == [("login", "ok"), ("login-failed", "failed")]
    assert all(e.ip == "127.0.0.1" and e.request_id for e in events)
    assert events[0].request_id != events[1].request_id


def test_the_email_address_is_not_case_sensitive(client):
    assert _post_login(client, "  Karim@Zorgteam.Example ", PASSWORD).status_code == 302


def test_wrong_password_and_unknown_account_give_the_same_page(client):
    known = _post_login(client, "karim@zorgteam.example", WRONG)
    unknown = _post_login(client, "niemand@zorgteam.example", WRONG)
    assert known.status_code == unknown.status_code == 200
    known_page = _page(known, "karim@zorgteam.example")
    unknown_page = _page(unknown, "niemand@zorgteam.example")
    assert known_page == unknown_page
    assert "Het e-mailadres of het wachtwoord klopt niet." in known_page
    assert client.get("/teams/").status_code == 302


@pytest.mark.parametrize("email", ["karim@zorgteam.example", "niemand@zorgteam.example"])
def test_too_many_failures_refuse_even_the_right_password(client, app, email):
    for _ in range(app.config["ZORGTEAM"].login_max_failures_account):
        assert "klopt niet" in _post_login(client, email, WRONG).get_data(as_text=True)
    page = _post_login(client, email, PASSWORD).get_data(as_text=True)
    assert "Te veel mislukte pogingen" in page
    assert client.get("/teams/").status_code == 302


def test_the_throttle_for_one_account_leaves_other_accounts_alone(client, app):
    for _ in range(app.config["ZORGTEAM"].login_max_failures_account):
        _post_login(client, "karim@zorgteam.example", WRONG)
    assert _post_login(client, "tom@zorgteam.example", PASSWORD).status_code == 302


def test_next_leads_to_a_local_page(client, world):
    target = f"/teams/{world.johan_team.id}/"
    response = _post_login(client, "karim@zorgteam.example", PASSWORD, next_=target)
    assert response.headers["Location"] == target


@pytest.mark.parametrize("target", ["//evil.example", "https://evil.example", "/\\evil.example",
                                    "/%5Cevil.example", "%2F%2Fevil.example", "/%09/evil.example",
                                    "javascript:alert(1)"])
def test_next_never_leads_to_another_site(client, target):
    response = _post_login(client, "karim@zorgteam.example", PASSWORD, next_=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"  # which lands them where they start


def test_a_page_that_needs_login_sends_to_login_and_back(client, world):
    target = f"/teams/{world.johan_team.id}/members/"
    response = client.get(target)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login?next=")
    login_response = client.post(response.headers["Location"],
                                 data={"email": "karim@zorgteam.example", "password": PASSWORD})
    assert login_response.headers["Location"] == target


def test_the_session_id_changes_at_login_and_the_old_one_is_gone(csrf_client, db):
    page = csrf_client.get("/login").get_data(as_text=True)
    before = _cookie(csrf_client)
    assert before  # the anonymous session holds the CSRF token
    response = csrf_client.post("/login", data={"email": "karim@zorgteam.example", "password": PASSWORD,
                                                "csrf_token": csrf_token(page)})
    assert response.status_code == 302
    after = _cookie(csrf_client)
    assert after and after != before
    assert db.get(WebSession, token_hash(before)) is None
    assert db.get(WebSession, token_hash(after)).user_id is not None


def test_login_without_the_csrf_token_is_refused(csrf_client):
    csrf_client.get("/login")
    response = csrf_client.post("/login", data={"email": "karim@zorgteam.example", "password": PASSWORD})
    assert response.status_code == 400
    assert csrf_client.get("/teams/").status_code == 302


def test_after_logout_a_stale_cookie_is_refused(client, app, db):
    _post_login(client, "karim@zorgteam.example", PASSWORD)
    stale = _cookie(client)
    assert client.get("/teams/").status_code == 200
    response = client.post("/logout", follow_redirects=True)
    assert "U bent afgemeld." in response.get_data(as_text=True)
    assert db.get(WebSession, token_hash(stale)) is None  # the row is gone, not merely emptied
    assert client.get("/teams/").status_code == 302
    replay = app.test_client()
    replay.set_cookie("session", stale)
    response = replay.get("/teams/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_logout_needs_a_post(login_as):
    client = login_as("karim")
    assert client.get("/logout").status_code == 405
    assert client.get("/teams/").status_code == 200


def _age_session(db, user, **ago) -> None:
    record = db.scalar(select(WebSession).where(WebSession.user_id == user.id))
    for column, minutes in ago.items():
        setattr(record, column, utcnow() - timedelta(minutes=minutes))
    db.commit()


def test_a_session_idle_for_31_minutes_has_ended(login_as, world, db):
    client = login_as("tom")
    _age_session(db, world.user("tom"), last_seen_at=31)
    response = client.get("/teams/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.scalars(select(WebSession).where(WebSession.user_id == world.user("tom").id)).all() == []


def test_a_session_idle_for_29_minutes_still_works_and_is_touched(login_as, world, db):
    client = login_as("tom")
    _age_session(db, world.user("tom"), last_seen_at=29)
    assert client.get("/teams/").status_code == 200
    db.expire_all()
    record = db.scalar(select(WebSession).where(WebSession.user_id == world.user("tom").id))
    assert utcnow() - record.last_seen_at < timedelta(minutes=1)


def test_a_session_older_than_12_hours_has_ended_even_when_busy(login_as, world, db):
    client = login_as("tom")
    _age_session(db, world.user("tom"), created_at=12 * 60 + 1, last_seen_at=0)
    assert client.get("/teams/").status_code == 302


def test_an_ended_membership_takes_access_away_on_the_next_request(app, login_as, world, db):
    team = world.johan_team
    tom = app.test_client()
    login(tom, db, world.user("tom"))
    assert tom.get(f"/teams/{team.id}/").status_code == 200
    karim = login_as("karim")
    assert karim.post(f"/teams/{team.id}/members/{world.member('tom').id}/end", data={"confirm": "yes"}).status_code == 302
    assert tom.get(f"/teams/{team.id}/").status_code == 404
    assert tom.get(f"/teams/{team.id}/members/").status_code == 404
    assert "Johan Peeters" not in tom.get("/teams/").get_data(as_text=True)


def test_a_disabled_account_is_logged_out_at_once(login_as, world, db):
    client = login_as("jef")
    assert client.get("/teams/").status_code == 200
    world.user("jef").active = False
    db.commit()
    assert client.get("/teams/").status_code == 302
    assert _post_login(client, "jef@zorgteam.example", PASSWORD).status_code == 200
