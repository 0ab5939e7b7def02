"""Accounts: invitations, forgotten passwords, the profile, changing the password, two-factor login, mail over SMTP."""
from __future__ import annotations

import dataclasses
import re
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from email import message_from_bytes, message_from_string, policy

import pyotp
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from models import AccountToken, User, WebSession
from models.base import utcnow
from models.users import issue_token, redeem_token
from tests.conftest import PASSWORD, login

NEW_PASSWORD = "zeven kleine duiven vliegen naar Geel"
GONE = "Deze link werkt niet meer"


def _mails(outbox) -> list:
    return [message_from_string(text, policy=policy.default) for text in outbox()]


def _link(message) -> str:
    """The path of the link in a mail (the body may be quoted-printable: read it decoded)."""
    return re.search(r"http://zorgteam\.test(/\S+)", message.get_content()).group(1)


def _log_in(client, email: str, password: str = PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def _page(response) -> str:
    """The page text without the time-stamped CSRF tokens."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', response.get_data(as_text=True))


# Invitations

def _invite_nina(client, team, email: str = "nina@zorgteam.example"):
    return client.post(f"/teams/{team.id}/members/new", data={
        "name": "Nina Claes", "role": "professional", "discipline": "home_nurse", "relation": "",
        "organisation": "Thuiszorg Kempen", "phone": "", "email": email, "reachability": "",
        "send_invitation": "y"})


def test_an_invited_member_sets_a_password_and_sees_the_team(app, login_as, world, outbox):
    team = world.johan_team
    assert _invite_nina(login_as("karim"), team).status_code == 302
    [mail] = _mails(outbox)
    assert mail["To"] == "nina@zorgteam.example"
    link = _link(mail)
    assert link.startswith("/invite/")
    nina = app.test_client()
    page = nina.get(link).get_data(as_text=True)
    assert "K.E.A., de zorgcoördinator, nodigde u uit in het zorgteam van J.P." in page
    assert "Peeters" not in page and "Karim" not in page
    response = nina.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/home"  # a professional
    assert "Johan Peeters" in nina.get("/teams/").get_data(as_text=True)
    assert nina.get(f"/teams/{team.id}/").status_code == 200
    assert GONE in app.test_client().get(link).get_data(as_text=True)
    again = app.test_client().post(link, data={"password": "een ander lang wachtwoord", "repeat":
                                               "een ander lang wachtwoord"})
    assert again.status_code == 410 and "Vraag de zorgcoördinator" in again.get_data(as_text=True)
    assert _log_in(app.test_client(), "nina@zorgteam.example", NEW_PASSWORD).status_code == 302


def test_the_invitation_password_follows_the_policy_and_the_link_survives_a_mistake(app, login_as, world, outbox):
    _invite_nina(login_as("karim"), world.johan_team)
    link = _link(_mails(outbox)[0])
    nina = app.test_client()
    short = nina.post(link, data={"password": "kort", "repeat": "kort"}).get_data(as_text=True)
    assert "Kies een wachtwoord van minstens 12 tekens." in short
    common = nina.post(link, data={"password": "passwordpassword", "repeat": "passwordpassword"})
    assert "Dit wachtwoord is te bekend of te eenvoudig" in common.get_data(as_text=True)
    different = nina.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD + "!"})
    assert "De twee wachtwoorden zijn niet gelijk." in different.get_data(as_text=True)
    assert nina.get("/teams/").status_code == 302
    assert nina.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302


def test_an_expired_or_unknown_invitation_asks_for_a_new_one(app, login_as, world, db, outbox):
    _invite_nina(login_as("karim"), world.johan_team)
    link = _link(_mails(outbox)[0])
    nina = db.scalar(select(User).where(User.email == "nina@zorgteam.example"))
    token = db.scalar(select(AccountToken).where(AccountToken.user_id == nina.id))
    token.expires_at = utcnow() - timedelta(minutes=1)
    db.commit()
    for url in (link, "/invite/bestaat-niet"):
        response = app.test_client().get(url)
        assert response.status_code == 410
        assert "Vraag de zorgcoördinator om u een nieuwe uitnodiging te sturen." in response.get_data(as_text=True)
    assert app.test_client().post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 410


def test_a_reset_link_is_not_an_invitation(app, client, outbox):
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    token = _link(_mails(outbox)[0]).rsplit("/", 1)[1]
    assert app.test_client().get(f"/invite/{token}").status_code == 410


# Forgotten passwords

def test_forgot_password_gives_the_same_answer_for_known_and_unknown_addresses(client, outbox):
    known = client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    unknown = client.post("/password/forgot", data={"email": "niemand@zorgteam.example"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
    assert "Als dit adres bij ons bekend is, ontvangt u een mail" in _page(known)
    [mail] = _mails(outbox)
    assert mail["To"] == "an@zorgteam.example"


def test_password_reset_end_to_end_ends_other_sessions_and_works_once(app, client, db, world, outbox):
    elsewhere = app.test_client()
    login(elsewhere, db, world.user("an"))
    assert elsewhere.get("/teams/").status_code == 200
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    link = _link(_mails(outbox)[0])
    assert link.startswith("/password/reset/")
    assert "Nieuw wachtwoord kiezen" in client.get(link).get_data(as_text=True)
    response = client.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == "/my/tasks"  # a family carer
    assert "Johan Peeters" in client.get("/teams/").get_data(as_text=True)
    assert elsewhere.get("/teams/").status_code == 302
    again = app.test_client().post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert again.status_code == 410 and "Vraag een nieuwe link aan" in again.get_data(as_text=True)
    assert _log_in(app.test_client(), "an@zorgteam.example", PASSWORD).status_code == 200
    assert _log_in(app.test_client(), "an@zorgteam.example", NEW_PASSWORD).status_code == 302


def test_a_new_reset_link_replaces_the_previous_one_and_links_expire(app, client, db, outbox):
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    first, second = (_link(m) for m in _mails(outbox))
    assert app.test_client().get(first).status_code == 410
    assert app.test_client().get(second).status_code == 200
    for token in db.scalars(select(AccountToken).where(AccountToken.purpose == "reset")):
        token.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert app.test_client().get(second).status_code == 410


def test_a_disabled_account_gets_no_reset_mail(client, world, db, outbox):
    world.user("jef").active = False
    db.commit()
    page = client.post("/password/forgot", data={"email": "jef@zorgteam.example"}).get_data(as_text=True)
    assert "Als dit adres bij ons bekend is" in page
    assert outbox() == []


def test_a_reset_does_not_skip_the_second_factor(app, client, db, world, outbox):
    user = world.user("an")
    user.totp_secret = pyotp.random_base32()
    db.commit()
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    response = client.post(_link(_mails(outbox)[0]), data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD})
    assert response.headers["Location"] == "/login/2fa"
    assert client.get("/teams/").status_code == 302
    assert "code uit uw app" in client.get("/login/2fa").get_data(as_text=True)


def _look_then_redeem(session, token: str):
    """What the views do: check the link (GET, or before validating the form), then use it up."""
    return redeem_token(session, token, "reset", consume=False) and redeem_token(session, token, "reset")


def test_a_link_redeemed_twice_at_the_same_time_works_only_once(app):
    """The second redemption waits for the first one's transaction and then finds the token used."""
    database = app.extensions["zorgteam.db"]  # real transactions on the engine, outside the test savepoint
    with database.session() as setup, setup.begin():
        user = User(email="tegelijk@zorgteam.example")
        setup.add(user)
        setup.flush()
        user_id, token = user.id, issue_token(setup, user, "reset", timedelta(minutes=5))
    first, second = database.session(), database.session()
    try:
        assert redeem_token(first, token, "reset") is not None
        with ThreadPoolExecutor(1) as pool:
            later = pool.submit(_look_then_redeem, second, token)
            time.sleep(0.5)
            assert not later.done()
            first.commit()
            assert later.result(timeout=10) is None
    finally:
        first.close()
        second.close()
        with database.session() as cleanup, cleanup.begin():
            cleanup.delete(cleanup.get(User, user_id))


# The profile and the password

def test_the_profile_shows_name_email_language_and_the_security_links(login_as, client):
    assert client.get("/account/").status_code == 302
    page = login_as("griet").get("/account/").get_data(as_text=True)
    for text in ("Griet Hermans", "griet@zorgteam.example", "Nederlands", 'href="/account/password"',
                 'href="/account/2fa"'):
        assert text in page


def test_changing_the_password_ends_the_other_sessions_only(app, login_as, world, db):
    client = login_as("tom")
    before = client.get_cookie("session").value
    elsewhere, colleague = app.test_client(), app.test_client()
    login(elsewhere, db, world.user("tom"))
    login(colleague, db, world.user("sofie"))
    wrong = client.post("/account/password", data={"current": "fout", "password": NEW_PASSWORD,
                                                   "repeat": NEW_PASSWORD})
    assert "Dit is niet uw huidige wachtwoord." in wrong.get_data(as_text=True)
    short = client.post("/account/password", data={"current": PASSWORD, "password": "kort", "repeat": "kort"})
    assert "minstens 12 tekens" in short.get_data(as_text=True)
    response = client.post("/account/password", data={"current": PASSWORD, "password": NEW_PASSWORD,
                                                      "repeat": NEW_PASSWORD}, follow_redirects=True)
    assert "Uw wachtwoord is gewijzigd." in response.get_data(as_text=True)
    assert client.get_cookie("session").value != before
    assert client.get("/teams/").status_code == 200
    assert elsewhere.get("/teams/").status_code == 302
    assert colleague.get("/teams/").status_code == 200
    assert len(db.scalars(select(WebSession).where(WebSession.user_id == world.user("tom").id)).all()) == 1
    assert _log_in(app.test_client(), "tom@zorgteam.example", NEW_PASSWORD).status_code == 302


# Two-factor login

def _not_now(totp) -> str:
    """A code that is valid in none of the steps around now."""
    valid = {totp.at(time.time() + offset) for offset in (-30, 0, 30)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _away_from_a_step_boundary(margin: float = 8) -> None:
    """Codes change every 30 s; a code of the previous step must not age a further step before it is checked."""
    left = 30 - time.time() % 30
    if left < margin:
        time.sleep(left + 0.1)


def _enrol(client) -> tuple[pyotp.TOTP, list[str]]:
    page = client.get("/account/2fa").get_data(as_text=True)
    assert "<svg" in page and "<title>" in page
    assert "style=" not in page and not re.search(r"<script(?![^>]*\bsrc=)", page)  # the CSP allows no inline
    secret = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    totp = pyotp.TOTP(secret)
    wrong = client.post("/account/2fa", data={"code": _not_now(totp)}).get_data(as_text=True)
    assert "Deze code klopt niet." in wrong and secret[:4] in wrong  # the same secret until it is confirmed
    _away_from_a_step_boundary()
    page = client.post("/account/2fa", data={"code": totp.at(time.time() - 30)}).get_data(as_text=True)
    codes = re.findall(r"<code>([0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4})</code>", page)
    assert len(codes) == 8
    return totp, codes


def _password_step(client, email: str) -> None:
    response = _log_in(client, email)
    assert response.status_code == 302 and response.headers["Location"] == "/login/2fa"
    assert client.get("/teams/").status_code == 302  # not logged in before the code


def _code_step(client, code: str):
    return client.post("/login/2fa", data={"code": code})


def test_two_factor_enrol_then_login_asks_for_a_code_that_works_once(login_as, world, db):
    client = login_as("sofie")
    totp, codes = _enrol(client)
    db.expire_all()
    assert world.user("sofie").two_factor
    assert "Aanmelden in twee stappen staat aan" in client.get("/account/2fa").get_data(as_text=True)
    client.post("/logout")
    _password_step(client, "sofie@zorgteam.example")
    assert "Deze code klopt niet of werd al gebruikt." in _code_step(client, _not_now(totp)).get_data(as_text=True)
    code = totp.now()
    response = _code_step(client, code)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert client.get("/teams/").status_code == 200
    client.post("/logout")
    _password_step(client, "sofie@zorgteam.example")
    assert "Deze code klopt niet of werd al gebruikt." in _code_step(client, code).get_data(as_text=True)
    assert client.get("/teams/").status_code == 302


def test_a_recovery_code_works_once(login_as):
    client = login_as("sofie")
    _totp, codes = _enrol(client)
    client.post("/logout")
    _password_step(client, "sofie@zorgteam.example")
    assert _code_step(client, codes[0].upper()).status_code == 302
    assert client.get("/teams/").status_code == 200
    client.post("/logout")
    _password_step(client, "sofie@zorgteam.example")
    assert "werd al gebruikt" in _code_step(client, codes[0]).get_data(as_text=True)
    assert _code_step(client, codes[1]).status_code == 302


def test_turning_two_factor_off_needs_the_password(login_as, world, db):
    client = login_as("lotte")
    _enrol(client)
    wrong = client.post("/account/2fa/disable", data={"password": "fout wachtwoord"})
    assert "Dit wachtwoord klopt niet." in wrong.get_data(as_text=True)
    db.expire_all()
    assert world.user("lotte").two_factor
    assert client.post("/account/2fa/disable", data={"password": PASSWORD}).status_code == 302
    db.expire_all()
    assert not world.user("lotte").two_factor
    client.post("/logout")
    assert _log_in(client, "lotte@zorgteam.example").headers["Location"] == "/home"


# Mail over SMTP

class _Inbox:
    """An aiosmtpd handler that keeps what it receives."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default)))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_at(app):
    """Point the app's mail at `smtp://127.0.0.1:<port>` for one test."""
    settings = app.config["ZORGTEAM"]

    def point(port: int) -> None:
        app.config["ZORGTEAM"] = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
    yield point
    app.config["ZORGTEAM"] = settings


@pytest.fixture
def smtp_inbox(smtp_at):
    inbox = _Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    smtp_at(controller.port)
    yield inbox
    controller.stop()


def test_an_invitation_arrives_over_smtp_with_a_working_link(app, login_as, world, smtp_inbox, outbox):
    assert _invite_nina(login_as("karim"), world.johan_team).status_code == 302
    [(recipients, mail)] = smtp_inbox.messages
    assert recipients == ["nina@zorgteam.example"] and mail["Subject"] == "Uitnodiging voor een zorgteam"
    assert outbox() == []
    link = _link(mail)
    nina = app.test_client()
    assert nina.post(link, data={"password": NEW_PASSWORD, "repeat": NEW_PASSWORD}).status_code == 302
    assert "Johan Peeters" in nina.get("/teams/").get_data(as_text=True)


def test_a_reset_mail_arrives_over_smtp(client, smtp_inbox):
    client.post("/password/forgot", data={"email": "els@zorgteam.example"})
    [(recipients, mail)] = smtp_inbox.messages
    assert recipients == ["els@zorgteam.example"]
    assert _link(mail).startswith("/password/reset/")


def test_a_mail_server_that_is_down_does_not_change_the_answer(client, smtp_at):
    smtp_at(_free_port())  # nothing listens there
    known = client.post("/password/forgot", data={"email": "els@zorgteam.example"})
    unknown = client.post("/password/forgot", data={"email": "niemand@zorgteam.example"})
    assert known.status_code == unknown.status_code == 200
    assert _page(known) == _page(unknown)
