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
