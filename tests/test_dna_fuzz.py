"""Damaged DNA files (reliability/mutants.py over the DNA fixtures): each is imported or refused
with one sentence, never a crash, and neither the file nor the output folder keeps a trace."""

from __future__ import annotations

from pathlib import Path

import pytest

from carebrowser.data.dna_file import DnaFileError
from carebrowser.data.dna_import import import_dna
from reliability.mutants import mutants, page_owners
from tests.dna_debate import write_debate

#: Mutants per DNA version in the test suite (`make reliability` is for the databases).
CASES = 40


@pytest.mark.slow
@pytest.mark.parametrize("major", [3, 2])
def test_damaged_dna_files_are_imported_or_refused_in_one_sentence(
    tmp_path: Path, major: int
) -> None:
    good = write_debate(tmp_path / "good.dna", major)
    original, owners = good.read_bytes(), page_owners(good)
    outcomes: dict[str, int] = {"imported": 0, "refused": 0}
    for mutant in mutants(original, owners, CASES, seed=major):
        case = tmp_path / mutant.name
        case.mkdir()
        dna = case / "damaged.dna"
        dna.write_bytes(mutant.data)
        out = case / "out" / "out.sqlite"
        out.parent.mkdir()
        try:
            import_dna(dna, out)
        except DnaFileError as error:
            said = str(error)
            assert said.startswith(f"{dna} ") and "\n" not in said, (mutant.name, said)
            assert list(out.parent.iterdir()) == [], mutant.name
            outcomes["refused"] += 1
        else:
            assert out.is_file(), mutant.name
            outcomes["imported"] += 1
        assert dna.read_bytes() == mutant.data, mutant.name
        assert sorted(p.name for p in case.iterdir()) == ["damaged.dna", "out"], mutant.name
    # both outcomes occur: damage in bytes the import does not read, and damage it meets
    assert outcomes["imported"] and outcomes["refused"], outcomes
