"""The domain: typed SQLAlchemy models and the operations on them. Imports nothing of Flask or the web layer."""
from models.base import Base, StaleEdit
from models.crypto import DataKey, IntegrityFailure, Keyring, KeyringError, Vault
from models.audit import AuditEvent, AuditHead
from models.users import AccountToken, LoginFailure, RecoveryCode, User, WebSession
from models.people import Person
from models.teams import CareTeam, DesignationRecord
from models.members import Member
from models.goals import CareGoal, GoalEvaluation, GoalProfile, HealthScoring, LifeGoal
from models.consent import CategorySetting, ConsentEvent, ConsentGrant
from models.info import InfoItem
from models.messages import Message, MessageRead
from models.agreements import Agreement, AgreementCompletion
from models.meetings import Feedback, Invitee, Meeting
from models.meetings.reminders import SentReminder
from models.calendar import CalendarFeed
from models.revisions import Restriction, Revision
from models.mail_queue import QueuedMail
from models.socialmap import Contact, Organisation, Proposal, Referral, Service

__all__ = ["Base", "StaleEdit", "DataKey", "IntegrityFailure", "Keyring", "KeyringError", "Vault", "AuditEvent",
           "AuditHead", "AccountToken", "LoginFailure", "RecoveryCode", "User", "WebSession", "Person",
           "CareTeam", "DesignationRecord", "Member", "CareGoal", "GoalEvaluation", "GoalProfile",
           "HealthScoring", "LifeGoal", "CategorySetting", "ConsentEvent", "ConsentGrant", "InfoItem", "Message",
           "MessageRead", "Agreement", "AgreementCompletion", "Meeting", "Invitee", "Feedback",
           "SentReminder", "CalendarFeed", "Revision", "Restriction", "QueuedMail",
           "Organisation", "Service", "Contact", "Proposal", "Referral"]
