"""The mail queue: mail goes out only after the change it tells about is committed, exactly once, and a delivery
that fails is kept and retried. Mail is received by a real SMTP server (aiosmtpd), as in test_accounts.py."""
from __future__ import annotations

from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, func, insert, select
from sqlalchemy.orm import Session

from models import QueuedMail, SentReminder, User
from models.base import utcnow
from models.crypto import IntegrityFailure
from models.mail_queue import claim, enqueue
from tests.test_accounts import _free_port, _Inbox, _link, smtp_at, smtp_inbox  # noqa: F401 (a real SMTP server)
from tests.test_faults import friendly_503
from zorgteam import mail


def _queued(db) -> list[QueuedMail]:
    db.expire_all()
    return list(db.scalars(select(QueuedMail)))


def _forgot(client, email: str = "els@zorgteam.example"):
    return client.post("/password/forgot", data={"email": email})


def _run(app, *args):
    return app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def commit_fails():
    """The request that queued mail fails at its commit with a real constraint violation (a second account with
    Karim's address); `seen` holds what the failing transaction had queued when it failed."""
    seen = []

    def violate(session: Session) -> None:
        if mail.QUEUED in session.info:
            seen.extend(obj for obj in session.new if isinstance(obj, QueuedMail))
            session.execute(insert(User).values(email="karim@zorgteam.example", language="nl"))
    event.listen(Session, "before_commit", violate)
    yield seen
    event.remove(Session, "before_commit", violate)


def test_a_request_whose_commit_fails_sends_no_mail_and_leaves_nothing_queued(client, db, smtp_inbox, commit_fails):
    friendly_503(_forgot(client))
    assert len(commit_fails) == 1, "the reset mail was written in the failing transaction"
    assert smtp_inbox.messages == [] and _queued(db) == []


def test_a_command_whose_transaction_fails_mails_nothing(app, database, db, smtp_inbox):
    with app.app_context(), pytest.raises(RuntimeError, match="halfway"):
        with database.session() as session, session.begin():
            mail.send("an@zorgteam.example", "Nooit", "Tekst", session=session)
            session.flush()  # written to the database, then the command fails
            raise RuntimeError("halfway")
    assert smtp_inbox.messages == [] and _queued(db) == []


def test_a_request_that_commits_delivers_its_mail_exactly_once(app, client, db, smtp_inbox):
    assert _forgot(client).status_code == 200
    [(recipients, message)] = smtp_inbox.messages
    assert recipients == ["els@zorgteam.example"] and _link(message).startswith("/password/reset/")
    assert _queued(db) == []
    assert _run(app, "mail", "deliver").exit_code == 0
    assert len(smtp_inbox.messages) == 1


def test_without_smtp_the_mail_is_written_to_the_outbox_folder_after_the_commit(client, db, outbox):
    assert _forgot(client).status_code == 200
    [eml] = outbox()
    assert "To: els@zorgteam.example" in eml and _queued(db) == []


def test_a_mail_server_that_is_down_keeps_the_mail_and_a_later_run_delivers_it(app, client, db, smtp_at):
    smtp_at(_free_port())  # nothing listens there
    assert _forgot(client).status_code == 200, "a failed delivery never fails the request"
    [waiting] = _queued(db)
    assert (waiting.attempts, waiting.claimed_until) == (1, None)
    failed = _run(app, "mail", "deliver")
    assert failed.exit_code == 1 and "0 mail(s) delivered, 1 failed" in failed.output
    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    server.start()
    try:
        smtp_at(server.port)
        result = _run(app, "mail", "deliver")
        assert result.exit_code == 0, result.output
        assert "1 mail(s) delivered, 0 failed (kept for a retry), 0 dropped" in result.output
        assert _run(app, "mail", "deliver").exit_code == 0
    finally:
        server.stop()
    [(recipients, message)] = inbox.messages
    assert recipients == ["els@zorgteam.example"] and _link(message).startswith("/password/reset/")
    assert _queued(db) == []


