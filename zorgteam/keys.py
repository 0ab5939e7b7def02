"""Key management from the command line. `python -m zorgteam.keys init` creates a development keyring (make run)."""
from __future__ import annotations

import sys

import config
from models import Keyring


def init_development_keyring() -> bool:
    """Create the keyring named by the settings when none exists (mode 0600); True when created."""
    path = config.load().keyring
    if path.exists():
        return False
    Keyring.generate().save(path)
    return True


if __name__ == "__main__":
    if sys.argv[1:] == ["init"]:
        if init_development_keyring():
            print(f"Created a development keyring at {config.load().keyring} (mode 0600). "
                  "Back it up separately from the database: without it the data cannot be read.")
    else:
        sys.exit("usage: python -m zorgteam.keys init")
