"""Multi-root workspaces: each workspace folder has its own sourced.toml, sources and index,
so the same quotation is verified in a note of one folder and not found in a note of the
other; folders added later get their own index."""

import pathlib
import shutil
import tempfile

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import CLIENTS, REPO, diagnostics_of, index_ready, open_doc, position_in, session, status

QUOTE = "The Pentagon’s global empire of bases has nothing to do national defense"
TEXT = f"# Note\n\nQuoted: “{QUOTE}”.\n"
S002 = "002_d0918e3d7f8dfafe.txt"
S002_TITLE = "Biden Regime Refuses to End Illegal US Occupation of Iraq"


def folder(prefix: str, sources: dict[str, str]) -> pathlib.Path:
    """A workspace folder whose sources are `sources` (file name: text)."""
    ws = pathlib.Path(tempfile.mkdtemp(prefix=f"sourced-{prefix}-"))
    (ws / "sources").mkdir()
    for name, text in sources.items():
        (ws / "sources" / name).write_text(text, encoding="utf-8")
    (ws / "sourced.toml").write_text('sources = ["sources"]\n', encoding="utf-8")
    return ws


def seeds(*names: str) -> dict[str, str]:
    return {n: (REPO / "seeds" / n).read_text(encoding="utf-8") for n in names}


async def hover_text(client: LanguageClient, uri: str) -> str:
    hover = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=position_in(TEXT, "global empire", client),
        )
    )
    assert hover is not None
    return hover.contents.value if hasattr(hover.contents, "value") else str(hover.contents)


@pytest.mark.parametrize("profile", CLIENTS)
async def test_each_folder_checks_against_its_own_sources(profile):
    all_seeds = [p.name for p in sorted((REPO / "seeds").iterdir())]
    a = folder("a", seeds(*all_seeds))
    b = folder("b", {"weather.txt": "An unrelated source about the weather in the mountains this spring.\n"})
    a_uri, b_uri = (a / "a.md").as_uri(), (b / "b.md").as_uri()
    for ws, name in ((a, "a.md"), (b, "b.md")):
        (ws / name).write_text(TEXT, encoding="utf-8")
    async with session(profile, [a, b]) as client:
        open_doc(client, a_uri, TEXT)
        open_doc(client, b_uri, TEXT)
        await index_ready(client)
        report = await status(client)
        assert [(f.root, f.sources) for f in report.folders] == [(str(a), len(all_seeds)), (str(b), 1)]
        # Each folder keeps its own index, in the folder.
        assert all(pathlib.Path(f.indexDir).is_relative_to(f.root) for f in report.folders), report

        # Verified against a's sources...
        a_hover = await hover_text(client, a_uri)
        assert "verified" in a_hover.lower(), a_hover
        assert S002_TITLE in a_hover
        assert await diagnostics_of(client, a_uri, at_least=0) == []
        # ...not found in b's.
        b_diags = await diagnostics_of(client, b_uri, at_least=1)
        assert [d.code for d in b_diags] == ["not-found"], b_diags
        assert b_diags[0].range.start == position_in(TEXT, "The Pentagon", client)
        assert "verified" not in (await hover_text(client, b_uri)).lower()

        # A folder added later, with the quoted source, gets its own index; b, with no note
        # open any more, goes away.
        client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=b_uri))
        )
        c = folder("c", seeds(S002))
        c_uri = (c / "c.md").as_uri()
        (c / "c.md").write_text(TEXT, encoding="utf-8")
        client.workspace_did_change_workspace_folders(
            types.DidChangeWorkspaceFoldersParams(
                event=types.WorkspaceFoldersChangeEvent(
                    added=[types.WorkspaceFolder(uri=c.as_uri(), name="c")],
                    removed=[types.WorkspaceFolder(uri=b.as_uri(), name="b")],
                )
            )
        )
        open_doc(client, c_uri, TEXT)
        await index_ready(client)
        report = await status(client)
        assert [(f.root, f.sources) for f in report.folders] == [(str(a), len(all_seeds)), (str(c), 1)]
        assert pathlib.Path(report.folders[1].indexDir).is_relative_to(c), report
        c_hover = await hover_text(client, c_uri)
        assert "verified" in c_hover.lower(), c_hover
        assert await diagnostics_of(client, c_uri, at_least=0) == []
