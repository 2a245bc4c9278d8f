"""`sourced lsp` driven by pytest-lsp impersonating Neovim, VS Code and Emacs (see conftest
for the client profiles). Each client gets its diagnostics the way it asks for them: pulled
by the clients that pull, pushed to the others."""

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import (
    BIN,
    CLIENTS,
    NOTE,
    accept_server_requests,
    capabilities,
    diagnostics_of,
    index_ready,
    make_workspace,
    open_doc,
    position_in,
    pulls,
    takes_document_changes,
)

WS = make_workspace()
NOTE_URI = (WS / "note.md").as_uri()


@pytest_lsp.fixture(params=CLIENTS, config=ClientServerConfig(server_command=[BIN, "lsp", "--stdio"]))
async def client(request, lsp_client: LanguageClient):
    accept_server_requests(lsp_client)
    caps = capabilities(request.param)
    params = types.InitializeParams(
        capabilities=caps,
        root_uri=WS.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WS.as_uri(), name="ws")],
        initialization_options={"debounceMs": 20},
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.init_result = result
    lsp_client.caps = caps
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()


async def open_note(client: LanguageClient):
    """Open the note; its diagnostics once they cover every quote."""
    open_doc(client, NOTE_URI, NOTE)
    diags = await diagnostics_of(client, NOTE_URI, at_least=3)
    if pulls(client.caps):
        assert NOTE_URI not in client.diagnostics, "diagnostics pushed to a client that pulls"
    return diags


@pytest.mark.asyncio
async def test_position_encoding_is_negotiated(client: LanguageClient):
    offered = client.caps.general
    offered = (offered.position_encodings or []) if offered else []
    chosen = client.init_result.capabilities.position_encoding
    if types.PositionEncodingKind.Utf8 in offered:
        assert chosen == types.PositionEncodingKind.Utf8
    else:
        assert chosen in (None, types.PositionEncodingKind.Utf16)


@pytest.mark.asyncio
async def test_diagnostics_for_each_verdict(client: LanguageClient):
    diags = await open_note(client)
    by_code = {d.code: d for d in diags}
    assert set(by_code) >= {"not-found", "mismatch", "misattributed"}, diags
    assert by_code["not-found"].severity == types.DiagnosticSeverity.Error
    assert by_code["mismatch"].severity == types.DiagnosticSeverity.Warning
    assert "2,500" in by_code["mismatch"].message
    assert "002_d0918e3d7f8dfafe" in by_code["misattributed"].message
    assert all(d.source == "sourced" for d in diags)
    # The error sits on the fabricated quote, in the negotiated encoding.
    start = position_in(NOTE, "The Martian", client)
    assert by_code["not-found"].range.start == start


@pytest.mark.asyncio
async def test_hover_shows_source_and_verdict(client: LanguageClient):
    await open_note(client)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=NOTE_URI),
            position=position_in(NOTE, "headquarters", client),
        )
    )
    assert hover is not None
    text = hover.contents.value if hasattr(hover.contents, "value") else str(hover.contents)
    assert "verified" in text.lower()
    assert "Iraq Wants to Kick Out US Troops" in text


@pytest.mark.asyncio
async def test_definition_jumps_to_the_source_line(client: LanguageClient):
    await open_note(client)
    result = await client.text_document_definition_async(
        types.DefinitionParams(
            text_document=types.TextDocumentIdentifier(uri=NOTE_URI),
            position=position_in(NOTE, "headquarters", client),
        )
    )
    locations = result if isinstance(result, list) else [result]
    first = locations[0]
    uri = getattr(first, "uri", None) or first.target_uri
    rng = getattr(first, "range", None) or first.target_selection_range
    assert uri.endswith("seeds/003_0afb694efec83e04.txt")
    assert rng.start.line == 8


@pytest.mark.asyncio
async def test_quick_fix_replaces_the_altered_quote(client: LanguageClient):
    diags = await open_note(client)
    mismatch = next(d for d in diags if d.code == "mismatch")
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=NOTE_URI),
            range=mismatch.range,
            context=types.CodeActionContext(diagnostics=[mismatch]),
        )
    )
    replace = next(a for a in actions if "wording" in a.title)
    if takes_document_changes(client.caps):
        # Versioned: the client applies it only to the text it was made for.
        [change] = replace.edit.document_changes
        assert change.text_document.uri == NOTE_URI
        assert change.text_document.version == 1
        edits = change.edits
        assert replace.edit.changes is None
    else:
        edits = replace.edit.changes[NOTE_URI]
    assert any("2,500" in e.new_text for e in edits)


SPEAKER_NOTE = "# Who said it\n\nPat Ryder said “We condemn the attacks targeting our security forces” [@003_0afb694efec83e04].\n"
SPEAKER_URI = (WS / "speaker.md").as_uri()


@pytest.mark.asyncio
async def test_wrong_speaker_diagnostic_hover_and_fix(client: LanguageClient):
    """The words are Al Sudani's in the source (seeds/003, line 11): the note gives them to
    Pat Ryder. A warning with the source's attribution as related information, a hover that
    says who said it, and a fix that puts the source's speaker in place of the note's."""
    await index_ready(client)
    open_doc(client, SPEAKER_URI, SPEAKER_NOTE)
    for _ in range(100):
        diags = await diagnostics_of(client, SPEAKER_URI, at_least=1)
        if any(d.code == "wrong-speaker" for d in diags):
            break
        await asyncio.sleep(0.1)
    wrong = [d for d in diags if d.code == "wrong-speaker"]
    assert len(wrong) == 1, diags
    d = wrong[0]
    assert d.severity == types.DiagnosticSeverity.Warning
    assert d.message.startswith("the source attributes these words to ")
    assert ", not Pat Ryder" in d.message
    if d.related_information is not None:
        where = [r for r in d.related_information if r.message.startswith("the source attributes")]
        assert len(where) == 1
        assert where[0].location.uri.endswith("seeds/003_0afb694efec83e04.txt")
        assert where[0].location.range.start.line == 10
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=SPEAKER_URI),
            position=position_in(SPEAKER_NOTE, "We condemn", client),
        )
    )
    text = hover.contents.value if hasattr(hover.contents, "value") else str(hover.contents)
    assert "wrong speaker" in text
    assert "Said by **" in text
    actions = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=SPEAKER_URI),
            range=d.range,
            context=types.CodeActionContext(diagnostics=[d]),
        )
    )
    fix = next(a for a in actions if a.title.startswith("Attribute to "))
    if takes_document_changes(client.caps):
        [change] = fix.edit.document_changes
        edits = change.edits
    else:
        edits = fix.edit.changes[SPEAKER_URI]
    [edit] = edits
    assert edit.range.start == position_in(SPEAKER_NOTE, "Pat Ryder", client)
    assert "Sudani" in edit.new_text
