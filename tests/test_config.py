"""Settings: where links in mails point. `make run PORT=8000` serves on port 8000, so its mails must link there;
a ZORGTEAM_BASE_URL that is set stays the address (production: the app cannot trust the Host header it is sent).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace

import pytest

import config
from config import ROOT

SERVE = re.compile(r"^ZORGTEAM_BASE_URL='(?P<url>[^']*)' \S*flask --app app run --host (?P<host>\S+) "
                   r"--port (?P<port>\d+)$", re.M)


def _make_run(*arguments: str, **environment: str) -> re.Match:
    """The command `make run` would serve with (a dry run: nothing is installed or started)."""
    if shutil.which("make") is None:
        pytest.fail("make is needed: `make run` is how the app is served")
    env = {"PATH": "/usr/bin:/bin", **environment}
    result = subprocess.run(["make", "-n", "run", *arguments], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=True)
    found = SERVE.search(result.stdout)
    assert found, f"no serve line in `make -n run`:\n{result.stdout}"
    return found


def test_make_run_links_mails_to_the_port_it_serves_on():
    assert _make_run().group("url", "port") == ("http://127.0.0.1:5000", "5000")  # CONTRACT.md's default
    assert _make_run("PORT=8000").group("url", "port") == ("http://127.0.0.1:8000", "8000")
    assert _make_run("HOST=192.168.1.20", "PORT=8000").group("url") == "http://192.168.1.20:8000"


def test_a_base_url_that_is_set_stays_the_address():
    served = _make_run("PORT=8000", ZORGTEAM_BASE_URL="https://zorgteam.example.be")
    assert served.group("url", "port") == ("https://zorgteam.example.be", "8000")


def test_the_mail_links_to_the_base_url_from_the_environment(app, client, outbox, monkeypatch):
    monkeypatch.setenv("ZORGTEAM_BASE_URL", "http://127.0.0.1:8000")
    settings = config.load()
    assert settings.base_url == "http://127.0.0.1:8000"
    monkeypatch.setitem(app.config, "ZORGTEAM", replace(app.config["ZORGTEAM"], base_url=settings.base_url))
    client.post("/password/forgot", data={"email": "an@zorgteam.example"})
    mails = outbox()
    assert len(mails) == 1
    assert re.search(r"http://127\.0\.0\.1:8000/password/reset/[\w-]+", mails[0].replace("=\n", ""))
