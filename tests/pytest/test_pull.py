"""Pull diagnostics (LSP 3.17) as the real clients use them: VS Code (vscode-languageclient 9)
pulls each open note (`textDocument/diagnostic`) and the whole workspace
(`workspace/diagnostic`, with a partial result token) and takes refresh requests; Neovim 0.11
pulls each open note on opening and on every change, without refresh requests; Emacs' eglot
and VS Code 1.65 do not pull and get diagnostics pushed."""

import asyncio
import pathlib
import shutil
import tempfile

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import (
    CLIENTS,
    REPO,
    change_doc,
    index_ready,
    open_doc,
    position_in,
    pull,
    diagnostics_of,
    pulls,
    refreshes,
    session,
)

PULL_CLIENTS = [c for c in CLIENTS if c in ("neovim", "visual_studio_code_v1.100")]

MISMATCH = "The 5,000 troops who remain the country a decade later are free to act"
FIXED = "The 2,500 troops who remain the country a decade later are free to act"
OPEN_NOTE = f"""# Open

Verified: “An attack hit the headquarters of the Popular Mobilization Forces” on Thursday.

An altered number: “{MISMATCH}”.
"""
MARTIAN = "The Martian ambassador praised the excellent cheese of the lunar republic"
CLOSED_NOTE = f"""# Closed

A fabricated one: “{MARTIAN}”.
"""


def two_note_workspace() -> pathlib.Path:
    """The seeds as sources, open.md (to be opened: a verified and an altered quote) and
    closed.md (never opened: a fabricated quote)."""
    ws = pathlib.Path(tempfile.mkdtemp(prefix="sourced-pull-"))
    shutil.copytree(REPO / "seeds", ws / "seeds")
    (ws / "sourced.toml").write_text('sources = ["seeds"]\n', encoding="utf-8")
    (ws / "open.md").write_text(OPEN_NOTE, encoding="utf-8")
    (ws / "closed.md").write_text(CLOSED_NOTE, encoding="utf-8")
    return ws


def name(uri: str) -> str:
    return uri.rsplit("/", 1)[-1]


def codes(diags) -> list:
    return [d.code for d in diags]


@pytest.mark.parametrize("profile", PULL_CLIENTS)
async def test_a_note_is_pulled_and_unchanged_until_it_changes(profile):
    ws = two_note_workspace()
    uri = (ws / "open.md").as_uri()
    async with session(profile, [ws]) as client:
        assert pulls(client.caps)
        provider = client.init_result.capabilities.diagnostic_provider
        assert provider.identifier == "sourced"
        assert provider.inter_file_dependencies is True
        assert provider.workspace_diagnostics is True
        open_doc(client, uri, OPEN_NOTE)
        await index_ready(client)

        first = await pull(client, uri)
        assert first.kind == "full"
        assert codes(first.items) == ["mismatch"], first.items
        [mismatch] = first.items
        assert mismatch.severity == types.DiagnosticSeverity.Warning
        assert "2,500" in mismatch.message
        assert mismatch.range.start == position_in(OPEN_NOTE, "The 5,000", client)
        assert first.result_id

        # The client sends back what it holds: nothing changed, so the server says so.
        again = await pull(client, uri, previous=first.result_id)
        assert again.kind == "unchanged"
        assert again.result_id == first.result_id

        # An edit fixes the altered quote: a new report, without the warning.
        change_doc(client, uri, OPEN_NOTE.replace(MISMATCH, FIXED), version=2)
        fixed = await pull(client, uri, previous=first.result_id)
        assert fixed.kind == "full"
        assert list(fixed.items) == []
        assert fixed.result_id and fixed.result_id != first.result_id

        # A client that pulls gets nothing pushed.
        assert client.diagnostics == {}


