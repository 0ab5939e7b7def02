"""Key management from the command line: `flask --app app keys rotate [--retire VERSION] | rotate-person TEAM_ID`.
`python -m zorgteam.keys init` creates a development keyring (make run)."""
from __future__ import annotations

import sys
import uuid

import click
from flask import Flask, current_app
from flask.cli import AppGroup

import config
from models import CareTeam, Keyring, Vault, audit
from models import keys

# A data key created by a running app at the very moment of a rotation may land under the old version; the
# rotation goes round again for those (on SQLite writers queue, so in practice one round does it all).
ROUNDS = 5


def init_development_keyring() -> bool:
    """Create the keyring named by the settings when none exists (mode 0600); True when created."""
    path = config.load().keyring
    if path.exists():
        return False
    Keyring.generate().save(path)
    return True


def _database():
    return current_app.extensions["zorgteam.db"]


def _rewrap_all(vault: Vault) -> int:
    """Rewrap every data key not under the primary version, each round in one transaction."""
    total = 0
    for _round in range(ROUNDS):
        with _database().session() as session, session.begin():
            pending = keys.stale_keys(session, vault.keyring.primary)
            if not pending:
                return total
            with click.progressbar(pending, label="Rewrapping data keys", show_pos=True) as bar:
                for key in bar:
                    keys.rewrap(vault, key)
            audit.append(session, vault.keyring.audit_key, action="rekey", object_type="keyring",
                         object_id=vault.keyring.primary)
        total += len(pending)
    raise click.ClickException("Data keys kept appearing under an old version; run `keys rotate` again.")


def _retire(version: str) -> None:
    path = current_app.config["ZORGTEAM"].keyring
    with _database().session() as session:
        try:
            keyring = keys.retire(session, path, version)
        except keys.KeyRefused as refused:
            raise click.ClickException(str(refused)) from None
    click.echo(f"Key version {version} retired; the keyring holds {', '.join(sorted(keyring.keks))}.")


@click.command("rotate")
@click.option("--retire", "version", metavar="VERSION",
              help="Instead of rotating, remove this old version (once no data key uses it).")
def rotate_command(version: str | None):
    """Add a new key-encryption key version, make it primary and rewrap every data key under it (online)."""
    if version:
        return _retire(version)
    keyring = keys.add_version(current_app.config["ZORGTEAM"].keyring)
    click.echo(f"Key version {keyring.primary} added to the keyring and made primary.")
    count = _rewrap_all(Vault(keyring))
    with _database().session() as session:
        versions = keys.keys_by_version(session)
    old = sorted(set(keyring.keks) - {keyring.primary})
    click.echo(f"{count} data key(s) rewrapped; data keys per version: {versions}.")
    if old:
        click.echo(f"Older versions still in the keyring: {', '.join(old)}. Once the running app has been "
                   f"restarted or has re-read the keyring, remove them with `keys rotate --retire VERSION`.")


@click.command("rotate-person")
@click.argument("team_id", type=click.UUID)
@click.option("--batch-size", default=200, show_default=True, help="Rows re-encrypted per transaction.")
def rotate_person_command(team_id: uuid.UUID, batch_size: int):
    """Re-encrypt all values of the team's person under a new data key, in resumable batches."""
    database = _database()
    with database.session() as session:
        team = session.get(CareTeam, team_id)
        if team is None:
            raise click.ClickException(f"No care team {team_id}.")
        person_id = team.person_id
    with database.session() as session, session.begin():  # rotate_person then resumes with this key
        target = keys.begin_person_rotation(session, database.vault, person_id)
    with database.session() as session:
        total = keys.count_stale(session, person_id, target.id)
    with click.progressbar(length=total, label="Re-encrypting", show_pos=True) as bar:
        state = keys.rotate_person(database.session, database.vault, person_id, batch_size=batch_size,
                                   progress=bar.update)
    click.echo(f"{state.moved} row(s) re-encrypted under data key {state.dek_id}; "
               f"{len(state.retired)} old data key(s) deleted.")


def init_app(app: Flask) -> None:
    group = AppGroup("keys", help="The keyring and the data keys.")
    group.add_command(rotate_command)
    group.add_command(rotate_person_command)
    app.cli.add_command(group)


if __name__ == "__main__":
    if sys.argv[1:] == ["init"]:
        if init_development_keyring():
            print(f"Created a development keyring at {config.load().keyring} (mode 0600). "
                  "Back it up separately from the database: without it the data cannot be read.")
    else:
        sys.exit("usage: python -m zorgteam.keys init")
