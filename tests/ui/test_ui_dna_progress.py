"""A DNA file opened in the window is converted once, with a dialog saying so."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from carebrowser.data.dna_cache import needs_conversion
from carebrowser.ui.dna_progress import convert_with_progress
from tests.dna_debate import write_debate


def test_a_dna_file_is_converted_once_with_a_dialog(qtbot: QtBot, tmp_path: Path) -> None:
    dna = write_debate(tmp_path / "debate.dna", 3)
    before = dna.read_bytes()
    assert needs_conversion(str(dna))
    assert convert_with_progress(str(dna)) is True
    assert not needs_conversion(str(dna))  # the conversion is in the cache now
    assert convert_with_progress(str(dna)) is False  # and reused, without a dialog
    assert dna.read_bytes() == before


def test_a_bad_dna_file_is_left_to_the_opening_to_say(qtbot: QtBot, tmp_path: Path) -> None:
    bad = tmp_path / "bad.dna"
    bad.write_text("not a DNA file")
    assert convert_with_progress(str(bad)) is True
    assert needs_conversion(str(bad))  # nothing was cached
    assert convert_with_progress(None) is False and not needs_conversion(str(tmp_path))
