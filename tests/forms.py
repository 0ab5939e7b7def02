"""Reading pages as a browser would: the forms on a page (action, method, fields with their values), what the page
would submit, and what a Content-Security-Policy without 'unsafe-inline' would block.

Used by the tests that discover forms instead of knowing them (test_faults.py, test_hostile_input.py,
test_headers.py), so that forms added later are covered too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

NOT_SUBMITTED = {"submit", "button", "reset", "image", "file"}


@dataclass
class Field:
    name: str
    kind: str  # an input type ("text", "hidden", "checkbox", ...), "select" or "textarea"
    value: str = ""
    checked: bool = False
    options: list[str] = field(default_factory=list)
    selected: list[str] = field(default_factory=list)
    multiple: bool = False

    @property
    def is_text(self) -> bool:
        return self.kind in ("text", "textarea", "search", "email", "tel", "url", "")


@dataclass
class Form:
    action: str  # the path it posts to (absolute, query kept)
    method: str
    fields: list[Field] = field(default_factory=list)

    @property
    def path(self) -> str:
        return urlsplit(self.action).path

    def names(self) -> set[str]:
        return {f.name for f in self.fields}

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def values(self) -> list[tuple[str, str]]:
        """What a browser submits unchanged: the successful controls with their current values."""
        pairs = []
        for f in self.fields:
            if f.kind in ("checkbox", "radio"):
                if f.checked:
                    pairs.append((f.name, f.value or "on"))
            elif f.kind == "select":
                chosen = f.selected or ([] if f.multiple else f.options[:1])
                pairs.extend((f.name, value) for value in chosen)
            elif f.kind not in NOT_SUBMITTED:
                pairs.append((f.name, f.value))
        return pairs


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__(convert_charrefs=True)
        self.page_url = page_url
        self.forms: list[Form] = []
        self.inline: list[str] = []  # what a CSP without 'unsafe-inline' blocks
        self._form: Form | None = None
        self._select: Field | None = None
        self._option: str | None = None
        self._textarea: Field | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        self._check_inline(tag, a)
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self._form = Form(action, (a.get("method") or "get").upper())
            self.forms.append(self._form)
        elif self._form is None or "name" not in a or "disabled" in a:
            if tag == "option" and self._select is not None:
                self._option_start(a)
            return
        elif tag == "input":
            kind = a.get("type", "text").lower()
            self._form.fields.append(Field(a["name"], kind, a.get("value", ""), "checked" in a))
        elif tag == "textarea":
            self._textarea = Field(a["name"], "textarea")
            self._form.fields.append(self._textarea)
        elif tag == "select":
            self._select = Field(a["name"], "select", multiple="multiple" in a)
            self._form.fields.append(self._select)
        elif tag == "button" and a.get("type", "submit") == "submit":
            self._form.fields.append(Field(a["name"], "submit", a.get("value", "")))

    def _option_start(self, a):
        self._option = a.get("value")
        if self._option is not None:
            self._select.options.append(self._option)
            if "selected" in a:
                self._select.selected.append(self._option)

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # browsers drop the line break right after <textarea> (WTForms writes one there)
            value = self._textarea.value
            self._textarea.value = value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            self._textarea = None

    def _check_inline(self, tag, a):
        if tag == "script" and "src" not in a:
            self.inline.append("<script> without src")
        for name, value in a.items():
            if name.startswith("on"):
                self.inline.append(f"<{tag} {name}=...>")
            if name == "style":
                self.inline.append(f"<{tag} style=...>")
            if name in ("href", "src", "action", "formaction") and value.strip().lower().startswith("javascript:"):
                self.inline.append(f"<{tag} {name}=javascript:...>")


def _parse(html: str, page_url: str) -> _Parser:
    parser = _Parser(page_url)
    parser.feed(html)
    parser.close()
    return parser


def forms_of(html: str, page_url: str) -> list[Form]:
    """Every form on the page, actions made absolute against `page_url`."""
    return _parse(html, page_url).forms


def inline_code(html: str) -> list[str]:
    """Inline scripts, event-handler and style attributes and javascript: URLs: all blocked by our CSP."""
    return _parse(html, "/").inline
