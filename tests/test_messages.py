"""Team messages: who reads what (professionals-only stays with professionals), posting with an audience, unread
markers and the count in the team menu, reading marks read and is audited, and mail without any content."""
from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent
from models.consent import set_grant
from models.messages import MessageRead, post_message, unread_count
from tests.test_accounts import smtp_at, smtp_inbox  # noqa: F401  (fixtures: a real aiosmtpd server)

TEAM_WIDE = ["Johan heeft deze week goed geslapen", "Zondag rij ik zoals altijd", "Het volgende MDO is gepland"]
PROFESSIONALS_ONLY = "Inhalatietechniek nog onvoldoende"
PROFESSIONALS = ["karim", "griet", "els", "tom", "sofie", "lotte"]
FAMILY = ["johan", "maria", "an", "jef"]


def _url(world):
    return f"/teams/{world.johan_team.id}/messages/"


def _page(response) -> str:
    return response.get_data(as_text=True)


def _nav_count(html: str) -> str | None:
    found = re.search(r'/messages/"[^>]*>Berichten(?: \((\d+)<span class="visually-hidden"> nieuw</span>\))?</a>',
                      html)
    assert found, "no Berichten link in the team menu"
    return found.group(1)


def _mail_recipients(mails) -> list[str]:
    return sorted(re.search(r"^To: (.*)$", m, re.M).group(1) for m in mails)


def _post(client, world, body, audience="team"):
    return client.post(_url(world), data={"body": body, "audience": audience})


# --- who reads what ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", PROFESSIONALS)
def test_professionals_read_every_message(login_as, world, who):
    page = _page(login_as(who).get(_url(world)))
    for text in TEAM_WIDE + [PROFESSIONALS_ONLY]:
        assert text in page, (who, text)


@pytest.mark.parametrize("who", FAMILY)
def test_family_carers_volunteers_and_the_person_do_not_read_professionals_only_messages(login_as, world, who):
    page = _page(login_as(who).get(_url(world)))
    for text in TEAM_WIDE:
        assert text in page, (who, text)
    assert PROFESSIONALS_ONLY not in page and "alleen zorgverleners</span>" not in page


def test_the_thread_is_newest_first(login_as, db, world):
    now = datetime.now(UTC)
    for minutes, text in ((1, "Het oudste van drie"), (3, "Het nieuwste van drie"), (2, "Het middelste van drie")):
        post_message(db, world.johan_team, world.member("an"), text).posted_at = now + timedelta(minutes=minutes)
    db.commit()
    page = _page(login_as("karim").get(_url(world)))
    positions = [page.index(f"Het {which} van drie") for which in ("nieuwste", "middelste", "oudste")]
    assert positions == sorted(positions)
    assert positions[-1] < min(page.index(text) for text in TEAM_WIDE)


def test_reading_the_messages_is_audited(login_as, db, world):
    login_as("an").get(_url(world))
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.category, event.actor_id) == ("read", "messages", world.user("an").id)


# --- posting -----------------------------------------------------------------------------------------------------

def test_jef_posts_to_the_whole_team_and_everyone_else_gets_a_mail_without_the_message(login_as, db, world, outbox):
    response = _post(login_as("jef"), world, "Ik ben morgen niet thuis: wie brengt Johan naar de duivenclub?")
    assert response.status_code == 302
    event = db.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
    assert (event.action, event.category) == ("create", "messages")
    mails = outbox()
    assert _mail_recipients(mails) == sorted(f"{k}@zorgteam.example" for k in PROFESSIONALS + FAMILY if k != "jef")
    for mail in mails:
        assert "Subject: Nieuw bericht in het zorgteam van J.P." in mail
        assert "Er is een nieuw bericht in het zorgteam van J.P." in mail
        assert f"http://zorgteam.test/teams/{world.johan_team.id}/messages/" in mail
        assert "duivenclub" not in mail and "Jef" not in mail and "Johan" not in mail
    assert "wie brengt Johan naar de duivenclub" in _page(login_as("an").get(_url(world)))


