"""`sourced lsp` driven by pytest-lsp impersonating Neovim, VS Code and Emacs."""

import asyncio
import pathlib

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

from conftest import BIN, NOTE, make_workspace

CLIENTS = ["neovim", "visual_studio_code", "emacs"]
WS = make_workspace()
NOTE_URI = (WS / "note.md").as_uri()


@pytest_lsp.fixture(params=CLIENTS, config=ClientServerConfig(server_command=[BIN, "lsp", "--stdio"]))
async def client(request, lsp_client: LanguageClient):
    # Real editors accept dynamic registration (the server registers its file watchers).
    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        lsp_client.registrations = params.registrations
        return None

    # ...and refresh requests, where their capabilities say so.
    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params):
        return None

    params = types.InitializeParams(
        capabilities=client_capabilities(request.param),
        root_uri=WS.as_uri(),
        workspace_folders=[types.WorkspaceFolder(uri=WS.as_uri(), name="ws")],
        initialization_options={"debounceMs": 20},
    )
    result = await lsp_client.initialize_session(params)
    lsp_client.init_result = result
    lsp_client.client_name = request.param
    yield
    await lsp_client.shutdown_session()


async def open_note(client: LanguageClient, timeout: float = 30.0):
    """Open the note and wait until its diagnostics cover every quote."""
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=NOTE_URI, language_id="markdown", version=1, text=NOTE)
        )
    )
    for _ in range(int(timeout / 0.05)):
        if len(client.diagnostics.get(NOTE_URI, [])) >= 3:
            break
        await asyncio.sleep(0.05)
    return client.diagnostics.get(NOTE_URI, [])


def position_of(text: str, needle: str, client: LanguageClient) -> types.Position:
    """LSP position of `needle` in the note, in the negotiated encoding."""
    offset = NOTE.index(needle)
    line = NOTE.count("\n", 0, offset)
    col_text = NOTE[NOTE.rfind("\n", 0, offset) + 1 : offset]
    enc = client.init_result.capabilities.position_encoding or "utf-16"
    if enc == "utf-8":
        col = len(col_text.encode("utf-8"))
    else:
        col = len(col_text.encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


@pytest.mark.asyncio
async def test_position_encoding_is_negotiated(client: LanguageClient):
    offered = client_capabilities(client.client_name).general
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
    start = position_of(NOTE, "The Martian", client)
    assert by_code["not-found"].range.start == start


@pytest.mark.asyncio
async def test_hover_shows_source_and_verdict(client: LanguageClient):
    await open_note(client)
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=NOTE_URI),
            position=position_of(NOTE, "headquarters", client),
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
            position=position_of(NOTE, "headquarters", client),
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
    edits = replace.edit.changes[NOTE_URI]
    assert any("2,500" in e.new_text for e in edits)
