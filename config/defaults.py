"""Default settings: every value here can be overridden by the environment or by load(overrides)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DATABASE_URL = "sqlite:///instance/zorgteam.db"
KEYRING = "instance/keyring.json"
SECRET_KEY = None  # taken from the keyring when unset
SMTP_URL = None  # unset: mail goes to OUTBOX
OUTBOX = "instance/outbox"
BASE_URL = "http://127.0.0.1:5000"
PRODUCTION = False

SESSION_IDLE_MINUTES = 30
SESSION_ABSOLUTE_HOURS = 12
REQUIRE_2FA_FOR_PROFESSIONALS = False

# Login throttling: failures allowed within the window, per account and per address.
LOGIN_WINDOW_MINUTES = 15
LOGIN_MAX_FAILURES_ACCOUNT = 5
LOGIN_MAX_FAILURES_ADDRESS = 30

INVITATION_VALID_DAYS = 7
RESET_VALID_MINUTES = 60

# MDO rules checklist (DOMAIN.md, "MDO meetings"): counts and intervals change yearly, so they live here.
MDO_MIN_DISCIPLINES = 3  # Flemish reimbursable MDO: different disciplines besides person, carers and organiser
MDO_INTERVAL_DAYS = 365  # at most one reimbursed MDO per this many days per person
MDO_RETURN_HOME_DAYS = 8  # a person in hospital counts as living at home when they return within these days
GDT_MIN_PROVIDERS = 3  # GDT meeting: care providers including the GP
GDT_MAX_PAID_PROVIDERS = 4  # paid providers per GDT meeting
GDT_PER_CALENDAR_YEAR = 1
GOAL_EVALUATION_DAYS = 28  # a care goal not evaluated for this long comes on the next meeting's agenda

# Reminders (`flask --app app notify`): agreements due within this many days, meetings within these hours.
REMINDER_DUE_DAYS = 1
REMINDER_MEETING_HOURS = 24

# Erasure (`erase-person`, GDPR art. 17): a person's record is kept this many days after the last change in their
# care team (the last audit event that is not a mere read, login or refusal), so that the care given can still
# be accounted for (MDO reimbursement checks, complaints, claims). Until then erasure is refused with the date;
# `erase-person --force` overrides it after a typed confirmation. 0 turns the period off. Set by the controller.
ERASURE_RETENTION_DAYS = 730
