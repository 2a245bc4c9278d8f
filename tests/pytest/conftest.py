"""pytest-lsp tests of `sourced lsp`, run against the release binary with the recorded
client capabilities of real editors (Neovim, VS Code, Emacs).

Client profiles: pytest-lsp's own records (`neovim` is Neovim 0.11, which pulls diagnostics;
`visual_studio_code` is VS Code 1.65, which predates pull diagnostics; `emacs` is Emacs 29's
eglot, which does not pull) and ours in clients/: `visual_studio_code_v1.100` is what the
extension's client (vscode-languageclient 9.0.1 in VS Code 1.100, code-server 4.100.3) sends,
recorded from tests/vscode; it pulls document and workspace diagnostics and takes
`workspace/diagnostic/refresh`."""

import asyncio
import contextlib
import json
import pathlib
import os
import shutil
import tempfile

from lsprotocol import types
from lsprotocol.converters import get_converter
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("SOURCED_BIN", str(REPO / "target" / "release" / "sourced"))
RECORDED = pathlib.Path(__file__).resolve().parent / "clients"

# Every client profile the tests run with.
CLIENTS = ["neovim", "visual_studio_code", "visual_studio_code_v1.100", "emacs"]

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


def capabilities(name: str) -> types.ClientCapabilities:
    """The recorded capabilities of a client profile (ours in clients/, else pytest-lsp's)."""
    own = RECORDED / f"{name}.json"
    if own.exists():
        params = get_converter().structure(json.loads(own.read_text(encoding="utf-8")), types.InitializeParams)
        return params.capabilities
    return client_capabilities(name)


def pulls(caps: types.ClientCapabilities) -> bool:
    """Whether a client pulls diagnostics (and so gets none pushed)."""
    return caps.text_document is not None and caps.text_document.diagnostic is not None


def refreshes(caps: types.ClientCapabilities) -> bool:
    """Whether a client takes `workspace/diagnostic/refresh`."""
    ws = caps.workspace
    return bool(ws and ws.diagnostics and ws.diagnostics.refresh_support)


def takes_document_changes(caps: types.ClientCapabilities) -> bool:
    """Whether a client takes versioned `documentChanges` in workspace edits."""
    ws = caps.workspace
    return bool(ws and ws.workspace_edit and ws.workspace_edit.document_changes)


def accept_server_requests(client: LanguageClient) -> None:
    """What real editors answer: dynamic registration (the server registers its file
    watchers), refresh requests, `$/progress` with partial results (kept in
    `client.partial_results`, by token) besides work-done progress, and the server's
    `sourced/status` notifications (kept in `client.status_reports`)."""
    client.registrations = []
    client.partial_results = {}
    client.status_reports = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params):
        client.registrations = params.registrations
        return None

    @client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def inlay_refresh(params):
        return None

    @client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def code_lens_refresh(params):
        return None

    @client.feature("sourced/status")
    def on_status(params):
        client.status_reports.append(params)

    # pytest-lsp's own `$/progress` handler knows only work-done progress: replace it.
    client.protocol.fm.features.pop(types.PROGRESS, None)

    @client.feature(types.PROGRESS)
    def progress(params: types.ProgressParams):
        value = params.value
        kind = value.get("kind") if isinstance(value, dict) else getattr(value, "kind", None)
        if kind is None:
            # A partial result (here: of workspace/diagnostic).
            client.partial_results.setdefault(params.token, []).append(value)
            return
        client.progress_reports.setdefault(params.token, []).append(value)


@contextlib.asynccontextmanager
async def session(profile: str, folders: list[pathlib.Path], debounce_ms: int = 20):
    """`sourced lsp` initialized by a client with `profile`'s capabilities on `folders`;
    `client.caps`, `client.init_result` and `client.profile` say what was negotiated."""
    client = await ClientServerConfig(server_command=[BIN, "lsp", "--stdio"]).start()
    accept_server_requests(client)
    caps = capabilities(profile)
    params = types.InitializeParams(
        capabilities=caps,
        root_uri=folders[0].as_uri() if folders else None,
        workspace_folders=[types.WorkspaceFolder(uri=f.as_uri(), name=f.name) for f in folders],
        initialization_options={"debounceMs": debounce_ms},
    )
    client.init_result = await client.initialize_session(params)
    client.caps = caps
    client.profile = profile
    try:
        yield client
    finally:
        await client.shutdown_session()
        await client.stop()


async def status(client: LanguageClient):
    """The server's `sourced/status` report."""
    return await client.protocol.send_request_async("sourced/status", None)


async def index_ready(client: LanguageClient, timeout: float = 60.0) -> None:
    """Wait until every folder's index is ready (`sourced/status`)."""
    last = None
    for _ in range(int(timeout / 0.05)):
        last = await status(client)
        if last.state == "ready":
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"the index is not ready after {timeout} s: {last}")


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> None:
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=uri, language_id="markdown", version=version, text=text)
        )
    )


async def pull(client: LanguageClient, uri: str, previous: str | None = None):
    """`textDocument/diagnostic` for `uri`."""
    return await client.text_document_diagnostic_async(
        types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            identifier="sourced",
            previous_result_id=previous,
        )
    )


async def pushed(client: LanguageClient, uri: str, at_least: int, timeout: float = 30.0):
    """The diagnostics last pushed for `uri`, once some were pushed and there are `at_least`
    of them (what was pushed last when the time is up)."""
    for _ in range(int(timeout / 0.05)):
        if uri in client.diagnostics and len(client.diagnostics[uri]) >= at_least:
            break
        await asyncio.sleep(0.05)
    return list(client.diagnostics.get(uri, []))


async def diagnostics_of(client: LanguageClient, uri: str, at_least: int):
    """A note's diagnostics the way the client gets them: pulled (once the index is ready,
    as after the server's refresh) by a pull client, which keeps the report's `resultId` in
    `client.last_result_id`; pushed to the others."""
    client.last_result_id = None
    if pulls(client.caps):
        await index_ready(client)
        report = await pull(client, uri)
        assert report.kind == "full", report
        client.last_result_id = report.result_id
        return list(report.items)
    return await pushed(client, uri, at_least)


def position_in(text: str, needle: str, client: LanguageClient) -> types.Position:
    """LSP position of the first `needle` in `text`, in the negotiated encoding."""
    offset = text.index(needle)
    line = text.count("\n", 0, offset)
    col_text = text[text.rfind("\n", 0, offset) + 1 : offset]
    enc = client.init_result.capabilities.position_encoding or "utf-16"
    if enc == "utf-8":
        col = len(col_text.encode("utf-8"))
    else:
        col = len(col_text.encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def change_doc(client: LanguageClient, uri: str, text: str, version: int) -> None:
    """Replace a document's whole text."""
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
