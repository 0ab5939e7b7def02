"""MDO meetings in the browser: planning, holding, the invite, the report, feedback (blueprint `meetings`)."""
from zorgteam.meetings import holding, notify  # noqa: F401  (register their routes and command on the blueprint)
from zorgteam.meetings.views import bp

__all__ = ["bp"]
