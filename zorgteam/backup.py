"""`flask --app app backup PATH`: a consistent copy of the SQLite database while the app runs (sqlite3's online
backup API). On PostgreSQL it refuses and names `pg_dump`. The keyring is never in the copy: back it up apart."""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import click
from flask import Flask, current_app
from sqlalchemy.engine import make_url

from models import audit

PG_DUMP_HINT = ("This database is PostgreSQL: back it up with pg_dump, which takes a consistent snapshot while "
                "the app runs, for example\n"
                "  pg_dump --format=custom --file=zorgteam-$(date +%F).dump postgresql://user@host/zorgteam\n"
                "and restore it with pg_restore --clean --dbname=postgresql://user@host/zorgteam FILE.\n"
                "Back up the keyring separately.")


class BackupRefused(Exception):
    """The backup cannot be made; the message says why."""


def sqlite_path(url: str) -> Path:
    """The database file of a SQLite URL; BackupRefused for another database or an in-memory one."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        raise BackupRefused(PG_DUMP_HINT if parsed.get_backend_name() == "postgresql" else
                            f"Backups of {parsed.get_backend_name()} databases are not supported.")
    if not parsed.database or parsed.database == ":memory:":
        raise BackupRefused("An in-memory database cannot be backed up.")
    return Path(parsed.database)


def backup_sqlite(source: Path, target: Path) -> int:
    """Copy `source` to `target` in one step of the online backup API (a consistent snapshot; writers carry
    on meanwhile in WAL mode), as a single self-contained file readable only by its owner. Returns its size."""
    if target.exists():
        raise BackupRefused(f"{target} already exists; choose a new file name.")
    partial = target.with_name(target.name + ".partial")
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    try:
        _copy(source, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _copy(source: Path, partial: Path) -> None:
    src, dst = sqlite3.connect(source, timeout=30), sqlite3.connect(partial)
    try:
        src.backup(dst)  # pages=-1: all pages under one read transaction, so the copy is one moment in time
        dst.execute("PRAGMA journal_mode=DELETE")  # one file, no -wal beside it
        if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused("The copy did not pass SQLite's integrity check; nothing was kept.")
        dst.commit()
    finally:
        src.close()
        dst.close()
    with open(partial, "rb") as written:
        os.fsync(written.fileno())


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def backup_command(path: Path):
    """Copy the SQLite database to PATH while the app runs (PostgreSQL: use pg_dump)."""
    database = current_app.extensions["zorgteam.db"]
    try:
        size = backup_sqlite(sqlite_path(current_app.config["ZORGTEAM"].database_url), path)
    except BackupRefused as refused:
        raise click.ClickException(str(refused)) from None
    with database.session() as session, session.begin():
        audit.append(session, database.vault.keyring.audit_key, action="export", object_type="database",
                     category="backup")
    click.echo(f"Backup written to {path} ({size} bytes, mode 0600). It holds ciphertexts only: keep a copy of "
               f"the keyring ({current_app.config['ZORGTEAM'].keyring}) apart from it, or it cannot be read.")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup_command)
