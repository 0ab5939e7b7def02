"""`flask --app app create-team`: start a care team from the command line (asks for what it needs, like
create-user; every question is also an option, for scripts)."""
from __future__ import annotations

from datetime import date

import click
from flask import current_app

from models.lifecycle import CONSENT_METHODS, FOUNDER_ROLES, LifecycleRule, start_team
from models.members import DISCIPLINES
from models.people import InvalidINSZ, Person
from models.teams import CARE_LEVELS
from models.users import find_user
from zorgteam.lifecycle.forms import PROFESSIONAL


def _birth_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip()) if text.strip() else None
    except ValueError:
        raise click.BadParameter("Schrijf de geboortedatum als JJJJ-MM-DD, bijvoorbeeld 1947-03-12.") from None


@click.command("create-team")
@click.option("--coordinator", "email", prompt="E-mailadres van de zorgcoördinator (een bestaand account)")
@click.option("--role", type=click.Choice(FOUNDER_ROLES), default="professional", show_default=True,
              prompt="Rol van de zorgcoördinator in het team")
@click.option("--discipline", type=click.Choice(DISCIPLINES), help="For a professional or case manager.")
@click.option("--given-name", prompt="Voornaam van de persoon")
@click.option("--family-name", prompt="Familienaam van de persoon")
@click.option("--birth-date", default="", prompt="Geboortedatum (JJJJ-MM-DD, leeg als onbekend)")
@click.option("--insz", default="", prompt="INSZ (leeg als onbekend)")
@click.option("--care-question", prompt="De zorgvraag, in de woorden van de persoon")
@click.option("--care-level", type=click.Choice(CARE_LEVELS), default="simple", show_default=True,
              prompt="Enkelvoudige (simple) of complexe (complex) zorg")
@click.option("--consent", type=click.Choice(CONSENT_METHODS), prompt="Hoe gaf de persoon toestemming")
def create_team_command(email, role, discipline, given_name, family_name, birth_date, insz, care_question,
                        care_level, consent):
    """Start a care team: the person, the care question and consent; the account given becomes coordinator."""
    born = _birth_date(birth_date)
    if role in PROFESSIONAL and not discipline:
        discipline = click.prompt("Discipline", type=click.Choice(DISCIPLINES))
    database = current_app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        founder = find_user(session, email)
        if founder is None:
            raise click.ClickException("Er bestaat geen account met dit e-mailadres. Maak het eerst met create-user.")
        person = Person(given_name=given_name.strip(), family_name=family_name.strip(), birth_date=born)
        try:
            coordinator = start_team(session, person, founder, actor=None, role=role, discipline=discipline,
                                     insz=insz.strip() or None, care_question=care_question,
                                     care_level=care_level, consent_method=consent)
        except (LifecycleRule, InvalidINSZ) as error:
            raise click.ClickException(str(error)) from None
        team_id = coordinator.team_id
    base_url = current_app.config["ZORGTEAM"].base_url
    click.echo(f"Care team {team_id} created; {founder.email} is its coordinator: {base_url}/teams/{team_id}/")
