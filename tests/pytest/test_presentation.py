"""Code lenses and document links as VS Code (the extension's client, recorded in clients/)
asks for them: a lens above each quotation with its verdict and the source's title, whose
command makes the server ask VS Code to show the source at the passage; a link on each
`[@key]` to the source's file, the title as tooltip."""

import pytest
from lsprotocol import types

from conftest import index_ready, make_workspace, open_doc, position_in, session

PROFILE = "visual_studio_code_v1.100"
S003 = "003_0afb694efec83e04"
S000 = "000_3ed32749fd57da32"
TEXT = f"""# Lenses

Verified: “An attack hit the headquarters of the Popular Mobilization Forces” [@{S003}].

Altered: “The 5,000 troops who remain the country a decade later are free to act” [@{S003}].

Invented: “The Martian ambassador praised the excellent cheese of the lunar republic” [@{S000}].
"""


@pytest.mark.asyncio
async def test_code_lenses_and_document_links_for_vs_code():
    ws = make_workspace()
    uri = (ws / "lenses.md").as_uri()
    async with session(PROFILE, [ws]) as client:
        assert client.init_result.capabilities.code_lens_provider is not None
        assert client.init_result.capabilities.document_link_provider is not None
        # pytest-lsp's client, as VS Code does, shows documents it is asked to (and keeps them).
        shown = client.shown_documents
        await index_ready(client)
        open_doc(client, uri, TEXT)
        doc = types.TextDocumentIdentifier(uri=uri)
        lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc))
        titles = [lens.command.title for lens in lenses]
        assert titles == [
            "✓ verified · Iraq Wants to Kick Out US Troops",
            "≠ differs · Iraq Wants to Kick Out US Troops",
            "✗ not found",
        ], titles
        # Each lens starts where its quotation does.
        for lens, words in zip(lenses, ["An attack", "The 5,000", "The Martian"]):
            assert lens.range.start == position_in(TEXT, words, client), lens
        # The altered quote's lens opens the source at line 15.
        command = lenses[1].command
        assert command.command == "sourced.showSource"
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=command.command, arguments=command.arguments)
        )
        assert result == {"shown": True}, result
        assert len(shown) == 1, shown
        assert shown[0].uri == (ws / "seeds" / f"{S003}.txt").as_uri()
        assert shown[0].selection.start.line == 14
        assert shown[0].take_focus is True

        links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc))
        got = [(link.range.start, link.target, link.tooltip) for link in links]
        iraq = ((ws / "seeds" / f"{S003}.txt").as_uri(), "“Iraq Wants to Kick Out US Troops”")
        cartalucci = (
            (ws / "seeds" / f"{S000}.txt").as_uri(),
            "“US Kills Iraqis for Demanding End of Illegal Occupation” — Tony Cartalucci, March 17, 2020",
        )
        keys = [TEXT.index(f"@{S003}]"), TEXT.index(f"@{S003}]", TEXT.index("5,000")), TEXT.index(f"@{S000}]")]
        want = []
        for at, (target, tooltip) in zip(keys, [iraq, iraq, cartalucci]):
            start = position_in(TEXT[: at + 1] + "\0", "\0", client)
            want.append((start, target, tooltip))
        assert got == want, got
