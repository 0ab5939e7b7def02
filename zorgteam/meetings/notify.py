"""`flask --app app notify`, for a cron job: reminders to owners of agreements due soon or overdue, and to
invitees the day before a meeting. Each reminder is recorded as sent in the transaction that queues its mail, so
running it again sends nothing twice; mail that could not be delivered stays queued and is retried by the next run.
Like every mail, reminders carry no health details: they name the team by the person's initials and link to it."""
from __future__ import annotations

import click
from flask import current_app
from flask_babel import force_locale, format_date, format_datetime

from models.calendar import address_of, meeting_title, meeting_url
from models.meetings.reminders import Reminder, due_reminders, mark_sent
from models.people import Person
from zorgteam import mail
from zorgteam.meetings.views import bp
from zorgteam.translate import gettext as _


def _message(session, reminder: Reminder, base_url: str) -> tuple[str, str]:
    subject = reminder.subject
    person = session.get(Person, subject.person_id)
    if reminder.kind == "meeting":
        title = meeting_title(subject, person)
        when = format_datetime(subject.starts_at, "EEEE d MMMM, HH:mm")
        body = "\n".join([_("Beste %(name)s,", name=reminder.member.name), "",
                          _("Herinnering: %(title)s, %(when)s.", title=title, when=when),
                          _("Waar: %(place)s", place=subject.place or _("via video")), "",
                          _("Meer over dit overleg, na aanmelden: %(url)s", url=meeting_url(base_url, subject))])
        return _("Morgen: %(title)s om %(time)s", title=title,
                 time=format_datetime(subject.starts_at, "HH:mm")), body
    day = format_date(subject.due_on, "EEEE d MMMM")
    overdue = reminder.kind == "agreement-overdue"
    line = (_("Een taak voor het zorgteam van %(initials)s was voor %(day)s en staat nog open.",
              initials=person.initials, day=day) if overdue else
            _("U hebt een taak voor het zorgteam van %(initials)s tegen %(day)s.", initials=person.initials, day=day))
    body = "\n".join([_("Beste %(name)s,", name=reminder.member.name), "", line, "",
                      _("Bekijk en vink af in Zorgteam: %(url)s", url=base_url.rstrip("/") + "/my/tasks")])
    return (_("Taak te laat") if overdue else _("Herinnering: taak")) + f" (zorgteam {person.initials})", body


def _queue_reminders(session, settings) -> int:
    """Queue each reminder that is due and record it as sent, in the same transaction: once, or not at all."""
    queued = 0
    for reminder in due_reminders(session, soon_days=settings.reminder_due_days,
                                  meeting_hours=settings.reminder_meeting_hours):
        address = address_of(session, reminder.member)
        if address:
            mail.send(address, *_message(session, reminder, settings.base_url), session=session)
            mark_sent(session, reminder)
            queued += 1
    return queued


@bp.cli.command("notify")
def notify_command():
    """Mail the reminders that are due now (agreements due soon or overdue; meetings tomorrow), each once; first
    retry the mail that earlier runs (or requests) could not deliver."""
    settings = current_app.config["ZORGTEAM"]
    database = current_app.extensions["zorgteam.db"]
    retried = mail.deliver()
    with database.session() as session:
        with session.begin(), force_locale("nl"):
            queued = _queue_reminders(session, settings)
        done = mail.outcome(session)  # delivered after the commit; what failed stays queued
    click.echo(f"{done.delivered} of {queued} reminder(s) sent, {done.failed} failed (kept for the next run), "
               f"{done.dropped} refused for good.")
    if retried.delivered or retried.failed:
        click.echo(f"Earlier mail: {retried.delivered} delivered, {retried.failed} still waiting.")
    if done.failed or retried.failed:
        raise SystemExit(1)
