"""The Word briefing from the window: read and written off the GUI thread, with progress and
Cancel, from what each view has selected or shows."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot
from test_briefing import _check_quotes, read_back
from ui_helpers import LGA, MILBURN, proposal, stakeholder

from carebrowser.queries import Archive, Filters
from carebrowser.queries.briefing import BriefingRequest
from carebrowser.ui.briefing_requests import briefing_summary
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
    with qtbot.waitSignal(flow.finished, timeout=20_000) as done:
        flow.start(job, request.quotations(archive), "quotation")
    result = done.args[0]
    assert isinstance(result, ExportDone)
    assert result.path == target and result.format == "docx" and result.rows == 15
    found = read_back(target)
    _check_quotes(archive, filters, found)
    assert "Exported 15 quotations to" in window.statusBar().currentMessage()
    assert briefing_summary(request, 15) == (
        "A Word briefing of 15 quotations: 2 stakeholders on 3 proposals."
    )


def test_a_briefing_job_that_fails_leaves_no_file_and_says_so(
    qtbot: QtBot, window: MainWindow, archive: Archive, tmp_path: Path
) -> None:
    target = tmp_path / "missing folder" / "briefing.docx"
    request = BriefingRequest(lga_and_milburn(archive))
    job = ExportJob(BriefingReading(archive, request), target, "docx", lambda _ids: [])
    flow = window.exports
    with qtbot.waitSignal(flow.failed, timeout=20_000) as failed:
        flow.start(job, 15, "quotation")
    assert "its folder does not exist" in failed.args[0]
    assert not target.parent.exists()
