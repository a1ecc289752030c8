"""The window says the same thing as the search: the reader marks what matches and nothing
else, an empty result says why, the heading shows the search once, and the help explains it."""

from __future__ import annotations

import re

from pytestqt.qtbot import QtBot
from ui_helpers import settle

from carebrowser.data.database import DatabaseInfo
from carebrowser.data.search_syntax import SEARCH_HELP
from carebrowser.queries import Archive, Filters
from carebrowser.ui.help_dialog import help_html
from carebrowser.ui.main_window import MainWindow
from carebrowser.ui.models.quotes import STATEMENT, QuoteTableModel, ids_fetch
from carebrowser.ui.models.roles import MATCH_SPANS_ROLE


def _search(qtbot: QtBot, window: MainWindow, text: str) -> None:
    """Type a search and press Enter, as a person does; wait until every view has read it."""
    box = window.filter_bar.search
    box.clear()
    with qtbot.waitSignal(window.filter_bar.filters_changed):
        qtbot.keyClicks(box, text)
        box.returnPressed.emit()
    settle(qtbot)


def _marked(window: MainWindow) -> list[str]:
    shown = window.reader.marks.source
    assert shown is not None
    return [shown.text[a:b] for a, b in window.reader.marks.matches]


def test_the_reader_marks_a_phrase_as_a_phrase_and_counts_what_it_marks(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    (source, *_) = archive.sources('"care trusts"')
    window.set_view("source")
    _search(qtbot, window, '"care trusts"')
    window.reader.show_source(source.id)
    settle(qtbot)
    marked = _marked(window)
    assert marked and all(re.fullmatch(r"care\W+trusts", m, re.IGNORECASE) for m in marked)
    assert f"{len(marked)} search match" in window.status.text()


def test_the_reader_marks_nothing_where_the_source_does_not_match(
    qtbot: QtBot, window: MainWindow, archive: Archive
) -> None:
    # The source holds "care" many times, and "trusts": a search leaving out trusts does not
    # match it, so none of its words is marked (they were, one by one, before).
    (source, *_) = archive.sources('"care trusts"')
    assert source.id not in {s.id for s in archive.sources("care -trusts")}
    window.set_view("source")
    _search(qtbot, window, "care -trusts")
    window.reader.show_source(source.id)
    settle(qtbot)
    assert window.reader.marks.matches == []
    assert "no match for the search" in window.status.text()
    # A word no source holds: nothing marked either, though "care" is everywhere.
    _search(qtbot, window, "care zzzz")
    assert window.reader.marks.matches == []
    # Excluded words are never marked where the source matches.
    _search(qtbot, window, "trusts -zzzz")
    assert _marked(window) and all(m.lower() == "trusts" for m in _marked(window))


def test_an_empty_result_says_what_matched_nothing(qtbot: QtBot, window: MainWindow) -> None:
    window.set_view("stakeholders")
    _search(qtbot, window, "zzzz")
    note = window.statements.empty_note
    assert window.statements.model.rowCount() == 0
    assert note.text().startswith("No statements match the search \u201czzzz\u201d.")
    assert note.label.isVisible()
    window.set_view("matrix")
    settle(qtbot)
    assert window.matrix.empty_note.text().startswith(
        "No positions match the search \u201czzzz\u201d"
    )
    window.set_view("network")
    qtbot.waitUntil(lambda: window.network.network is not None)
    settle(qtbot)
    assert window.network.empty_note.text().startswith("No positions match the search")
    window.set_view("timeline")
    settle(qtbot)
    timeline = window.view(5).timeline  # type: ignore[attr-defined]
    assert timeline.empty_notes[0].text().startswith("No stances match the search")
    # A search that matches: no note anywhere.
    _search(qtbot, window, "trusts")
    assert timeline.empty_notes[0].text() == ""
    window.set_view("stakeholders")
    settle(qtbot)
    assert window.statements.model.rowCount() and window.statements.empty_note.text() == ""


def test_the_heading_shows_the_search_once(qtbot: QtBot, window: MainWindow) -> None:
    window.set_view("stakeholders")
    _search(qtbot, window, '"Herculean task"')
    heading = window.statements.heading.text()
    assert heading.endswith('matching "Herculean task"'), heading
    assert window.statements.model.rowCount() >= 1
    _search(qtbot, window, "Herculean")
    assert window.statements.heading.text().endswith("matching \u201cHerculean\u201d")


def test_the_search_box_and_the_help_explain_the_grammar(
    window: MainWindow, archive: Archive
) -> None:
    tip = window.filter_bar.search.toolTip()
    assert SEARCH_HELP in tip
    for piece in ('"', "trust*", "OR", "-word", "NOT", "For example"):
        assert piece in tip
    assert SEARCH_HELP.replace('"', "&quot;").replace("'", "&#x27;") in help_html(
        archive, DatabaseInfo("the bundled dataset", 1, True)
    )


def test_statements_the_search_does_not_match_show_no_match(archive: Archive) -> None:
    # A matrix cell's evidence is shown whole: those of its statements that hold "care" but
    # also "trusts" do not match "care -trusts", and show no match.
    both = [q for q in archive.all_quotes(Filters(search='"care trusts"'))][:2]
    alone = [q for q in archive.all_quotes(Filters(search="care -trusts"))][:2]
    assert both and alone
    model = QuoteTableModel(ids_fetch(archive, [q.id for q in both + alone]))
    model.set_source(ids_fetch(archive, [q.id for q in both + alone]), "care -trusts")
    spans = {
        model.quote(r).id: model.index(r, STATEMENT).data(MATCH_SPANS_ROLE)
        for r in range(model.rowCount())
    }
    assert all(spans[q.id] == [] for q in both)
    assert all(spans[q.id] for q in alone)
