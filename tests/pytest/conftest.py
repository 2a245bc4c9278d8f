"""pytest-lsp tests of `sourced lsp`, run against the release binary with the recorded
client capabilities of real editors (Neovim, VS Code, Emacs)."""

import os
import pathlib
import shutil
import tempfile

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("SOURCED_BIN", str(REPO / "target" / "release" / "sourced"))

NOTE = """# Notes

The report says “An attack hit the headquarters of the Popular Mobilization Forces” on Thursday.

An altered number: “The 5,000 troops who remain the country a decade later are free to act”.

A fabricated one: “The Martian ambassador praised the excellent cheese of the lunar republic”.

Cited to the wrong source: “Iraqi Prime Minister Mustafa al-Kadhimi failed to achieve withdrawal” [@003_0afb694efec83e04].
"""


def make_workspace() -> pathlib.Path:
    """A workspace with the seeds as sources and one note."""
    ws = pathlib.Path(tempfile.mkdtemp(prefix="sourced-pytest-"))
    shutil.copytree(REPO / "seeds", ws / "seeds")
    (ws / "sourced.toml").write_text('sources = ["seeds"]\n', encoding="utf-8")
    (ws / "note.md").write_text(NOTE, encoding="utf-8")
    return ws
