"""The timeline view: marks in time order by keyboard, a change of position flagged, the table
twin, zoom, a dragged date range, counts when zoomed out, and the picture saved."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot
from timeline_fixture import build_changed_database
from ui_helpers import settle, shown

from carebrowser.analysis import timeline_picture
from carebrowser.data.database import open_database
from carebrowser.export.timeline import TIMELINE_COLUMNS
from carebrowser.queries import Archive, Filters, ProposalRow
from carebrowser.queries.timeline import StanceMark
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.timeline import TimelinePanel

CHANGED = "changed: concerns in 2001, opposes in 2002"


@pytest.fixture(scope="module")
def changed_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    path = build_changed_database(tmp_path_factory.mktemp("changed-ui"))
    engine, _info = open_database(path)
    yield Archive(engine)
    engine.dispose()


def _panel(qtbot: QtBot, archive: Archive) -> TimelinePanel:
    """The timeline alone over *archive*, shown, its first reads answered (off the GUI thread)."""
    return shown(qtbot, TimelinePanel(archive), (1100, 600))


def test_a_change_of_position_is_flagged_in_the_picture_and_the_table(
    qtbot: QtBot, changed_archive: Archive
) -> None:
    panel = _panel(qtbot, changed_archive)
    assert "1 change of position" in panel.heading_text()
    canvas = panel.canvas
    rows = [row.label for row in panel.picture.rows]
    lga = rows.index("Local Government Association")
    label = QPointF(10, canvas.row_top(lga) + canvas.row_height / 3)
    assert "Care trusts: " + CHANGED in canvas.tooltip_at(label)
    milburn = rows.index("Alan Milburn")
    assert CHANGED not in canvas.tooltip_at(QPointF(10, canvas.row_top(milburn) + 5))
    # The flag on the time axis, where the later stance starts (12 Jun 2002).
    flags = canvas._change_points(canvas.scale())
    assert [words for _rect, words in flags] == [CHANGED]
    assert abs(flags[0][0].center().x() - canvas.scale().x(dt.date(2002, 6, 12))) < 1
    changed_column = [panel.model.index(row, 4).data() for row in range(panel.model.rowCount())]
    assert changed_column.count(CHANGED) == 2  # both of the LGA's marks
    # Rows per proposal: the flag moves to the proposal's row, naming the stakeholder.
    panel.set_axis("proposal")
    settle(qtbot)
    assert [row.label for row in panel.picture.rows] == ["Care trusts"]
    assert panel.picture.change_notes == {
        panel.picture.rows[0].id: ["Local Government Association: " + CHANGED]
    }


def test_the_keyboard_reaches_every_mark_in_time_order_and_enter_opens_it(
    qtbot: QtBot, changed_archive: Archive
) -> None:
    panel = TimelinePanel(changed_archive)
    qtbot.addWidget(panel)
    chosen: list[StanceMark] = []
    panel.mark_selected.connect(chosen.append)
    panel.resize(1100, 600)
    panel.show()
    qtbot.waitExposed(panel)
    settle(qtbot)  # the timeline is read off the GUI thread
    panel.focus_table()
    assert panel.focusWidget() is panel.canvas
    for _ in range(5):
        qtbot.keyClick(panel.canvas, Qt.Key.Key_Right)
    quotes = [mark.quote_id for mark in chosen]
    # The first mark is chosen when the timeline is read; Right stops at the last.
    assert quotes[0] == "lga-2001" and quotes[-1] == "milburn-2002"
    assert sorted(set(quotes), key=quotes.index) == [
        "lga-2001",
        "milburn-2001",
        "lga-2002",
        "milburn-2002",
    ]
    assert [m.date_from for m in chosen] == sorted(m.date_from for m in chosen)
    # The table follows the picture.
    assert panel.table.currentIndex().row() == panel.canvas.current == 3
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Down)  # to the LGA's row, nearest in time
    assert panel.current_mark() is not None
    assert panel.current_mark().quote_id == "lga-2002"  # type: ignore[union-attr]
    with qtbot.waitSignal(panel.open_statement) as opened:
        qtbot.keyClick(panel.canvas, Qt.Key.Key_Return)
    mark = panel.current_mark()
    assert mark is not None and opened.args == [mark.source_id, mark.statement_id]
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Home)
    assert panel.current_mark().quote_id == "lga-2001"  # type: ignore[union-attr]


def test_tab_goes_along_the_controls_as_laid_out_then_into_the_picture(
    qtbot: QtBot, changed_archive: Archive
) -> None:
    panel = _panel(qtbot, changed_archive)
    panel.axis_box.setFocus()
    walked = []
    for _ in range(8):
        walked.append(panel.focusWidget())
        qtbot.keyClick(panel.focusWidget(), Qt.Key.Key_Tab)
    assert walked == [
        panel.axis_box,
        panel.zoom_in_button,
        panel.zoom_out_button,
        panel.whole_button,
        panel.filter_button,
        panel.picture_button,
        panel.table_box,
        panel.canvas,
    ]


def test_choosing_a_table_row_chooses_the_mark(qtbot: QtBot, changed_archive: Archive) -> None:
    panel = _panel(qtbot, changed_archive)
    panel.table_box.setChecked(True)
    assert panel.pages.currentWidget() is panel.table
    with qtbot.waitSignal(panel.mark_selected) as chosen:
        panel.table.setCurrentIndex(panel.model.index(2, 0))
    assert chosen.args[0].quote_id == "lga-2002"
    assert panel.canvas.current == 2
    assert panel.model.index(2, 3).data() == "\u2718 opposes"


def test_the_table_model_is_a_sound_model(
    qtbot: QtBot, changed_archive: Archive, qtmodeltester: object
) -> None:
    panel = _panel(qtbot, changed_archive)
    qtmodeltester.check(panel.model)  # type: ignore[attr-defined]


def test_zoom_and_the_whole_period(qtbot: QtBot, changed_archive: Archive) -> None:
    panel = _panel(qtbot, changed_archive)
    whole = panel.picture.window
    assert whole[0] <= dt.date(2001, 3, 1) and whole[1] >= dt.date(2002, 6, 12)
    panel.canvas.choose(2)  # the LGA in June 2002
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Plus)
    settle(qtbot)
    qtbot.keyClick(panel.canvas, Qt.Key.Key_Plus)
    settle(qtbot)
    first, last = panel.picture.window
    assert (last - first) < (whole[1] - whole[0]) / 3
    assert first <= dt.date(2002, 6, 12) <= last
    # Only what overlaps the window is drawn; the current mark is still current.
    assert {m.quote_id for m in panel.picture.marks or []} == {"lga-2002", "milburn-2002"}
    assert panel.current_mark().quote_id == "lga-2002"  # type: ignore[union-attr]
    qtbot.keyClick(panel.canvas, Qt.Key.Key_0)
    settle(qtbot)
    assert panel.picture.window == whole


def test_a_range_dragged_on_the_time_axis_becomes_the_date_filter(
    qtbot: QtBot, changed_archive: Archive
) -> None:
    panel = _panel(qtbot, changed_archive)
    canvas = panel.canvas
    scale = canvas.scale()
    left, right = scale.x(dt.date(2001, 6, 1)), scale.x(dt.date(2002, 3, 1))
    y = int(canvas.axis_height / 2)
    with qtbot.waitSignal(panel.date_range_chosen) as chosen:
        qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(left) + 1, y))
        qtbot.mouseMove(canvas.viewport(), QPoint(int(right), y))
        qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(int(right), y))
    first, last = chosen.args
    assert dt.date(2001, 5, 25) <= first <= dt.date(2001, 6, 5)
    assert dt.date(2002, 2, 25) <= last <= dt.date(2002, 3, 5)
    # The filter followed: one period, no change of position; the heading says the period.
    panel.set_filters(Filters(date_from=dt.date(2002, 1, 1), date_to=dt.date(2002, 12, 31)))
    settle(qtbot)
    assert panel.picture.changes == {}
    assert "2002" in panel.heading_text() and "change" not in panel.heading_text()
    assert {m.quote_id for m in panel.picture.marks or []} == {"lga-2002", "milburn-2002"}


def test_zoomed_out_past_what_can_be_drawn_the_stances_are_counted(
    qtbot: QtBot, changed_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(timeline_picture, "MARK_LIMIT", 3)
    panel = _panel(qtbot, changed_archive)
    picture = panel.picture
    assert picture.marks is None and picture.months == 1
    assert sum(cell.total for cell in picture.cells) == 4
    assert "counted per month" in panel.status_text()
    cell = picture.cells[0]
    assert panel.model.index(0, 2).data() == "1 ! concerns"
    with qtbot.waitSignal(panel.cell_selected) as chosen:
        panel.canvas.choose(0)
    filters, heading = chosen.args
    assert filters.date_from == cell.first and filters.date_to == cell.last
    assert filters.stakeholders == {cell.row_id} and heading.startswith("Statements of ")


def test_the_picture_is_saved_as_png_and_svg(
    qtbot: QtBot, changed_archive: Archive, tmp_path: Path
) -> None:
    panel = _panel(qtbot, changed_archive)
    png = panel.save_picture(tmp_path / "timeline.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() >= 1000
    svg = panel.save_picture(tmp_path / "timeline.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and "Alan Milburn" in svg and "Councils wary of care trusts" in svg
    assert panel.heading_text() in svg


def test_the_bundled_lga_and_milburn_between_2001_and_2002(qtbot: QtBot, archive: Archive) -> None:
    panel = _panel(qtbot, archive)
    ids = archive.find_stakeholders(["Local Government Association", "Alan Milburn"])
    panel.set_filters(Filters(stakeholders=ids))
    settle(qtbot)
    assert {row.label for row in panel.picture.rows} == {
        "Local Government Association",
        "Alan Milburn",
    }
    years = {(m.stakeholder, m.date_from.year) for m in panel.picture.marks or []}
    assert years == {
        ("Local Government Association", 2001),
        ("Local Government Association", 2002),
        ("Alan Milburn", 2001),
        ("Alan Milburn", 2002),
    }
    assert panel.picture.changes == {}


def test_the_matrix_flags_the_change_of_position_in_its_cell(
    qtbot: QtBot, changed_archive: Archive
) -> None:
    from carebrowser.ui.matrix_panel import MatrixPanel

    matrix = MatrixPanel(changed_archive)
    qtbot.addWidget(matrix)
    matrix.show()
    qtbot.waitExposed(matrix)
    settle(qtbot)  # the matrix is read off the GUI thread
    lga = changed_archive.find_stakeholders(["LGA"])
    care_trusts = changed_archive.find_proposals(["Care trusts"])
    ((lga_id,), (proposal_id,)) = (tuple(lga), tuple(care_trusts))
    cell = matrix.model.index_of(lga_id, proposal_id)
    assert cell.data() == "\u2718 opposes (2) \u21c4"
    assert CHANGED in cell.data(Qt.ItemDataRole.ToolTipRole)
    assert CHANGED in cell.data(Qt.ItemDataRole.AccessibleTextRole)
    milburn = next(iter(changed_archive.find_stakeholders(["Alan Milburn"])))
    assert "\u21c4" not in matrix.model.index_of(milburn, proposal_id).data()
    # As of 2002 alone, no change shows.
    matrix.set_filters(Filters(date_from=dt.date(2002, 1, 1), date_to=dt.date(2002, 12, 31)))
    settle(qtbot)  # shown, the matrix is read off the GUI thread
    assert matrix.model.index_of(lga_id, proposal_id).data() == "\u2718 opposes (2)"


# -- in the window ----------------------------------------------------------------------------


def test_ctrl_6_answers_how_the_lga_and_milburn_moved_with_the_words_one_key_away(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    from PySide6.QtTest import QTest

    ids = archive.find_stakeholders(["Local Government Association", "Alan Milburn"])
    window.select_stakeholders(sorted(ids))
    QTest.keyClick(window, Qt.Key.Key_6, Qt.KeyboardModifier.ControlModifier)
    settle(qtbot)
    view = window.view(window.current_view())
    panel = view.timeline  # type: ignore[attr-defined]
    assert window.current_view() == 5 and isinstance(panel, TimelinePanel)
    assert panel.heading_text() == "Timeline of 2 stakeholders, all dates"
    assert panel.canvas.hasFocus() or window.focusWidget() is panel.canvas
    # The first mark is chosen and its words are below; Right goes on in time order.
    statement = view.statement  # type: ignore[attr-defined]
    first = panel.current_mark()
    assert first is not None and first.stakeholder == "Local Government Association"
    assert statement.model.rowCount() == 1
    assert statement.model.quote(0).id == first.statement_id
    assert statement.heading.text().endswith(
        "Local Government Association on Care trusts: concerns, c. Apr 2001 (inferred)"
    )
    QTest.keyClick(panel.canvas, Qt.Key.Key_End)
    settle(qtbot)  # its statement is read off the GUI thread
    last = panel.current_mark()
    assert last is not None and last.date_from >= first.date_from
    assert statement.model.quote(0).id == last.statement_id
    # Enter reads it in its source.
    QTest.keyClick(panel.canvas, Qt.Key.Key_Return)
    assert window.current_view() == 3
    qtbot.waitUntil(lambda: window.reader.place() == (last.source_id, last.statement_id))
    # Its text is read off the GUI thread: the source shown before stays until it comes.
    qtbot.waitUntil(lambda: _shown_source(window) == last.source_id)


def test_a_range_dragged_becomes_every_views_date_filter(qtbot: QtBot, window: MainWindow) -> None:
    window.set_view("timeline")
    settle(qtbot)
    panel = window.view(5).timeline  # type: ignore[attr-defined]
    panel.date_range_chosen.emit(dt.date(2002, 1, 1), dt.date(2002, 12, 31))
    settle(qtbot)
    filters = window.filter_bar.filters()
    assert (filters.date_from, filters.date_to) == (dt.date(2002, 1, 1), dt.date(2002, 12, 31))
    assert "2002" in panel.heading_text()
    assert {m.date_from.year for m in panel.picture.marks or []} == {2002}
    # The other views follow: the matrix's positions rest on evidence of 2002.
    window.set_view("matrix")
    settle(qtbot)
    assert window.matrix.filters.date_from == dt.date(2002, 1, 1)
    # Every heading says the period.
    assert window.matrix.heading.text() == "Proposal matrix, as of 2002"
    assert window.statements.heading.text() == "All statements, 2002"
    subject = window.matrix.export_subject(window.filter_bar.filters())
    assert subject.origin == "Proposal matrix, as of 2002"
    # The coalition map is that of the positions with evidence of 2002, and says so.
    window.set_view("network")
    network = window.view(4).network  # type: ignore[attr-defined]
    assert network.filters.date_from == dt.date(2002, 1, 1)
    assert network.heading.text() == "Who stands with whom, as of 2002"
    window.filter_bar.clear()
    assert window.filter_bar.filters().date_from is None


def test_ctrl_e_in_the_timeline_exports_its_stances(qtbot: QtBot, window: MainWindow) -> None:
    window.set_view("timeline")
    settle(qtbot)
    panel = window.view(5).timeline  # type: ignore[attr-defined]
    panel.canvas.current = -1
    subject = panel.export_subject(window.filter_bar.filters())
    assert not subject.selected and subject.origin.startswith("Timeline of ")
    (shape,) = subject.shapes
    assert shape.count() == panel.stance_count() > 100
    table = shape.table()
    assert table.header[:7] == (
        "date", "precision", "from", "until", "stakeholder", "proposal", "stance",
    )  # fmt: skip
    panel.canvas.choose(0)
    chosen = panel.export_subject(window.filter_bar.filters())
    assert chosen.selected and chosen.shapes[0].count() == 1
    (row,) = list(chosen.shapes[0].table().rows)
    assert row[9] == panel.current_mark().quote_id  # type: ignore[union-attr]
    # Ctrl+C copies the stance as it reads, without the statement's id.
    QTest.keyClick(panel.canvas, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QGuiApplication.clipboard().text().splitlines()
    assert lines[0].split("\t") == [n for n in TIMELINE_COLUMNS if n != "quote_id"]
    assert lines[1].split("\t")[4] == row[4]  # the stakeholder
    assert str(row[9]) not in lines[1]


def test_the_changes_of_position_are_named_off_the_gui_thread(
    qtbot: QtBot, changed_archive: Archive, monkeypatch: pytest.MonkeyPatch
) -> None:
    threads: list[bool] = []
    names = Archive.proposals_by_ids

    def noted(self: Archive, ids: Iterable[int]) -> list[ProposalRow]:
        threads.append(threading.current_thread() is threading.main_thread())
        return names(self, ids)

    monkeypatch.setattr(Archive, "proposals_by_ids", noted)
    panel = _panel(qtbot, changed_archive)
    assert panel.picture.change_notes  # the LGA's change, in words
    assert threads and not any(threads)  # each read on a reading thread


def test_a_paint_draws_the_rows_on_screen_only(qtbot: QtBot, archive: Archive) -> None:
    panel = _panel(qtbot, archive)
    canvas = panel.canvas
    panel.resize(1100, int(canvas.top + canvas.row_height * 1.5 + panel.pages.y() + 40))
    settle(qtbot)
    shown = canvas._rows_on_screen()
    assert len(panel.picture.rows) > len(shown)  # some rows are below the picture
    drawn: list[float] = []
    draw = canvas._draw_centred
    canvas._draw_centred = lambda painter, rect, text: (
        drawn.append(rect.center().y())
        or draw(  # type: ignore[method-assign]
            painter, rect, text
        )
    )
    canvas.grab()  # painted
    assert drawn
    bottom = canvas.row_top(shown.stop)
    assert all(y < bottom for y in drawn)


def _shown_source(window: MainWindow) -> int | None:
    """The id of the source the reader shows, if any."""
    source = window.reader.current_source()
    return None if source is None else source.id
