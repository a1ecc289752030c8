"""A file given to the window (a double-click in a file manager): a database opens read-only; a
Discourse Network Analyzer file gets one clear sentence, and the bundled dataset is offered."""

from __future__ import annotations

from pathlib import Path

from carebrowser.ui.app import open_archive


def test_a_dna_file_gets_one_sentence_and_the_bundled_dataset_is_offered(tmp_path: Path) -> None:
    dna = tmp_path / "debate.dna"
    dna.write_bytes(b"SQLite format 3\x00" + bytes(100))
    asked: list[str] = []
    refused = open_archive(str(dna), lambda error: asked.append(str(error)) is not None)
    assert refused == f"carebrowser: {asked[0]}"
    assert asked == [
        f"{dna} is a Discourse Network Analyzer file, which this version of carebrowser cannot "
        "open yet: open a carebrowser database, or the bundled dataset, instead."
    ]
    opened = open_archive(str(dna), lambda message: True)  # the person takes the bundled one
    assert not isinstance(opened, str)
    archive, info = opened
    assert info.bundled and archive.sources()
    archive.engine.dispose()
