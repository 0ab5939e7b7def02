"""Outgoing mail, sent only after a successful commit: `send`, `send_calendar` and `send_each` write the composed
mail into the mail queue (models/mail_queue.py) in the caller's transaction, and once that transaction commits
the queued mail is delivered: over SMTP when ZORGTEAM_SMTP_URL is set, otherwise into the outbox folder
(instance/outbox/) as .eml files. A rolled-back request mails nothing.

A delivery the mail server refuses for now (or that cannot reach it) stays queued, is logged and never fails the
request; `flask mail deliver` and every `flask notify` run (the cron job) retry what waits. A mail the server
refuses for good (a 5xx answer) is logged and dropped: retrying it cannot help.
"""
from __future__ import annotations

import logging
import smtplib
import uuid
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import IntegrityFailure, mail_queue
from zorgteam.db import get_session

log = logging.getLogger(__name__)
SENDER = "Zorgteam <no-reply@zorgteam.example>"
QUEUED, OUTCOME = "zorgteam_mail_queued", "zorgteam_mail_outcome"  # keys in session.info


class MailFailed(Exception):
    """The mail server did not take the message; `permanent` when it refused it for good (a 5xx answer)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.permanent = permanent


@dataclass
class Outcome:
    """What one delivery run did: delivered, failed for now (kept), dropped (refused for good, or unreadable)."""

    delivered: int = 0
    failed: int = 0
    dropped: int = 0


def compose(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain="zorgteam.example")
    message.set_content(body)
    return message


def compose_calendar(to: str, subject: str, body: str, ics: bytes, method: str) -> EmailMessage:
    """An iMIP mail (RFC 6047): the text, and the calendar object as a `text/calendar; method=...` alternative."""
    message = compose(to, subject, body)
    message.add_alternative(ics.decode(), subtype="calendar", params={"method": method})
    return message


# --- queueing, in the caller's transaction ---------------------------------------------------------------------

def queue(message: EmailMessage, session: Session | None = None) -> None:
    """Queue `message` in `session` (the request's when None); it is delivered once that session commits."""
    session = session if session is not None else get_session()
    queued = mail_queue.enqueue(session, bytes(message))
    session.info.setdefault(QUEUED, []).append(queued.id)


def send(to: str, subject: str, body: str, session: Session | None = None) -> None:
    """Send one plain-text mail once the transaction commits. Mails never contain health details."""
    queue(compose(to, subject, body), session)


def send_calendar(to: str, subject: str, body: str, ics: bytes, method: str,
                  session: Session | None = None) -> None:
    """Send a calendar invite, update (method REQUEST) or cancellation (CANCEL) that calendar programs import."""
    queue(compose_calendar(to, subject, body, ics, method), session)


def send_each(addresses, subject: str, body: str, session: Session | None = None) -> None:
    """Send the same notice to each address. Nothing can fail here: a mail is only queued, and a delivery the
    server refuses for now is retried later (`flask mail deliver`, `flask notify`)."""
    for address in addresses:
        send(address, subject, body, session)


def outcome(session: Session) -> Outcome:
    """What the delivery after `session`'s last commit did (nothing queued: all zero)."""
    return session.info.get(OUTCOME) or Outcome()


# --- delivery, after the commit ---------------------------------------------------------------------------------

def _smtp(url: str, message: bytes) -> None:
    parts = urlsplit(url)
    try:
        with smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20) as server:
            if parts.scheme == "smtp+starttls":
                server.starttls()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message_from_bytes(message, policy=policy.default))
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        raise MailFailed("recipient refused", permanent=all(code >= 500 for code in codes)) from error
    except smtplib.SMTPResponseException as error:
        raise MailFailed(f"answer {error.smtp_code}", permanent=error.smtp_code >= 500) from error
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(type(error).__name__) from error


def transmit(message: bytes) -> None:
    """Hand one composed message over: to the SMTP server when configured, else into the outbox folder."""
    settings = current_app.config["ZORGTEAM"]
    if settings.smtp_url:
        _smtp(settings.smtp_url, message)
        return
    settings.outbox.mkdir(parents=True, exist_ok=True)
    (settings.outbox / f"{uuid.uuid4().hex}.eml").write_bytes(message)


def _attempt(claimed) -> tuple[list, list, list]:
    """Transmit each claimed mail; the ids delivered, failed for now, and refused for good."""
    delivered, failed, dropped = [], [], []
    for mail_id, message in claimed:
        try:
            transmit(message)
            delivered.append(mail_id)
        except MailFailed as error:
            log.warning("queued mail %s not delivered (%s)%s", mail_id, error,
                        "; refused for good, dropped" if error.permanent else "; kept for a retry")
            (dropped if error.permanent else failed).append(mail_id)
    return delivered, failed, dropped


def _open(queued) -> tuple[list, list]:
    """The claimed mails as (id, message); and the ids of those that do not decrypt (tampered with, or sealed
    under a retired key): they can never be delivered."""
    readable, broken = [], []
    for mail in queued:
        try:
            readable.append((mail.id, mail.message))
        except IntegrityFailure:
            log.error("queued mail %s does not decrypt; dropped", mail.id)
            broken.append(mail.id)
    return readable, broken


def deliver(ids: list[uuid.UUID] | None = None) -> Outcome:
    """Deliver the queued mail with `ids` (all waiting mail when None), in transactions of its own: claim, then
    talk to the mail server outside any transaction, then remove what was delivered."""
    database = current_app.extensions["zorgteam.db"]
    with database.session() as session:
        with session.begin():
            claimed, broken = _open(mail_queue.claim(session, ids))
        if not claimed and not broken:
            return Outcome()
        delivered, failed, dropped = _attempt(claimed)
        with session.begin():
            mail_queue.settle(session, delivered, failed, dropped + broken)
    return Outcome(len(delivered), len(failed), len(dropped) + len(broken))


def _after_commit(session: Session) -> None:
    """The mail this transaction queued is committed now: deliver it. Never raises: the commit has happened."""
    session.info.pop(OUTCOME, None)
    ids = session.info.pop(QUEUED, None)
    if not ids:
        return
    try:
        session.info[OUTCOME] = deliver(ids)
    except Exception:  # noqa: BLE001 -- the mail stays queued for `flask mail deliver`; the change is kept
        log.exception("queued mail could not be delivered after the commit; it waits for a retry")
        session.info[OUTCOME] = Outcome(failed=len(ids))


def _after_transaction_end(session: Session, transaction) -> None:
    """The outermost transaction ended: what it queued and did not commit (a rollback) is gone with it."""
    if transaction.parent is None:
        session.info.pop(QUEUED, None)


mail_cli = AppGroup("mail", help="The mail queue.")


@mail_cli.command("deliver")
def deliver_command():
    """Deliver the mail that is still waiting (its delivery failed, or the process stopped before it)."""
    done = deliver()
    with current_app.extensions["zorgteam.db"].session() as session:
        left = mail_queue.waiting(session)
    click.echo(f"{done.delivered} mail(s) delivered, {done.failed} failed (kept for a retry), {done.dropped} "
               f"dropped (refused for good, or unreadable); {left} waiting.")
    if done.failed:
        raise SystemExit(1)


def init_app(app: Flask) -> None:
    """Deliver after every commit, and `flask mail deliver`."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_transaction_end", _after_transaction_end)
    app.cli.add_command(mail_cli)
