"""A start without configuration, as each real client profile sees it: a folder with only a
note (no sourced.toml, no seeds/). No quotation is reported as not found; the note gets one
information diagnostic (`no-sources`) on its first quotation, and the status is
`no-sources`."""

import asyncio
import pathlib
import tempfile

import pytest
from lsprotocol import types

from conftest import CLIENTS, open_doc, position_in, pull, pulls, pushed, session, status

QUOTE = "The Martian ambassador praised the excellent cheese of the lunar republic"
NOTE = f"# Notes\n\nA fabricated one: “{QUOTE}”.\n"


async def no_sources_status(client, timeout: float = 60.0):
    """The status once the index is open (`no-sources` expected)."""
    last = None
    for _ in range(int(timeout / 0.05)):
        last = await status(client)
        if last.state not in ("waiting", "building"):
            return last
        await asyncio.sleep(0.05)
    raise AssertionError(f"the index did not open in {timeout} s: {last}")


@pytest.mark.parametrize("profile", CLIENTS)
async def test_a_folder_with_only_a_note_says_no_sources_once(profile):
    ws = pathlib.Path(tempfile.mkdtemp(prefix="sourced-nosources-"))
    (ws / "note.md").write_text(NOTE, encoding="utf-8")
    uri = (ws / "note.md").as_uri()
    async with session(profile, [ws]) as client:
        open_doc(client, uri, NOTE)
        report = await no_sources_status(client)
        assert report.state == "no-sources", report
        assert report.message == "no sources configured"
        assert report.sources == 0
        if pulls(client.caps):
            pulled = await pull(client, uri)
            diags = list(pulled.items)
        else:
            diags = await pushed(client, uri, at_least=1)
        assert [d.code for d in diags] == ["no-sources"], diags
        [d] = diags
        assert d.severity == types.DiagnosticSeverity.Information
        assert d.message.startswith("no sources configured: quotations are not checked")
        assert d.range.start == position_in(NOTE, QUOTE, client)

        # (Its code action, "Create sourced.toml…", is checked in tests/lsp_nosources.rs:
        # lsprotocol reads a code action that carries only a command as a Command.)
