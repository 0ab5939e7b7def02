"""Team messages: who reads what (professionals-only stays with professionals, a direct message with its two members),
replies in threads, unread markers and the count in the team menu, reading marks read and is audited, and mail
without any content to those it is for."""
from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from models import AuditEvent, Message
from models.consent import set_grant
from models.members import add_member
from models.messages import MessageRead, MessageRule, post_message, unread_count
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


# --- a message to one chosen member, and replies in its thread ------------------------------------------------------
# Decided (README): a direct message is read by its author and recipient only, not by the person either (professional
# secrecy); the person's complete record, these included, comes with a formal request (`export-person`).

QUESTION = "Els, mag Johan de Donepezil voortaan bij het ontbijt nemen?"
ANSWER = "Dat mag, Maria. Ik pas het schema aan."
EVERYONE = PROFESSIONALS + FAMILY


def _direct(client, world, body=QUESTION, to="els"):
    return _post(client, world, body, str(world.member(to).id))


def _reply(client, world, message_id, body=ANSWER):
    return client.post(f"{_url(world)}{message_id}/reply", data={"body": body})


def _newest(db):
    return db.scalars(select(Message).order_by(Message.posted_at.desc()).limit(1)).one()  # the one just posted


def test_maria_asks_els_a_question_only_the_two_of_them_read(login_as, db, world, outbox):
    assert _direct(login_as("maria"), world).status_code == 302
    message = _newest(db)
    assert (message.audience, message.recipient_id, message.parent_id) == ("member", world.member("els").id, None)
    for who in EVERYONE:
        page = _page(login_as(who).get(_url(world)))
        assert (QUESTION in page) is (who in ("maria", "els")), who
    assert "alleen voor u</span>" in _page(login_as("els").get(_url(world)))
    assert "alleen voor dr. Els Janssens</span>" in _page(login_as("maria").get(_url(world)))
    [mail] = outbox()
    assert _mail_recipients([mail]) == ["els@zorgteam.example"]
    assert "Subject: Een bericht voor u in het zorgteam van J.P." in mail
    assert "Donepezil" not in mail and "Maria" not in mail


def test_els_replies_and_only_maria_hears_of_it(login_as, db, world, outbox):
    _direct(login_as("maria"), world)
    question = _newest(db)
    outbox_before = len(outbox())
    response = _reply(login_as("els"), world, question.id)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"#thread-{question.id}")
    answer = _newest(db)
    assert (answer.parent_id, answer.audience, answer.recipient_id, answer.author_id) == (
        question.id, "member", world.member("maria").id, world.member("els").id)
    mails = outbox()[outbox_before:]
    assert _mail_recipients(mails) == ["maria@zorgteam.example"]
    assert "Subject: Een antwoord in het zorgteam van J.P." in mails[0] and "Ik pas" not in mails[0]
    page = _page(login_as("maria").get(_url(world)))
    thread = page[page.index(f'id="thread-{question.id}"'):]
    assert thread.index(QUESTION) < thread.index('<ol class="replies"') < thread.index(ANSWER)
    for who in EVERYONE:
        if who not in ("maria", "els"):
            assert ANSWER not in _page(login_as(who).get(_url(world))), who


def test_a_reply_to_a_reply_joins_the_thread_and_goes_to_the_other_one(login_as, db, world, outbox):
    _direct(login_as("maria"), world)
    question = _newest(db)
    _reply(login_as("els"), world, question.id)
    answer = _newest(db)
    _reply(login_as("maria"), world, answer.id, "Dank u, dokter.")
    thanks = _newest(db)
    assert (thanks.parent_id, thanks.recipient_id) == (question.id, world.member("els").id)
    assert _mail_recipients(outbox()[-1:]) == ["els@zorgteam.example"]


