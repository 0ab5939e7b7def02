"""Importing the social map from an open-data file (CSV or JSON; the format is in docs/socialmap-format.md).

All or nothing: every line is checked first, and one bad line means nothing changes; the errors name their line.
Idempotent: an organisation is found again by its source and id, and a second import of the same file changes
nothing (and says so).
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from sqlalchemy import select

from models import audit
from models.base import utcnow
from models.socialmap.directory import KINDS, LANGUAGES, MAX, NEEDS, Organisation, Service

ORGANISATION_FIELDS = ("name", "kind", "phone", "email", "website", "address", "postcode", "city", "languages",
                       "last_checked")
SERVICE_FIELDS = ("description", "postcodes", "waiting")
COLUMNS = ("source", "id") + ORGANISATION_FIELDS + ("need",) + SERVICE_FIELDS
REQUIRED = ("source", "id", "name", "kind", "need", "last_checked")
POSTCODE = re.compile(r"^[1-9][0-9]{3}$")
WAITING_LIST = "wachtlijst"


class ImportFailed(ValueError):
    """The file cannot be imported; `errors` lists what is wrong, line by line. Nothing was changed."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class Line:
    """One service of one organisation, as read and checked; `where` names it in messages ("regel 4")."""

    where: str
    values: dict[str, str]
    key: tuple[str, str] = ("", "")
    organisation: dict = field(default_factory=dict)
    service: dict = field(default_factory=dict)


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


# --- reading the file ------------------------------------------------------------------------------------------------

def read_lines(path: Path) -> list[Line]:
    """The file's records as text values: CSV (line numbers as in a spreadsheet, the header is line 1) or JSON
    (a list of objects; numbered as items)."""
    text = path.read_text(encoding="utf-8-sig")
    if path.suffix.lower() == ".json":
        return _json_lines(text)
    if path.suffix.lower() == ".csv":
        return _csv_lines(text)
    raise ImportFailed([f"{path.name}: kies een bestand dat eindigt op .csv of .json."])


def _csv_lines(text: str) -> list[Line]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed([f"regel 1: kolommen ontbreken: {', '.join(missing)}."])
    return [Line(f"regel {reader.line_num}", {k: (v or "").strip() for k, v in row.items() if k})
            for row in reader if any((v or "").strip() for v in row.values() if isinstance(v, str))]


def _json_lines(text: str) -> list[Line]:
    try:
        records = json.loads(text)
    except json.JSONDecodeError as error:
        raise ImportFailed([f"regel {error.lineno}: dit is geen geldige JSON ({error.msg})."]) from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise ImportFailed(["Het JSON-bestand moet een lijst van objecten zijn."])
    return [Line(f"item {number}", {k: "" if v is None else str(v).strip() for k, v in record.items()})
            for number, record in enumerate(records, start=1)]


# --- checking every line ---------------------------------------------------------------------------------------------

def _check_value(name: str, value: str) -> str | None:
    """What is wrong with one value, or None."""
    if name == "kind" and value and value not in KINDS:
        return f"soort '{value}' bestaat niet (kies uit: {', '.join(KINDS)})"
    if name == "need" and value and value not in NEEDS:
        return f"nood '{value}' bestaat niet (kies uit: {', '.join(NEEDS)})"
    if name == "postcode" and value and not POSTCODE.match(value):
        return f"postcode '{value}' is geen Belgische postcode van 4 cijfers"
    if name == "postcodes" and any(not POSTCODE.match(p) for p in value.split()):
        return "postcodes: geef postcodes van 4 cijfers, gescheiden door spaties"
    if name == "languages" and any(code not in LANGUAGES for code in value.split()):
        return f"talen: gebruik taalcodes uit {', '.join(LANGUAGES)}, gescheiden door spaties"
    return _check_special(name, value)


def _check_special(name: str, value: str) -> str | None:
    limit = MAX.get("external_id" if name == "id" else name)
    if limit and len(value) > limit:
        return f"{name} is te lang (meer dan {limit} tekens)"
    if name == "last_checked" and value:
        try:
            date.fromisoformat(value)
        except ValueError:
            return f"last_checked '{value}' is geen datum (schrijf JJJJ-MM-DD)"
    if name == "waiting" and value and value != WAITING_LIST and not (value.isascii() and value.isdigit() and int(value) <= 520):
        return f"waiting '{value}': geef een aantal weken (0 tot 520) of '{WAITING_LIST}'"
    return None


