"""Erasing a person's record: the coordinator's action behind a confirmation page, and `flask erase-person`.

Glossary: wissen (erase), bewaartermijn (retention period).
"""
from __future__ import annotations

import uuid

import click
from flask import Flask, current_app, flash, redirect, render_template, url_for
from flask_babel import force_locale
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from models import CareTeam
from models.erasure import Erasure, ErasureRefused, erase, retention_of
from models.permissions import Permission
from zorgteam import mail
from zorgteam.access import Blueprint
from zorgteam.db import get_session
from zorgteam.limits import MaxLength
from zorgteam.translate import gettext as _
from zorgteam.translate import lazy_gettext as _l

bp = Blueprint("erasure", __name__, url_prefix="/teams/<team_id>")
CONFIRM_WORD = "WISSEN"
FORCE_PHRASE = "ERASE DESPITE RETENTION"


class ErasureForm(FlaskForm):
    confirm = StringField(_l("Typ WISSEN om te bevestigen"), validators=[MaxLength(100)],
                          render_kw={"autocomplete": "off"})

    def validate_confirm(self, field):
        if (field.data or "").strip() != CONFIRM_WORD:
            raise ValidationError(_l("Typ het woord WISSEN, in hoofdletters, om te bevestigen."))


def _days() -> int:
    return current_app.config["ZORGTEAM"].erasure_retention_days


def tell_members(result: Erasure, session=None) -> None:
    """Mail the team's members that the team was erased: a reference and the date, no name, no content; sent
    once the erasure commits. In Dutch, the team's language (the command line has no request to take one from)."""
    with force_locale("nl"):
        subject, body = _("Een zorgteam werd gewist"), _notice(result)
    mail.send_each(result.notify, subject, body, session)


def _notice(result: Erasure) -> str:
    return _("De gegevens van een zorgteam waarin u zat, zijn gewist op %(date)s (referentie %(ref)s). U hebt geen "
             "toegang meer tot dit zorgteam en zijn gegevens.\n\n"
             "Deze e-mail bevat bewust geen namen of zorggegevens. Bewaart u zelf notities over deze persoon, "
             "dan gelden daarvoor de regels van uw eigen dossier.\n",
             date=f"{result.erased_at:%d-%m-%Y}", ref=str(result.team_id)[:8])


@bp.route("/erase", methods=["GET", "POST"], access=Permission.TEAM_ERASE)
def confirm(team, member):
    """The confirmation page; refused with the reason while the retention period runs."""
    db = get_session()
    retention = retention_of(db, team, _days())
    form = ErasureForm()
    if retention.running():
        refused = ErasureRefused(retention)
        return render_template("erasure/confirm.html", team=team, member=member, form=None,
                               refused=refused), 409 if form.is_submitted() else 200
    if not form.validate_on_submit():
        return render_template("erasure/confirm.html", team=team, member=member, form=form, refused=None), \
            422 if form.is_submitted() else 200
    result = erase(db, team, member, retention_days=_days())
    tell_members(result)  # delivered once the erasure is committed, not before
    flash(_("De gegevens van het zorgteam zijn gewist. De teamleden kregen een e-mail."), "info")
    return redirect(url_for("teams.index"))


def _load_team(session, team_id: uuid.UUID) -> CareTeam:
    team = session.get(CareTeam, team_id)
    if team is None:
        raise click.ClickException(f"No care team {team_id}.")
    return team


def _since(retention) -> str:
    word = "closing" if retention.closed else "last change"
    return f"{word} on {retention.last_activity:%Y-%m-%d}"


def _same_id(typed: str, team_id: uuid.UUID) -> bool:
    try:
        return uuid.UUID(typed.strip()) == team_id
    except ValueError:
        return False


def _confirm_on_terminal(team: CareTeam, refused: ErasureRefused | None) -> None:
    click.echo(f"This erases the record of person {team.person_id} (team {team.id}) for good: every row of the "
               "team, and the person's data keys.")
    if not _same_id(click.prompt("Type the team id to confirm"), team.id):
        raise click.ClickException("Not confirmed; nothing was erased.")
    if refused is not None:
        click.echo(f"The retention period still runs until {refused.retention.ends:%Y-%m-%d} "
                   f"({_since(refused.retention)}).")
        if click.prompt(f"Type {FORCE_PHRASE} to erase anyway") != FORCE_PHRASE:
            raise click.ClickException("Not confirmed; nothing was erased.")


@click.command("erase-person")
@click.argument("team_id", type=click.UUID)
@click.option("--force", is_flag=True, help="Erase even while the retention period runs (asks twice).")
def erase_person_command(team_id: uuid.UUID, force: bool):
    """Erase the team's person (GDPR art. 17); refused while the retention period runs."""
    database = current_app.extensions["zorgteam.db"]
    with database.session() as session, session.begin():
        team = _load_team(session, team_id)
        retention = retention_of(session, team, _days())
        refused = ErasureRefused(retention) if retention.running() else None
        if refused is not None and not force:
            raise click.ClickException(
                f"Refused: the retention period runs until {retention.ends:%Y-%m-%d}, {retention.days} days after "
                f"the team's {_since(retention)}. Use --force to override "
                "(you will be asked to confirm).")
        _confirm_on_terminal(team, refused)
        result = erase(session, team, None, retention_days=_days(), force=force)
        tell_members(result, session)
    sent = mail.outcome(session).delivered
    click.echo(f"Erased: {sum(result.rows.values())} row(s) in {len(result.rows)} table(s), "
               f"{len(result.data_keys)} data key(s) destroyed; {sent} member(s) told by mail.\n"
               "Older backups still hold the person's data key, wrapped under the current key version: run "
               "`keys rotate`, then `keys rotate --retire OLD`, and they cannot be read any more either.")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(erase_person_command)