def test_maria_asks_the_professionals_something_only_they_read(login_as, world, outbox):
    body = "Johan slaapt slecht sinds de nieuwe pillen. Moet de dosis anders?"
    assert _post(login_as("maria"), world, body, "professionals").status_code == 302
    assert _mail_recipients(outbox()) == sorted(f"{k}@zorgteam.example" for k in PROFESSIONALS)
    assert body in _page(login_as("maria").get(_url(world)))  # her own
    assert body in _page(login_as("els").get(_url(world)))
    for who in ("an", "jef", "johan"):
        assert body not in _page(login_as(who).get(_url(world))), who


def test_an_empty_or_too_long_message_is_refused(login_as, world, outbox):
    client = login_as("tom")
    response = _post(client, world, "   ")
    assert response.status_code == 422 and "Schrijf een bericht." in _page(response)
    response = _post(client, world, "x" * 4001)
    assert response.status_code == 422
    assert outbox() == []


def test_an_unknown_audience_is_refused(login_as, world):
    assert _post(login_as("jef"), world, "Hallo", "everyone").status_code == 422


def test_the_mail_arrives_over_smtp_without_the_message(login_as, world, smtp_inbox):  # noqa: F811
    assert _post(login_as("tom"), world, "Inhalator vervangen door een nieuwe.", "professionals").status_code == 302
    received = {tuple(rcpts): mail for rcpts, mail in smtp_inbox.messages}
    assert sorted(r[0] for r in received) == sorted(f"{k}@zorgteam.example" for k in PROFESSIONALS if k != "tom")
    for mail in received.values():
        assert mail["Subject"] == "Nieuw bericht in het zorgteam van J.P."
        assert "Inhalator" not in mail.get_content()


# --- unread markers ------------------------------------------------------------------------------------------------

def test_new_messages_are_marked_and_counted_until_read(login_as, db, world):
    tom = login_as("tom")
    overview = f"/teams/{world.johan_team.id}/"
    assert _nav_count(_page(tom.get(overview))) == "3"  # four in the demo, one his own
    page = _page(tom.get(_url(world)))
    assert page.count('class="card message new"') == 3
    assert "3 nieuwe berichten sinds uw vorige bezoek" in page
    assert _nav_count(page) is None  # read now
    assert _nav_count(_page(tom.get(overview))) is None
    assert 'class="card message new"' not in _page(tom.get(_url(world)))
    _post(login_as("jef"), world, "Zondag 9 uur, zoals altijd.")
    tom = login_as("tom")
    assert _nav_count(_page(tom.get(overview))) == "1"
    page = _page(tom.get(_url(world)))
    assert page.count('class="card message new"') == 1
    assert re.search(r'class="card message new">\s*<p class="meta">\s*<span class="badge warn">nieuw</span>\s*'
                     r'<strong>Jef Claes</strong>', page)


def test_reading_moves_the_read_marker(login_as, db, world):
    maria = world.member("maria")
    assert unread_count(db, maria) == 2  # four in the demo: one her own, one for professionals only
    login_as("maria").get(_url(world))
    db.expire_all()
    assert db.scalar(select(MessageRead).where(MessageRead.member_id == maria.id)) is not None
    assert unread_count(db, maria) == 0


def test_own_messages_are_never_new(login_as, world):
    client = login_as("an")
    client.get(_url(world))
    _post(client, world, "Ik kom woensdag om 18 uur.")
    assert _nav_count(_page(client.get(f"/teams/{world.johan_team.id}/"))) is None


# --- a reported medication problem follows the consent for medication -------------------------------------------------

def test_a_medication_problem_message_reaches_only_those_who_may_see_the_medication(login_as, db, world):
    team = world.johan_team
    post_message(db, team, world.member("maria"), "Medicatieprobleem: Donepezil geeft nachtmerries.",
                 audience="professionals", kind="medication-problem")
    db.commit()
    assert "Donepezil geeft nachtmerries" in _page(login_as("els").get(_url(world)))
    griet = login_as("griet")  # the meeting organiser: no medication by default
    overview = _page(griet.get(f"/teams/{team.id}/"))
    assert _nav_count(overview) == "4"  # the demo's four, Tom's professionals-only one included; not the problem
    page = _page(griet.get(_url(world)))
    assert "Donepezil" not in page and "medicatieprobleem</span>" not in page
    set_grant(db, world.member("griet"), None, "medication", True, method="in_person")
    db.commit()
    assert "Donepezil geeft nachtmerries" in _page(login_as("griet").get(_url(world)))