def _check_line(line: Line) -> list[str]:
    values = line.values
    problems = [f"{name} ontbreekt" for name in REQUIRED if not values.get(name)]
    problems += [p for name in COLUMNS if (p := _check_value(name, values.get(name, "")))]
    unknown = sorted(set(values) - set(COLUMNS))
    if unknown:
        problems.append(f"onbekende kolommen: {', '.join(unknown)}")
    if not problems:
        _shape(line)
    return [f"{line.where}: {p}." for p in problems]


def _shape(line: Line) -> None:
    """The checked text values as the model's fields."""
    v = line.values
    line.key = (v["source"], v["id"])
    line.organisation = {name: v.get(name) or None for name in ORGANISATION_FIELDS}
    line.organisation["languages"] = " ".join((v.get("languages") or "nl").split())
    line.organisation["last_checked"] = date.fromisoformat(v["last_checked"])
    waiting = v.get("waiting", "")
    line.service = {"need": v["need"], "description": v.get("description") or None,
                    "postcodes": " ".join(v.get("postcodes", "").split()),
                    "waiting_weeks": int(waiting) if waiting.isascii() and waiting.isdigit() else None,
                    "waiting_list": waiting == WAITING_LIST}


def check(lines: list[Line]) -> dict[tuple[str, str], list[Line]]:
    """Every line checked, and lines of one organisation agreeing with each other; raises ImportFailed with
    every problem found. Returns the lines by organisation."""
    errors, grouped, seen = [], {}, {}
    for line in lines:
        problems = _check_line(line)
        errors += problems
        if problems:
            continue
        first = grouped.setdefault(line.key, [line])[0]
        if first is not line and first.organisation != line.organisation:
            errors.append(f"{line.where}: de gegevens van organisatie {line.key[1]} verschillen van {first.where}.")
        elif (line.key, line.service["need"]) in seen:
            errors.append(f"{line.where}: nood {line.service['need']} staat al op {seen[line.key, line.service['need']]}.")
        elif first is not line:
            grouped[line.key].append(line)
        seen[line.key, line.service["need"]] = line.where
    if not lines:
        errors.append("Het bestand bevat geen organisaties.")
    if errors:
        raise ImportFailed(errors)
    return grouped


# --- applying -------------------------------------------------------------------------------------------------------

def _apply(session, organisation: Organisation, lines: list[Line]) -> bool:
    """Make `organisation` say what the lines say; True when something changed."""
    changed = False
    for name, value in lines[0].organisation.items():
        if getattr(organisation, name) != value:
            setattr(organisation, name, value)
            changed = True
    wanted = {line.service["need"]: line.service for line in lines}
    for service in list(organisation.services):
        if service.need not in wanted:
            organisation.services.remove(service)
            changed = True
    for need, fields in wanted.items():
        changed |= _apply_service(organisation, fields)
    if changed:
        organisation.updated_at = utcnow()
    return changed


def _apply_service(organisation: Organisation, fields: dict) -> bool:
    service = organisation.service_for(fields["need"])
    if service is None:
        service = Service(**fields)
        service.ensure_id()
        organisation.services.append(service)
        return True
    if all(getattr(service, k) == v for k, v in fields.items()):
        return False
    for key, value in fields.items():
        setattr(service, key, value)
    return True


def import_lines(session, lines: list[Line], actor=None) -> ImportResult:
    """Check every line, then bring the directory in line with them (organisations not in the file stay)."""
    grouped = check(lines)
    existing = {(o.source, o.external_id): o for o in session.scalars(select(Organisation))}
    result = ImportResult()
    for (source, external_id), group in grouped.items():
        organisation = existing.get((source, external_id))
        if organisation is None:
            organisation = Organisation(source=source, external_id=external_id)
            organisation.ensure_id()
            session.add(organisation)
            _apply(session, organisation, group)
            result.created += 1
        elif _apply(session, organisation, group):
            result.updated += 1
        else:
            result.unchanged += 1
    if result.changed:
        audit.record(session, actor, "import", category="socialmap")
    session.flush()
    return result


def import_file(session, path: Path, actor=None) -> ImportResult:
    """Import `path` (CSV or JSON); raises ImportFailed (nothing changed) when any line is wrong."""
    return import_lines(session, read_lines(path), actor)