def test_maria_s_professionals_only_question_is_answered_to_her_and_not_to_an(login_as, db, world, outbox):
    _post(login_as("maria"), world, "Moet Johan nog nuchter zijn voor de bloedafname?", "professionals")
    question = _newest(db)
    before = len(outbox())
    assert _reply(login_as("tom"), world, question.id, "Ja, vanaf middernacht niets meer eten.").status_code == 302
    assert _mail_recipients(outbox()[before:]) == ["maria@zorgteam.example"]  # who took part, not every professional
    assert "vanaf middernacht" in _page(login_as("maria").get(_url(world)))
    assert "vanaf middernacht" in _page(login_as("sofie").get(_url(world)))
    for who in ("an", "jef", "johan"):
        assert "vanaf middernacht" not in _page(login_as(who).get(_url(world))), who
    assert _reply(login_as("an"), world, question.id).status_code == 404


def test_a_reply_in_a_team_thread_is_read_by_everyone_and_mailed_to_who_took_part(login_as, db, world, outbox):
    _post(login_as("jef"), world, "Wie brengt Johan zondag naar de duivenclub?")
    question = _newest(db)
    _reply(login_as("an"), world, question.id, "Ik doe het.")
    before = len(outbox())
    _reply(login_as("karim"), world, question.id, "Dank je, An.")
    assert _mail_recipients(outbox()[before:]) == ["an@zorgteam.example", "jef@zorgteam.example"]
    for who in EVERYONE:
        assert "Dank je, An." in _page(login_as(who).get(_url(world))), who


def test_the_thread_with_the_newest_reply_comes_first(login_as, db, world):
    oldest = min(_thread_roots(db, world), key=lambda m: m.posted_at)
    assert _reply(login_as("tom"), world, oldest.id, "Nog even hierop terugkomen.").status_code == 302
    page = _page(login_as("karim").get(_url(world)))
    firsts = re.findall(r'<li id="thread-([0-9a-f-]+)"', page)
    assert firsts[0] == str(oldest.id) and len(firsts) == len(_thread_roots(db, world))


def _thread_roots(db, world):
    return list(db.scalars(select(Message).where(Message.team_id == world.johan_team.id,
                                                 Message.parent_id.is_(None))))


# --- unread counts for direct messages and replies -------------------------------------------------------------------

def test_a_direct_message_and_its_reply_count_as_new_only_for_the_one_they_are_for(login_as, db, world):
    els, maria, tom = world.member("els"), world.member("maria"), world.member("tom")
    for key in ("els", "maria", "tom"):
        login_as(key).get(_url(world))  # everything read
    db.expire_all()
    assert [unread_count(db, m) for m in (els, maria, tom)] == [0, 0, 0]
    _direct(login_as("maria"), world)
    assert [unread_count(db, m) for m in (els, maria, tom)] == [1, 0, 0]
    assert _nav_count(_page(login_as("els").get(f"/teams/{world.johan_team.id}/"))) == "1"
    page = _page(login_as("els").get(_url(world)))
    assert page.count('class="card message new"') == 1
    _reply(login_as("els"), world, _newest(db).id)
    db.expire_all()
    assert [unread_count(db, m) for m in (els, maria, tom)] == [0, 1, 0]
    page = _page(login_as("maria").get(_url(world)))
    assert page.count('class="message reply new"') == 1
    db.expire_all()
    assert unread_count(db, maria) == 0


def test_a_reply_in_a_hidden_medication_problem_thread_is_not_counted_for_griet(login_as, db, world):
    problem = post_message(db, world.johan_team, world.member("maria"), "Medicatieprobleem: hoest na de puf.",
                           audience="professionals", kind="medication-problem")
    db.commit()
    griet = world.member("griet")
    login_as("griet").get(_url(world))
    db.expire_all()
    assert unread_count(db, griet) == 0
    assert _reply(login_as("els"), world, problem.id, "Mond spoelen na de puf.").status_code == 302
    assert unread_count(db, griet) == 0 and unread_count(db, world.member("tom")) >= 1
    assert _reply(login_as("griet"), world, problem.id).status_code == 404
    assert "Mond spoelen" not in _page(login_as("griet").get(_url(world)))


# --- refused -----------------------------------------------------------------------------------------------------

