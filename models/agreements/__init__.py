"""Agreements (afspraken): who does what by when, linked to a goal and the meeting that made it.

Glossary: afspraak (`Agreement`), eigenaar (owner), wekelijks/maandelijks (recurrence), opvolgen (follow up).
A package of the records (model), who may see and act (access), what happens to one (changes), when it comes back
(recurrence), reading a team's (reading) and one user's own across teams (owned); every name importers use is
here, so `from models.agreements import X` does not depend on that layout.
"""
from models.agreements.access import may_act, may_view, may_view_own, owns, require_act, require_manage
from models.agreements.changes import (ANY_OCCURRENCE, UNDO_WITHIN, accept, add_agreement, cancel, check_occurrence,
                                       complete, decline, may_undo, undo_completion,
                                       update_agreement)
from models.agreements.model import (OPEN, RECURRENCES, STATUSES, Agreement, AgreementCompletion, AgreementRule,
                                     AlreadyDone, OccurrenceMoved, is_overdue)
from models.agreements.owned import Owned, agreements_by_id, owned_rows
from models.agreements.reading import (completions_of, first_open, last_completions, open_agreements,
                                       overdue_agreements, sort_key, team_agreements, urgency)
from models.agreements.recurrence import next_occurrence

__all__ = ["ANY_OCCURRENCE", "OPEN", "RECURRENCES", "STATUSES", "UNDO_WITHIN", "Agreement", "AgreementCompletion",
           "AgreementRule", "AlreadyDone", "OccurrenceMoved", "Owned", "accept", "add_agreement", "agreements_by_id",
           "cancel", "check_occurrence", "complete", "completions_of", "decline", "first_open", "is_overdue",
           "last_completions", "may_act", "may_undo", "may_view", "may_view_own", "next_occurrence", "open_agreements",
           "overdue_agreements", "owned_rows", "owns", "require_act", "require_manage", "sort_key",
           "team_agreements", "undo_completion", "update_agreement", "urgency"]
