"""The ceiling: a bare Flask app answering "hello", served under the same gunicorn settings as Zorgteam."""
from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "hello"


@app.get("/login")
def ready():
    return "ready"