async def test_the_workspace_report_covers_every_note_open_or_not():
    ws = two_note_workspace()
    open_uri = (ws / "open.md").as_uri()
    closed_uri = (ws / "closed.md").as_uri()
    async with session("visual_studio_code_v1.100", [ws]) as client:
        open_doc(client, open_uri, OPEN_NOTE)
        await index_ready(client)

        report = await client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(identifier="sourced", previous_result_ids=[])
        )
        items = sorted(report.items, key=lambda i: name(i.uri))
        assert [(name(i.uri), i.kind) for i in items] == [("closed.md", "full"), ("open.md", "full")]
        closed, opened = items
        assert codes(closed.items) == ["not-found"]
        assert closed.items[0].range.start == position_in(CLOSED_NOTE, "The Martian", client)
        assert closed.version is None  # read from disk
        assert codes(opened.items) == ["mismatch"]
        assert opened.version == 1  # the open text
        assert closed.result_id and opened.result_id

        # What the client holds is still current: every report is `unchanged`.
        held = [types.PreviousResultId(uri=i.uri, value=i.result_id) for i in items]
        second = await client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(identifier="sourced", previous_result_ids=held)
        )
        again = sorted(second.items, key=lambda i: name(i.uri))
        assert [(name(i.uri), i.kind, i.result_id) for i in again] == [
            ("closed.md", "unchanged", closed.result_id),
            ("open.md", "unchanged", opened.result_id),
        ]

        # VS Code sends a partial result token: the reports come as `$/progress`, the answer
        # is empty.
        token = "partial-1"
        final = await client.workspace_diagnostic_async(
            types.WorkspaceDiagnosticParams(
                identifier="sourced", previous_result_ids=held, partial_result_token=token
            )
        )
        assert list(final.items) == []
        partial = [item for value in client.partial_results.get(token, []) for item in value["items"]]
        assert sorted((name(i["uri"]), i["kind"]) for i in partial) == [
            ("closed.md", "unchanged"),
            ("open.md", "unchanged"),
        ]
        assert client.diagnostics == {}


async def test_a_note_opened_while_the_index_builds_is_reported_on_the_first_pull():
    """Neovim 0.11 pulls when a note opens and when it changes, and takes no refresh
    requests: the pull it sends on opening, while the index is still building, must bring the
    note's diagnostics, or the user sees none until the next edit."""
    ws = two_note_workspace()
    uri = (ws / "open.md").as_uri()
    async with session("neovim", [ws]) as client:
        assert not refreshes(client.caps)
        open_doc(client, uri, OPEN_NOTE)
        first = await pull(client, uri)
        assert first.kind == "full"
        assert codes(first.items) == ["mismatch"], first.items


async def test_a_client_that_takes_refreshes_pulls_again_once_the_index_is_ready():
    """VS Code pulls when a note opens; if the index is still building then, the server asks
    it to pull again (`workspace/diagnostic/refresh`) once the index is ready."""
    ws = two_note_workspace()
    uri = (ws / "open.md").as_uri()
    async with session("visual_studio_code_v1.100", [ws]) as client:
        assert refreshes(client.caps)
        open_doc(client, uri, OPEN_NOTE)
        first = await pull(client, uri)
        if codes(first.items) != ["mismatch"]:
            for _ in range(600):
                if client.diagnostic_refresh_count > 0:
                    break
                await asyncio.sleep(0.05)
            assert client.diagnostic_refresh_count > 0, f"first pull {first}, then no refresh"
            again = await pull(client, uri, previous=first.result_id)
            assert again.kind == "full"
            assert codes(again.items) == ["mismatch"], again.items


@pytest.mark.parametrize("profile", CLIENTS)
async def test_an_index_change_reaches_each_client_the_way_it_asks(profile):
    """A new source verifies the fabricated quote of a note. Pushed to the clients
    that do not pull; announced by `workspace/diagnostic/refresh` to those that take it;
    never announced to those that do not (they pull on their next change)."""
    ws = two_note_workspace()
    uri = (ws / "closed.md").as_uri()
    async with session(profile, [ws]) as client:
        open_doc(client, uri, CLOSED_NOTE)
        before = await diagnostics_of(client, uri, at_least=1)
        assert codes(before) == ["not-found"], before
        old_id = client.last_result_id
        refreshed = client.diagnostic_refresh_count

        source = ws / "seeds" / "martian.txt"
        source.write_text(f"At the summit, {MARTIAN}.\n", encoding="utf-8")
        client.workspace_did_change_watched_files(
            types.DidChangeWatchedFilesParams(
                changes=[types.FileEvent(uri=source.as_uri(), type=types.FileChangeType.Created)]
            )
        )
        for _ in range(600):
            if any(m.message.startswith("sources changed: 1 added") for m in client.log_messages):
                break
            await asyncio.sleep(0.05)
        else:
            raise AssertionError([m.message for m in client.log_messages])

        if pulls(client.caps):
            if refreshes(client.caps):
                for _ in range(200):
                    if client.diagnostic_refresh_count > refreshed:
                        break
                    await asyncio.sleep(0.05)
                assert client.diagnostic_refresh_count > refreshed, "no workspace/diagnostic/refresh"
            report = await pull(client, uri, previous=old_id)
            assert report.kind == "full"
            assert list(report.items) == []
            assert report.result_id != old_id
            assert client.diagnostics == {}, "diagnostics pushed to a client that pulls"
        else:
            after = []
            for _ in range(200):
                after = list(client.diagnostics.get(uri, []))
                if not after:
                    break
                await asyncio.sleep(0.05)
            assert after == [], "the new source did not clear the pushed error"
        if not refreshes(client.caps):
            assert client.diagnostic_refresh_count == 0, "refresh sent to a client without refreshSupport"
