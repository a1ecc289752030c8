"""The Word briefing from the window: read and written off the GUI thread, with progress and
Cancel, from what each view has selected or shows."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from test_briefing import _check_quotes, cited_count, read_back
from test_ui_browse import click
from test_ui_export import CTRL, activate, ctrl_e, enter, select_cells
from ui_helpers import LGA, MILBURN, proposal, settle, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.queries.briefing import BriefingRequest
from carebrowser.ui.briefing_requests import briefing_summary
from carebrowser.ui.export_dialog import ExportDialog
from carebrowser.ui.export_worker import BriefingReading, ExportDone, ExportJob
from carebrowser.ui.main_window import MainWindow

PROPOSALS = ("children's trusts", "care trusts", "fines for delayed discharge")


def lga_and_milburn(archive: Archive) -> Filters:
    """The LGA and Alan Milburn on children's trusts, care trusts and fines."""
    return Filters(
        stakeholders=frozenset(stakeholder(archive, n).id for n in (LGA, MILBURN)),
        proposals=frozenset(proposal(archive, words).id for words in PROPOSALS),
    )


def test_the_worker_reads_and_writes_a_briefing(
    qtbot: QtBot, window: MainWindow, archive: Archive, tmp_path: Path
) -> None:
    filters = lga_and_milburn(archive)
    request = BriefingRequest(filters)
    target = tmp_path / "briefing.docx"
    job = ExportJob(
        BriefingReading(archive, request, "the bundled dataset"), target, "docx", lambda _ids: []
    )
    flow = window.exports
    with qtbot.waitSignal(flow.finished) as done:
        flow.start(job, request.quotations(archive), "quotation")
    result = done.args[0]
    assert isinstance(result, ExportDone)
    count = cited_count(archive, filters)
    assert result.path == target and result.format == "docx" and result.rows == count
    found = read_back(target)
    _check_quotes(archive, filters, found)
    assert f"Exported {count} quotations to" in window.statusBar().currentMessage()
    assert briefing_summary(request, count) == (
        f"A Word briefing of {count} quotations: 2 stakeholders on 3 proposals."
    )


def test_a_briefing_job_that_fails_leaves_no_file_and_says_so(
    qtbot: QtBot, window: MainWindow, archive: Archive, tmp_path: Path
) -> None:
    target = tmp_path / "missing folder" / "briefing.docx"
    request = BriefingRequest(lga_and_milburn(archive))
    job = ExportJob(BriefingReading(archive, request), target, "docx", lambda _ids: [])
    flow = window.exports
    with qtbot.waitSignal(flow.failed) as failed:
        flow.start(job, 15, "quotation")
    assert "its folder does not exist" in failed.args[0]
    assert not target.parent.exists()


# -- the whole task: two actions from a selection ----------------------------------------------


def choose_briefing(qtbot: QtBot, dialog: ExportDialog) -> None:
    qtbot.mouseClick(dialog.format_buttons["docx"], Qt.MouseButton.LeftButton)
    assert dialog.export_format() == "docx"


def test_the_lga_and_milburn_on_three_proposals_in_two_actions(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    window.set_view("matrix")
    settle(qtbot)  # the matrix is read off the GUI thread
    chosen = lga_and_milburn(archive)
    select_cells(qtbot, window, [(s, p) for s in chosen.stakeholders for p in chosen.proposals])

    count = cited_count(archive, chosen)
    dialog = ctrl_e(window)
    choose_briefing(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.counting())  # counted off the GUI thread
    assert dialog.summary.text() == (
        f"A Word briefing of {count} quotations: 2 stakeholders on 3 proposals."
    )
    assert dialog.layout_box.isHidden()
    assert dialog.path_edit.text().startswith("carebrowser briefing ")
    assert dialog.path_edit.text().endswith(".docx")
    done = enter(qtbot, window, dialog)

    assert done.path.parent == documents and done.path.suffix == ".docx" and done.rows == count
    assert opened == [done.path]
    found = read_back(done.path)
    _check_quotes(archive, chosen, found)
    assert len(found.quotes) == count
    text = "\n".join(p.text for p in found.paragraphs)
    assert "Dataset: the bundled dataset, schema " in text

    # The format is remembered: next time it is Ctrl+E, Enter.
    dialog = ctrl_e(window)
    assert dialog.export_format() == "docx"
    again = enter(qtbot, window, dialog)
    assert again.path != done.path and again.rows == count


def test_the_comparison_briefs_its_selected_proposals(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    lga, milburn = stakeholder(archive, LGA), stakeholder(archive, MILBURN)
    window.compare_stakeholders([lga.id, milburn.id])
    settle(qtbot)  # the comparison is read off the GUI thread
    panel = window.compare
    rows = [panel.model.comparison_row(r) for r in range(panel.model.rowCount())]
    wanted = lga_and_milburn(archive).proposals
    picked = [r for r, row in enumerate(rows) if row.proposal.id in wanted]
    assert len(picked) == 3
    for number, row in enumerate(picked):
        click(qtbot, panel.table, panel.model.index(row, 0), CTRL if number else None)
    panel.table.setFocus()
    dialog = ctrl_e(window)
    choose_briefing(qtbot, dialog)
    done = enter(qtbot, window, dialog)
    _check_quotes(archive, lga_and_milburn(archive), read_back(done.path))

    # Nothing selected: every proposal the comparison shows.
    panel.table.clearSelection()
    dialog = ctrl_e(window)
    assert dialog.export_format() == "docx"
    everything = enter(qtbot, window, dialog)
    filters = Filters(stakeholders=frozenset({lga.id, milburn.id}))
    found = read_back(everything.path)
    _check_quotes(archive, filters, found)
    assert (
        everything.rows
        == archive.briefing_quotations(filters)
        > cited_count(archive, lga_and_milburn(archive))
    )


def test_the_statement_list_briefs_the_selected_statements(
    qtbot: QtBot, window: MainWindow, archive: Archive, documents: Path, opened: list[Path]
) -> None:
    activate(qtbot, window)
    window.set_view("stakeholders")
    lga = stakeholder(archive, LGA)
    window.stakeholders.select([lga.id])
    panel = window.statements
    qtbot.waitUntil(lambda: panel.model.rowCount() > 2)
    click(qtbot, panel.table, panel.model.index(0, 0))
    click(qtbot, panel.table, panel.model.index(2, 0), CTRL)
    chosen = panel.model.quotes([0, 2])
    dialog = ctrl_e(window)
    choose_briefing(qtbot, dialog)
    done = enter(qtbot, window, dialog)
    found = read_back(done.path)
    assert {q.text for q in found.quotes} == {q.text for q in chosen}


def test_the_source_reader_offers_no_briefing(qtbot: QtBot, window: MainWindow) -> None:
    activate(qtbot, window)
    window.set_view("source")
    dialog = ctrl_e(window)
    assert not dialog.format_buttons["docx"].isEnabled()
    dialog.reject()
