"""MDO meetings (multidisciplinair overleg): records, planning, holding and the rules checklist.

The package keeps the importers' `models.meetings` name while its parts stay small.
"""
from models.meetings.records import (HELPED, KINDS, MODES, REIMBURSABLE, TOOK_PART, Feedback, Invitee,
                                     Meeting)
from models.meetings.planning import (BRUSSELS, Change, MeetingRule, at_brussels, brussels, cancel_meeting,
                                      change_meeting, default_invitees, last_held, meetings_of, next_meeting,
                                      plan_meeting, propose_agenda, visible_agenda)
from models.meetings.holding import (add_decision, close_meeting, decisions_of, evaluate_in_meeting,
                                     evaluations_of, feedback_of, give_feedback, may_give_feedback, meeting_day,
                                     record_attendance, save_facts, save_minutes)
from models.meetings.rules import Check, Checklist, Thresholds, checklist

__all__ = ["HELPED", "KINDS", "MODES", "REIMBURSABLE", "TOOK_PART", "Feedback", "Invitee", "Meeting", "BRUSSELS",
           "Change", "MeetingRule", "at_brussels", "brussels", "cancel_meeting", "change_meeting",
           "default_invitees", "last_held", "meetings_of", "next_meeting", "plan_meeting", "propose_agenda",
           "visible_agenda", "add_decision", "close_meeting", "decisions_of", "evaluate_in_meeting",
           "evaluations_of", "feedback_of", "give_feedback", "may_give_feedback", "meeting_day",
           "record_attendance", "save_facts", "save_minutes", "Check", "Checklist", "Thresholds", "checklist"]