class _Picky(_Inbox):
    """Refuses one address for good (550) and another for now (450)."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("weg@"):
            return "550 no such mailbox"
        if address.startswith("vol@"):
            return "450 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


def test_a_recipient_refused_for_good_is_dropped_one_refused_for_now_is_kept(app, db, smtp_at):
    inbox = _Picky()
    server = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    server.start()
    try:
        smtp_at(server.port)
        with app.app_context():
            for address in ("weg@zorgteam.example", "vol@zorgteam.example", "an@zorgteam.example"):
                mail.send(address, "Onderwerp", "Tekst", session=db)
            db.commit()
        assert mail.outcome(db) == mail.Outcome(delivered=1, failed=1, dropped=1)
    finally:
        server.stop()
    assert [to for to, _message in inbox.messages] == [["an@zorgteam.example"]]
    [kept] = _queued(db)
    assert kept.message.startswith(b"From:") and b"To: vol@zorgteam.example" in kept.message


def test_mail_left_by_a_crash_after_the_commit_goes_out_with_the_next_notify_run(app, db, smtp_inbox):
    """As if the process died between the commit and the delivery: the row is there, nobody delivered it."""
    enqueue(db, bytes(mail.compose("an@zorgteam.example", "Blijven liggen", "Tekst")))
    db.commit()
    assert len(_queued(db)) == 1 and smtp_inbox.messages == []
    result = _run(app, "notify")
    assert result.exit_code == 0 and "Earlier mail: 1 delivered, 0 still waiting." in result.output
    assert [m["Subject"] for to, m in smtp_inbox.messages].count("Blijven liggen") == 1
    assert _queued(db) == []


def test_mail_another_deliverer_claimed_is_left_to_it_until_its_claim_runs_out(db):
    queued = enqueue(db, bytes(mail.compose("an@zorgteam.example", "Eén keer", "Tekst")))
    db.commit()
    now = utcnow()
    assert [m.id for m in claim(db, now=now)] == [queued.id]
    assert claim(db, now=now + timedelta(minutes=1)) == []
    assert [m.id for m in claim(db, [queued.id], now=now + timedelta(minutes=16))] == [queued.id]


def test_notify_with_the_mail_server_down_sends_each_reminder_once_when_it_is_back(app, db, smtp_at):
    smtp_at(_free_port())
    down = _run(app, "notify")
    waiting = len(_queued(db))
    assert down.exit_code == 1 and f"0 of {waiting} reminder(s) sent, {waiting} failed" in down.output
    assert waiting >= 1 and db.scalar(select(func.count()).select_from(SentReminder)) == waiting
    inbox = _Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    server.start()
    try:
        smtp_at(server.port)
        back = _run(app, "notify")
        assert back.exit_code == 0 and "0 of 0 reminder(s) sent" in back.output, back.output
        assert f"Earlier mail: {waiting} delivered, 0 still waiting." in back.output
        assert _run(app, "notify").exit_code == 0
    finally:
        server.stop()
    received = [(to[0], m["Subject"]) for to, m in inbox.messages]
    assert len(received) == waiting == len(set(received))
    assert ("karim@zorgteam.example", "Taak te laat (zorgteam J.P.)") in received
    assert _queued(db) == []


def test_a_queued_mail_is_sealed_and_bound_to_its_row(app, db, smtp_at):
    smtp_at(_free_port())
    with app.app_context():
        mail.send("an@zorgteam.example", "Uitnodiging: MDO bij Johan", "Waar: Kerkstraat 12, Geel", session=db)
        mail.send("els@zorgteam.example", "Tweede", "Tekst", session=db)
        db.commit()
    first, second = sorted(_queued(db), key=lambda m: b"an@" not in m.message)
    stored = db.scalar(select(QueuedMail._message).where(QueuedMail.id == first.id))
    assert b"an@zorgteam.example" not in stored and b"Kerkstraat" not in stored and b"Uitnodiging" not in stored
    db.execute(QueuedMail.__table__.update().where(QueuedMail.id == second.id).values(message=stored))
    db.expire_all()
    with pytest.raises(IntegrityFailure):
        db.get(QueuedMail, second.id).message
    result = _run(app, "mail", "deliver")  # the server is still down: the good one waits, the moved one is dropped
    assert "0 mail(s) delivered, 1 failed (kept for a retry), 1 dropped" in result.output
    assert [m.id for m in _queued(db)] == [first.id]
