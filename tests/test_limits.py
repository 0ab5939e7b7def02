"""Text over a field's limit gives a message, never a silent cut: generated over the app's own forms.

Every text field of every form class checks its length with zorgteam.limits.MaxLength (a Dutch message, no
browser `maxlength` that would silently cut a paste); and every POST form found on the app's pages (as
test_hostile_input.py finds them), sent as the page shows it with one text field one character over its limit,
answers with the message and changes nothing. A form added later is covered without editing this file.
"""
from __future__ import annotations

import re

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import Form as WTForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from models import Base
from models.info import ITEM_FIELDS, SHAPES
from tests.conftest import login
from tests.forms import Form
from tests.test_access import ROUTE_APP, WRITTEN_BY_READS
from tests.test_hostile_input import POST_ROUTES, forms_by_endpoint, post_url
from zorgteam.access import PUBLIC, rule_of
from zorgteam.info.fields import form_class
from zorgteam.limits import LineLimit, MaxLength

TOO_LONG = "Dit is te lang: hoogstens"
TYPED = ("text", "textarea", "search", "email", "tel", "url", "password", "")


def _subclasses(cls) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found |= {sub} | _subclasses(sub)
    return found


def _form_classes() -> list[type[FlaskForm]]:
    """Every form the app defines, the shared-information forms of every category and kind included."""
    info = [form_class(shape.sheet) for shape in SHAPES.values()] + [form_class(f) for f in ITEM_FIELDS.values()]
    # wtforms' Form too: the rows of a FieldList (the first members of a new team) are plain sub-forms
    named = {c for c in _subclasses(WTForm) if c.__module__.startswith("zorgteam") and c.__name__ != "InfoForm"}
    return sorted(named, key=lambda c: f"{c.__module__}.{c.__qualname__}") + info


def _text_fields(form_type):
    """(name, validators) of the fields a person types into (not hidden ones)."""
    for name in dir(form_type):
        unbound = getattr(form_type, name)
        field_class = getattr(unbound, "field_class", None)
        if field_class and issubclass(field_class, StringField) and not issubclass(field_class, HiddenField):
            yield name, list(unbound.kwargs.get("validators") or [])


FORM_CLASSES = _form_classes()


def _limits() -> dict[str, int]:
    """The largest limit of each field name over all forms: one character more is too long in every one."""
    limits: dict[str, int] = {}
    for form_type in FORM_CLASSES:
        for name, validators in _text_fields(form_type):
            for check in validators:
                if isinstance(check, MaxLength):
                    limits[name] = max(limits.get(name, 0), check.max)
    return limits


LIMITS = _limits()
ROW = re.compile(r"^\w+-\d+-")  # a field of a FieldList row: members-0-name is the row form's `name`


def _limit(name: str) -> int | None:
    return LIMITS.get(name, LIMITS.get(ROW.sub("", name)))


@pytest.mark.parametrize("form_type", FORM_CLASSES, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_text_field_has_a_limit_that_is_said_in_words(form_type):
    fields = list(_text_fields(form_type))
    without = [name for name, validators in fields if not any(isinstance(v, MaxLength) for v in validators)]
    assert without == [], f"{form_type.__name__}: text fields without MaxLength: {without}"
    plain = [name for name, validators in fields
             if any(isinstance(v, Length) and not isinstance(v, MaxLength) for v in validators)]
    assert plain == [], f"{form_type.__name__}: wtforms' Length (English message, browser maxlength): {plain}"


def test_the_limit_itself_is_fine_and_one_more_is_said(app):
    class Note(FlaskForm):
        text = StringField(validators=[MaxLength(5)])
        lines = StringField(validators=[LineLimit(3)])

    with app.test_request_context(method="POST", data={"text": "12345", "lines": "abc\nabc"}):
        assert Note(meta={"csrf": False}).validate()
    with app.test_request_context(method="POST", data={"text": "123456", "lines": "abc\nabcd"}):
        form = Note(meta={"csrf": False})
        assert not form.validate()
        assert form.errors == {"text": ["Dit is te lang: hoogstens 5 tekens, nu 6. Maak het korter."],
                               "lines": ["Regel 2 is te lang: hoogstens 3 tekens per regel."]}
        assert "maxlength" not in form.text()


def _snapshot(db) -> dict[str, list[str]]:
    db.expire_all()
    return {table.name: sorted(repr(tuple(row)) for row in db.execute(select(table)))
            for table in Base.metadata.sorted_tables if table.name not in WRITTEN_BY_READS}


def _too_long(form: Form, name: str) -> MultiDict:
    """What the page would send, with `name` one character over its limit (an agenda: one line too long)."""
    pairs = [(n, v) for n, v in form.values() if n != name]
    return MultiDict(pairs + [(name, "x" * (_limit(name) + 1))])


def _typed(form: Form | None) -> list[str]:
    return [f.name for f in form.fields if f.kind in TYPED and f.name != "csrf_token"] if form else []


def test_one_character_over_the_limit_gives_the_message_and_changes_nothing(app, client, db, world):
    login(client, db, world.user("karim"))  # the forms are read as the coordinator (and anonymously)
    forms = forms_by_endpoint(app, client, world)
    problems, tried = [], 0
    for route in POST_ROUTES:
        form = forms.get(route.endpoint)
        url, anonymous = post_url(app, world, route), rule_of(ROUTE_APP, route.endpoint) is PUBLIC
        for name in _typed(form):
            if _limit(name) is None:
                problems.append(f"{route.endpoint}: {name} is a field of no known form")
                continue
            visitor = app.test_client()
            if not anonymous:
                login(visitor, db, world.user("karim"))
            before = _snapshot(db)
            response = visitor.post(url, data=_too_long(form, name), follow_redirects=True)
            tried += 1
            if response.status_code >= 500 or TOO_LONG not in response.get_data(as_text=True):
                problems.append(f"POST {url} with {name} one character too long: no message")
            if _snapshot(db) != before:
                problems.append(f"POST {url} with {name} one character too long changed the database")
    assert problems == [], "\n".join(problems)
    assert tried >= 60, f"only {tried} fields were tried: are the forms still found on the pages?"
