"""How long a typed text may be: one length check for every form, with a message a person understands.

The limit is checked on the server and said in words ("Dit is te lang ..."), never cut: the browser gets no
`maxlength`, because a browser silently cuts what is pasted into a field with one.
"""
from __future__ import annotations

from wtforms.validators import Length, ValidationError

from zorgteam.translate import lazy_gettext as _l


class MaxLength(Length):
    """At most `limit` characters; over it, the field says so and how many there are (nothing is saved)."""

    def __init__(self, limit: int, message=None):
        super().__init__(max=limit, message=message)
        self.field_flags = {}  # no maxlength attribute: see the module docstring

    def __call__(self, form, field):
        length = len(field.data or "")
        if length > self.max:
            message = self.message or _l("Dit is te lang: hoogstens %(max)d tekens, nu %(length)d. Maak het korter.")
            raise ValidationError(message % {"max": self.max, "length": length})


class LineLimit:
    """Each line of a text (one agenda point per line) at most `limit` characters."""

    def __init__(self, limit: int):
        self.limit = limit
        self.field_flags = {}

    def __call__(self, form, field):
        for number, line in enumerate((field.data or "").splitlines(), start=1):
            if len(line.strip()) > self.limit:
                raise ValidationError(_l("Regel %(number)d is te lang: hoogstens %(max)d tekens per regel.",
                                         number=number, max=self.limit))
