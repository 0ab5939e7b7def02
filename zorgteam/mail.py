"""Outgoing mail: over SMTP when ZORGTEAM_SMTP_URL is set, otherwise into instance/outbox/ as .eml files."""
from __future__ import annotations

import logging
import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

log = logging.getLogger(__name__)
SENDER = "Zorgteam <no-reply@zorgteam.example>"


class MailFailed(Exception):
    """The mail server did not take the message."""


def compose(to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = SENDER, to, subject
    message["Date"], message["Message-ID"] = formatdate(localtime=True), make_msgid(domain="zorgteam.example")
    message.set_content(body)
    return message


def _smtp(url: str, message: EmailMessage) -> None:
    parts = urlsplit(url)
    try:
        with smtplib.SMTP(parts.hostname, parts.port or 25, timeout=20) as server:
            if parts.scheme == "smtp+starttls":
                server.starttls()
            if parts.username:
                server.login(unquote(parts.username), unquote(parts.password or ""))
            server.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailFailed(str(error)) from error


def compose_calendar(to: str, subject: str, body: str, ics: bytes, method: str) -> EmailMessage:
    """An iMIP mail (RFC 6047): the text, and the calendar object as a `text/calendar; method=...` alternative."""
    message = compose(to, subject, body)
    message.add_alternative(ics.decode(), subtype="calendar", params={"method": method})
    return message


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text mail. Mails never contain health details."""
    deliver(compose(to, subject, body))


def send_calendar(to: str, subject: str, body: str, ics: bytes, method: str) -> None:
    """Send a calendar invite, update (method REQUEST) or cancellation (CANCEL) that calendar programs import."""
    deliver(compose_calendar(to, subject, body, ics, method))


def deliver(message: EmailMessage) -> None:
    """Over SMTP when configured, else into the outbox folder."""
    settings = current_app.config["ZORGTEAM"]
    if settings.smtp_url:
        _smtp(settings.smtp_url, message)
        return
    settings.outbox.mkdir(parents=True, exist_ok=True)
    (settings.outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))


def send_each(addresses, subject: str, body: str) -> int:
    """Send the same notice to each address; a refused one is logged, never fatal. Returns how many failed."""
    failed = 0
    for address in addresses:
        try:
            send(address, subject, body)
        except MailFailed:
            log.warning("a notice could not be sent")
            failed += 1
    return failed
