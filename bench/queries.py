"""SQL statements per request, counted by a SQLAlchemy event listener in an instrumented in-process run."""
from __future__ import annotations

from sqlalchemy import event, func, select

from bench.dataset import Dataset, make_app


def pages(dataset: Dataset) -> dict[str, str]:
    """The measured pages, by name: the coordinator's first team, their 150 teams, their tasks and feed."""
    team = dataset.teams[0]
    return {"team overview": f"/teams/{team}/", "my teams": "/teams/", "goals page": f"/teams/{team}/goals/",
            "my tasks": "/my/tasks", "calendar feed": f"/calendar/{dataset.feed}.ics"}


def count(dataset: Dataset) -> dict:
    """For each page: statements on a fresh worker (nothing cached yet) and once warm, and the persons in the
    database; every answer must be 200."""
    app = make_app(dataset)
    engine = app.extensions["zorgteam.db"].engine
    statements = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    client = app.test_client()
    client.set_cookie("session", dataset.session)
    found = {}
    for name, path in pages(dataset).items():
        runs = []
        for _ in range(2):
            statements.clear()
            response = client.get(path)
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")
            runs.append(len(statements))
        found[name] = {"cold": runs[0], "warm": runs[1], "bytes": len(response.get_data())}
    from models import Person

    with app.extensions["zorgteam.db"].session() as session:
        persons = session.scalar(select(func.count()).select_from(Person))
    engine.dispose()
    return {"persons": persons, "pages": found}
