"""Calendar invites by mail (iMIP): a REQUEST to each invitee when a meeting is planned or changes, a CANCEL when
it is cancelled or someone is no longer invited. The mails, like the invites, carry no health details."""
from __future__ import annotations

from flask import current_app
from flask_babel import format_datetime

from models.calendar import address_of, meeting_ics, meeting_title, meeting_url
from models.meetings import Change, Invitee, Meeting
from models.members import Member
from models.people import Person
from zorgteam import mail
from zorgteam.translate import gettext as _


def _when(meeting: Meeting) -> str:
    return format_datetime(meeting.starts_at, "EEEE d MMMM y, HH:mm")


def _subject(kind: str, title: str, meeting: Meeting) -> str:
    subjects = {"new": _("Uitnodiging: %(title)s op %(when)s", title=title, when=_when(meeting)),
                "update": _("Gewijzigd: %(title)s op %(when)s", title=title, when=_when(meeting)),
                "cancel": _("Geannuleerd: %(title)s op %(when)s", title=title, when=_when(meeting))}
    return subjects[kind]


def _body(kind: str, member: Member, title: str, meeting: Meeting, url: str) -> str:
    opening = {"new": _("U bent uitgenodigd voor een overleg van het zorgteam."),
               "update": _("Het overleg van het zorgteam is gewijzigd. Deze uitnodiging vervangt de vorige."),
               "cancel": _("Dit overleg gaat niet door, of u bent er niet meer voor uitgenodigd.")}[kind]
    lines = [_("Beste %(name)s,", name=member.name), "", opening, "", f"{title}",
             _("Wanneer: %(when)s (%(minutes)s minuten)", when=_when(meeting), minutes=meeting.duration_minutes)]
    if meeting.place:
        lines.append(_("Waar: %(place)s", place=meeting.place))
    if meeting.video_link:
        lines.append(_("Via video: %(link)s", link=meeting.video_link))
    lines += ["", _("Meer over dit overleg, na aanmelden: %(url)s", url=url), "",
              _("Uw agendaprogramma kan de uitnodiging in deze mail overnemen.")]
    return "\n".join(lines)


def _send(db, meeting: Meeting, members: list[Member], kind: str, ics: bytes, method: str) -> None:
    """Mail `ics` to each of `members` with an address (queued: delivered once the request commits)."""
    base_url = current_app.config["ZORGTEAM"].base_url
    title = meeting_title(meeting, db.get(Person, meeting.person_id))
    url = meeting_url(base_url, meeting)
    for member in members:
        address = address_of(db, member)
        if address:
            mail.send_calendar(address, _subject(kind, title, meeting), _body(kind, member, title, meeting, url),
                               ics, method)


def send_invites(db, meeting: Meeting, kind: str = "new") -> None:
    """The invite (or, after a change, the update) to every invitee; a CANCEL to all once cancelled."""
    base_url = current_app.config["ZORGTEAM"].base_url
    ics = meeting_ics(db, meeting, base_url)
    method = "CANCEL" if meeting.status == "cancelled" else "REQUEST"
    _send(db, meeting, [i.member for i in meeting.invitees], "cancel" if method == "CANCEL" else kind,
                 ics, method)


def send_change(db, change: Change) -> None:
    """After a change: a CANCEL to whoever is no longer invited, an update to everyone still invited."""
    meeting = change.meeting
    base_url = current_app.config["ZORGTEAM"].base_url
    for member in change.removed:
        gone = Invitee(member_id=member.id, member=member, role="required", response="NEEDS-ACTION")
        ics = meeting_ics(db, meeting, base_url, method="CANCEL", invitees=[gone])
        _send(db, meeting, [member], "cancel", ics, "CANCEL")
    if change.changed or change.added or change.removed:
        send_invites(db, meeting, "update")