def test_a_reply_to_a_message_of_another_team_or_not_for_me_gives_404(login_as, db, world):
    hanne = world.member("hanne", world.rita_team)
    rita_message = post_message(db, world.rita_team, hanne, "Rita heeft een nieuwe rollator.")
    db.commit()
    assert _reply(login_as("karim"), world, rita_message.id).status_code == 404
    assert _reply(login_as("karim"), world, "00000000-0000-0000-0000-000000000000").status_code == 404
    assert _reply(login_as("karim"), world, "geen-id").status_code == 404
    _direct(login_as("maria"), world)
    direct = _newest(db)
    assert _reply(login_as("karim"), world, direct.id).status_code == 404  # the coordinator is a third member
    assert _newest(db).id == direct.id


def test_an_empty_or_too_long_reply_is_refused_with_the_form_open(login_as, db, world, outbox):
    root = _thread_roots(db, world)[0]
    response = _reply(login_as("tom"), world, root.id, "  ")
    page = _page(response)
    assert response.status_code == 422 and "Schrijf een antwoord." in page
    assert re.search(rf'<details class="reply-form" open>\s*<summary>Beantwoorden</summary>\s*<form method="post" '
                     rf'action="/teams/{world.johan_team.id}/messages/{root.id}/reply"', page)
    response = _reply(login_as("tom"), world, root.id, "x" * 4001)
    assert response.status_code == 422 and "Dit is te lang: hoogstens 4000 tekens, nu 4001." in _page(response)
    assert "x" * 4001 in _page(response)  # what was typed is kept, not cut
    assert outbox() == []


@pytest.mark.parametrize("to", ["self", "no account", "ended", "other team", "nonsense"])
def test_a_direct_message_to_someone_who_cannot_read_it_is_refused(login_as, db, world, outbox, to):
    team, value = world.johan_team, "iedereen"  # "nonsense"
    if to == "self":
        value = str(world.member("maria").id)
    elif to == "no account":
        value = str(add_member(db, team, None, role="informal_carer", name="Wim Peeters").id)
    elif to == "ended":
        lotte = world.member("lotte")
        lotte.ended_on = date.today()
        value = str(lotte.id)
    elif to == "other team":
        value = str(world.member("hanne", world.rita_team).id)
    db.commit()
    response = _post(login_as("maria"), world, "Een vraag.", value)
    assert response.status_code == 422 and "Kies voor wie het bericht is." in _page(response)
    assert outbox() == []


def test_the_form_offers_the_team_the_professionals_and_each_member_with_an_account(login_as, db, world):
    add_member(db, world.johan_team, None, role="informal_carer", name="Wim Peeters")
    db.commit()
    page = _page(login_as("maria").get(_url(world)))
    select_html = page[page.index('<select aria-describedby="audience-hint" id="audience"'):page.index("</select>")]
    assert '<option selected value="team">Het hele zorgteam</option>' in select_html
    assert '<optgroup label="Alleen voor één teamlid">' in select_html
    assert f'value="{world.member("els").id}">dr. Els Janssens (huisarts)</option>' in select_html
    assert "Wim Peeters" not in select_html and "Maria Peeters" not in select_html
    assert "Alleen wie een account heeft, kan berichten lezen" in page


def test_the_domain_refuses_a_direct_message_to_nobody_to_oneself_or_to_another_team(db, world):
    maria = world.member("maria")
    for audience, to in (("member", None), ("team", world.member("els")), ("member", maria),
                         ("member", world.member("hanne", world.rita_team))):
        with pytest.raises(MessageRule):
            post_message(db, world.johan_team, maria, "Hallo", audience=audience, recipient=to)


def test_the_mail_for_a_direct_message_arrives_over_smtp_for_the_recipient_only(login_as, world, smtp_inbox):  # noqa: F811
    assert _direct(login_as("maria"), world).status_code == 302
    [(rcpts, mail)] = smtp_inbox.messages
    assert rcpts == ["els@zorgteam.example"]
    assert mail["Subject"] == "Een bericht voor u in het zorgteam van J.P."
    assert "Donepezil" not in mail.get_content() and f"/teams/{world.johan_team.id}/messages/#thread-" in \
        mail.get_content()
