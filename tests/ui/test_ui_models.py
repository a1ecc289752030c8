"""Every model passes Qt's model tester, pages lazily and sorts in the database."""

from __future__ import annotations

import sys

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QColor
from pytestqt.modeltest import ModelTester
from ui_helpers import LGA, MILBURN, proposal, stakeholder

from carebrowser.data.vocabulary import STANCE_COLOURS, STANCE_GLYPHS
from carebrowser.queries import Archive, Filters
from carebrowser.ui.models.choices import ChoiceListModel, category_choices, proposal_choices
from carebrowser.ui.models.comparison import ComparisonModel
from carebrowser.ui.models.matrix import MatrixModel
from carebrowser.ui.models.quotes import (
    DATE,
    SPEAKER,
    STATEMENT,
    QuoteTableModel,
    evidence_fetch,
    statements_fetch,
)
from carebrowser.ui.models.roles import ID_ROLE, MATCH_SPANS_ROLE, ROW_ROLE, STANCE_ROLE
from carebrowser.ui.models.stakeholders import StakeholderTreeModel


def test_stakeholder_tree_groups_by_category_with_counts(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = StakeholderTreeModel(archive, page_size=3)
    qtmodeltester.check(model)
    counts = {c.category: c.count for c in archive.category_counts()}
    first = next(iter(counts))  # the vocabulary's order
    assert counts[first] > 3
    # The first screenful first, in one read: its category's count is not known yet.
    assert model.counting
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        f"{first[0].upper()}{first[1:]} (3+)"
    ]
    assert model.known_total() == 3
    assert model.rowCount(model.index(0, 0)) == 3 and model.has_more(model.index(0, 0))
    # Then the counts: every category, each counted.
    model.count_categories()
    assert not model.counting
    labels = [model.index(r, 0).data() for r in range(model.rowCount())]
    local = model.category_index("local government")
    assert local.data() == f"Local government ({counts['local government']})"
    assert sum(counts.values()) == model.total() == model.known_total()
    assert len(labels) == len(counts)
    assert not any("+" in label for label in labels)
    # Pages of three: the first screenful is read, read_more brings the rest, a page at a time.
    assert sum(model.rowCount(model.index(r, 0)) for r in range(model.rowCount())) == 3
    pages = 0
    while model.has_more(local):
        model.read_more(local)
        pages += 1
    assert model.rowCount(local) == counts["local government"]
    assert pages in (-(-counts["local government"] // 3), counts["local government"] // 3 + 1)
    names = [model.index(r, 0, local).data() for r in range(model.rowCount(local))]
    assert LGA in names
    row = names.index(LGA)
    assert model.index(row, 0, local).data(ROW_ROLE).name == LGA
    qtmodeltester.check(model)


def test_stakeholder_tree_filters_by_name_in_sql(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = StakeholderTreeModel(archive)
    model.set_filter((), "milburn")
    qtmodeltester.check(model)
    shown = [
        model.index(c, 0, model.index(r, 0)).data()
        for r in range(model.rowCount())
        for c in range(model.rowCount(model.index(r, 0)))
    ]
    assert MILBURN in shown
    assert LGA not in shown
    milburn = stakeholder(archive, MILBURN)
    index = model.index_of(milburn.id)
    assert index.siblingAtColumn(1).data() == milburn.description


def test_quote_model_pages_and_sorts_in_the_database(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    total = archive.quote_count()
    model = QuoteTableModel(statements_fetch(archive, Filters()), page_size=40)
    assert model.rowCount() == min(40, total)
    assert model.canFetchMore(QModelIndex()) == (total > 40)
    qtmodeltester.check(model)  # fetches more pages itself
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == total
    dates = [model.quote(r).date for r in range(model.rowCount())]
    assert dates == sorted(dates)
    model.sort(SPEAKER, Qt.SortOrder.DescendingOrder)
    assert (model.sort_by, model.descending) == ("stakeholder", True)
    first_page = archive.quotes(sort="stakeholder", descending=True, limit=5).rows
    assert [model.quote(r).id for r in range(5)] == [q.id for q in first_page]
    model.sort(STATEMENT)  # the text column does not sort: nothing changes
    assert model.sort_by == "stakeholder"
    qtmodeltester.check(model)


def test_quote_model_marks_search_matches(qtmodeltester: ModelTester, archive: Archive) -> None:
    filters = Filters(search="monolithic")
    model = QuoteTableModel(statements_fetch(archive, filters))
    model.set_source(statements_fetch(archive, filters), filters.search)
    qtmodeltester.check(model)
    assert model.rowCount() >= 1
    for row in range(model.rowCount()):
        index = model.index(row, STATEMENT)
        text = index.data()
        spans = index.data(MATCH_SPANS_ROLE)
        assert spans, text
        assert all(text[s:e].lower().startswith("monolith") for s, e in spans)
    assert model.index(0, DATE).data() == model.quote(0).date_label


def test_evidence_model(qtmodeltester: ModelTester, archive: Archive) -> None:
    lga = stakeholder(archive, LGA)
    position = next(p for p in archive.positions(Filters(stakeholders=frozenset({lga.id}))))
    model = QuoteTableModel(evidence_fetch(archive, position.id), page_size=1)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert {model.quote(r).quote_id for r in range(model.rowCount())} == set(
        position.evidence_quote_ids
    )
    empty = QuoteTableModel(evidence_fetch(archive, None))
    qtmodeltester.check(empty)
    assert empty.rowCount() == 0


def test_matrix_model_cells_have_word_glyph_and_colour(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    model = MatrixModel(archive.matrix(Filters()))
    qtmodeltester.check(model)
    lga, trusts = stakeholder(archive, LGA), proposal(archive, "children's trusts")
    index = model.index_of(lga.id, trusts.id)
    position = model.position_at(index)
    assert position is not None
    text = index.data()
    assert position.stance in text and STANCE_GLYPHS[position.stance] in text
    assert f"({len(position.evidence_quote_ids)})" in text
    assert index.data(Qt.ItemDataRole.BackgroundRole) == QColor(STANCE_COLOURS[position.stance])
    assert index.data(Qt.ItemDataRole.ForegroundRole) == QColor("#000000")
    assert position.summary in index.data(Qt.ItemDataRole.ToolTipRole)
    assert index.data(STANCE_ROLE) == position.stance
    rows, columns = model.rowCount(), model.columnCount()
    model.set_transposed(True)
    qtmodeltester.check(model)
    assert (model.rowCount(), model.columnCount()) == (columns, rows)
    assert model.index_of(lga.id, trusts.id).data(ID_ROLE) == position.id


def test_comparison_model_marks_disagreements(qtmodeltester: ModelTester, archive: Archive) -> None:
    people = [stakeholder(archive, LGA), stakeholder(archive, MILBURN)]
    rows = archive.compare([p.id for p in people])
    model = ComparisonModel()
    model.set_comparison(people, rows)
    qtmodeltester.check(model)
    assert model.headerData(2, Qt.Orientation.Horizontal) == LGA
    assert model.rowCount() == len(rows)
    model.set_disagreements_only(True)
    qtmodeltester.check(model)
    assert model.rowCount() == sum(r.disagree for r in rows) > 0
    assert all(model.index(r, 1).data() == "\u2260 disagree" for r in range(model.rowCount()))


def test_choice_models(qtmodeltester: ModelTester, archive: Archive) -> None:
    proposals = ChoiceListModel(proposal_choices(archive.proposals()))
    qtmodeltester.check(proposals)
    assert proposals.index(0).data() == "All proposals" and proposals.value(0) is None
    categories = ChoiceListModel(category_choices())
    qtmodeltester.check(categories)
    assert categories.value(categories.row_of("local government")) == "local government"


def test_asking_for_roles_a_model_lacks_keeps_none_alive(archive: Archive) -> None:
    """PySide6 6.12 on Python 3.11 dropped a reference to None per 'no data' answer."""
    people = [stakeholder(archive, LGA), stakeholder(archive, MILBURN)]
    comparison = ComparisonModel()
    comparison.set_comparison(people, archive.compare([p.id for p in people]))
    models = [
        StakeholderTreeModel(archive),
        QuoteTableModel(statements_fetch(archive, Filters())),
        MatrixModel(archive.matrix(Filters())),
        comparison,
        ChoiceListModel(category_choices()),
    ]
    unused_role = Qt.ItemDataRole.UserRole + 99
    before = sys.getrefcount(None)
    for model in models:
        index = model.index(0, 0)
        for _ in range(2000):
            index.data(unused_role)
            model.headerData(99, Qt.Orientation.Horizontal, unused_role)
    assert sys.getrefcount(None) >= before - 50


def test_the_people_of_an_organisation_are_listed_under_it(
    qtmodeltester: ModelTester, archive: Archive
) -> None:
    for page_size in (3, 200):  # the organisation read in a later page, and in the first
        model = StakeholderTreeModel(archive, page_size=page_size)
        model.count_categories()
        local = model.category_index("local government")
        while model.has_more(local):
            model.read_more(local)
        names = [model.index(r, 0, local).data() for r in range(model.rowCount(local))]
        lga = model.index(names.index(LGA), 0, local)
        assert model.hasChildren(lga)
        people = [model.index(r, 0, lga) for r in range(model.rowCount(lga))]
        assert [p.data() for p in people] == ["John Ransford", "Rita Stringfellow"]
        assert all(p.parent() == lga for p in people)
        assert people[0].data(ROW_ROLE).kind == "person"
        assert "speaks for Local Government Association" in people[0].data(
            Qt.ItemDataRole.ToolTipRole
        )
        # They stand in their own category's list too; a person has nobody under them.
        assert "John Ransford" in names
        ransford = model.index(names.index("John Ransford"), 0, local)
        assert not model.hasChildren(ransford) and not model.hasChildren(people[0])
        assert model.stakeholders([people[0], ransford]) == [people[0].data(ROW_ROLE)]
        qtmodeltester.check(model)
