"""The WSGI entry point: `flask --app app ...`, `gunicorn app:app`."""
from zorgteam import create_app

app = create_app()
