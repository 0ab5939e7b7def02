"""Outgoing mail: over SMTP when ZORGTEAM_SMTP_URL is set, otherwise into instance/outbox/ as .eml files."""
from __future__ import annotations

import smtplib
import uuid
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from flask import current_app

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


def send(to: str, subject: str, body: str) -> None:
    """Send one plain-text mail. Mails never contain health details."""
    settings = current_app.config["ZORGTEAM"]
    message = compose(to, subject, body)
    if settings.smtp_url:
        _smtp(settings.smtp_url, message)
        return
    settings.outbox.mkdir(parents=True, exist_ok=True)
    (settings.outbox / f"{uuid.uuid4().hex}.eml").write_bytes(bytes(message))
