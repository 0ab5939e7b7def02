"""The printable care plan (zorgplan): an HTML page laid out for A4, and the same as a PDF made by WeasyPrint.
What it holds, and the consent filter, live in models/careplan.py."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from weasyprint import HTML

from models.careplan import care_plan
from models.permissions import Permission
from zorgteam.access import Blueprint
from zorgteam.db import get_session
from zorgteam.meetings.texts import SHORT_KINDS

bp = Blueprint("careplan", __name__, url_prefix="/teams/<team_id>")


def _render(template: str, team, member) -> str:
    plan = care_plan(get_session(), team, member)
    return render_template(template, team=team, member=member, plan=plan, today=date.today(),
                           MEETING_KINDS=SHORT_KINDS)


@bp.route("/careplan", access=Permission.GOALS_VIEW)
def show(team, member):
    return _render("careplan/show.html", team, member)


@bp.route("/careplan.pdf", access=Permission.GOALS_VIEW)
def pdf(team, member):
    """The plan as a PDF (A4); nothing is fetched over the network while it is made."""
    html = _render("careplan/pdf.html", team, member)
    document = HTML(string=html, base_url=request.url_root, url_fetcher=_no_fetching).write_pdf()
    return Response(document, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="zorgplan-{date.today().isoformat()}.pdf"'})


def _no_fetching(url: str, *args, **kwargs):
    raise ValueError(f"the care plan PDF fetches nothing ({url})")
