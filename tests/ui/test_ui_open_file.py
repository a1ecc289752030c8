"""A file given to the window (a double-click in a file manager): a database opens read-only; a
Discourse Network Analyzer file opens through its conversion, and one that cannot be read gets
one clear sentence, and the bundled dataset is offered."""

from __future__ import annotations

from pathlib import Path

from carebrowser.ui.app import open_archive
from tests.dna_debate import TEXTS, write_debate


def test_a_dna_file_opens_under_its_own_name(tmp_path: Path) -> None:
    dna = write_debate(tmp_path / "debate.dna", 3)
    before = dna.read_bytes()
    opened = open_archive(str(dna), None)
    assert not isinstance(opened, str)
    archive, info = opened
    assert info.label == str(dna)
    assert sorted(q.text for q in archive.quotes().rows) == sorted(TEXTS)
    archive.engine.dispose()
    assert dna.read_bytes() == before


def test_a_bad_dna_file_gets_one_sentence_and_the_bundled_dataset_is_offered(
    tmp_path: Path,
) -> None:
    dna = tmp_path / "debate.dna"
    dna.write_bytes(b"SQLite format 3\x00" + bytes(100))
    asked: list[str] = []
    refused = open_archive(str(dna), lambda error: asked.append(str(error)) is not None)
    assert refused == f"carebrowser: {asked[0]}"
    assert len(asked) == 1 and asked[0].startswith(f"{dna} is ")
    assert asked[0].endswith("copy it again from where it came from.")
    opened = open_archive(str(dna), lambda message: True)  # the person takes the bundled one
    assert not isinstance(opened, str)
    archive, info = opened
    assert info.bundled and archive.sources()
    archive.engine.dispose()
