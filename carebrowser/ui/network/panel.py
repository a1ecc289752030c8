"""The coalition map: who stands with whom, on what, with the words behind every tie.

The picture, beside it the ties and stakeholders as sortable tables (the keyboard's and screen
reader's way in) and the coalitions, under it what was clicked: a tie proposal by proposal with
both sides' stances and evidence, and the statements in the quote panel.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from carebrowser.analysis.kinds import (
    DEFAULT_LIMIT,
    DEFAULT_NORMALISATION,
    KINDS,
    NORMALISATIONS,
    Kind,
    Normalisation,
)
from carebrowser.analysis.layout import NodeKey, Point
from carebrowser.analysis.networks import Network
from carebrowser.queries import Archive, Filters
from carebrowser.ui.empty_note import EmptyNote, no_match_text
from carebrowser.ui.network import saving, texts, worker
from carebrowser.ui.network.models import ACTOR_HEADER, TIE_HEADER, RowsModel, actor_rows, tie_rows
from carebrowser.ui.network.scene import (
    NetworkScene,
)
from carebrowser.ui.network.view import NetworkView, save_picture
from carebrowser.ui.quote_panel import QuotePanel
from carebrowser.ui.reads import ReadStream
from carebrowser.ui.widgets import heading, named, setup_table

if TYPE_CHECKING:
    from carebrowser.export import Table
    from carebrowser.ui.export_subjects import ExportSubject

log = logging.getLogger("carebrowser.ui.network")


class NetworkPanel(QWidget):
    """The network view: picture, tables of ties and stakeholders, coalitions, evidence."""

    status_changed = Signal()
    #: The network drawn after a request (filters, kind...): the panel shows it.
    network_shown = Signal()
    #: A read that failed (the window reports it), and what was being done.
    read_failed = Signal(object, str)
    open_statement = Signal(int, int)

    def __init__(self, archive: Archive, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.archive = archive
        self.reader = archive
        self.filters = Filters()
        self.network: Network | None = None
        #: Every node's last place: a new network starts from them (a steady picture).
        self.points: dict[NodeKey, Point] = {}
        self._requests = 0
        self._reads = ReadStream(self)
        self._picking = False
        #: Stakeholders to select once the network is drawn: one, or the tie of two.
        self._pending: tuple[int, ...] = ()

        self.kind_box = named(QComboBox(self), "Network", "Which ties to draw")
        for kind in KINDS:
            self.kind_box.addItem(texts.KIND_LABELS[kind], kind)
        self.kind_box.setCurrentIndex(KINDS.index("both"))
        self.normalisation_box = named(
            QComboBox(self),
            "Normalisation",
            "Divide each tie by the stakeholders' activity, as the Discourse Network Analyzer "
            "does (None: the number of proposals)",
        )
        for normalisation in NORMALISATIONS:
            self.normalisation_box.addItem(texts.NORMALISATION_LABELS[normalisation], normalisation)
        self.normalisation_box.setCurrentIndex(NORMALISATIONS.index(DEFAULT_NORMALISATION))
        for choice in (self.kind_box, self.normalisation_box):  # elided, no wider than needed
            choice.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            choice.setMinimumContentsLength(12)
        self.limit_box = named(
            QSpinBox(self),
            "Most stakeholders",
            "Draw at most this many stakeholders, the most active",
        )
        self.limit_box.setRange(2, 500)
        self.limit_box.setValue(DEFAULT_LIMIT)
        self.fit_button = named(QPushButton("Fit", self), "Fit", "Show the whole network (Ctrl+0)")
        self.picture_button = named(
            QPushButton("Save pict&ure\u2026", self),
            "Save picture",
            "Save the picture as PNG or SVG",
        )
        self.network_button = named(
            QPushButton("Save networ&k\u2026", self),
            "Save network",
            "Save the network as GraphML (Gephi, visone, networkx) or as a CSV list of ties",
        )
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        named(self.summary, "Network summary", "How many stakeholders and ties are drawn")

        self.scene = NetworkScene(self)
        self.view = named(
            NetworkView(self.scene, self),
            "Network picture",
            "Stakeholders and their ties. Click a stakeholder or a tie, or use the arrow keys "
            "to go from stakeholder to stakeholder; Ctrl+plus and Ctrl+minus zoom, Ctrl+0 fits.",
            tooltip=False,
        )
        # The drawing area takes the focus with the picture: a screen reader names it too.
        self.view.viewport().setAccessibleName("Network picture")
        self.empty_note = EmptyNote(self.view, self._empty_text)
        # The key is a tab beside the ties, so that the picture keeps the height of a small
        # window or a large font; the picture's tooltips name each shape too.
        self.key = named(
            QTextBrowser(self), "Key to the picture", "What the shapes, lines and colours mean"
        )

        self.ties = RowsModel(TIE_HEADER, self)
        self.ties_table = self._table(
            self.ties,
            "Ties",
            "Pairs of stakeholders: the proposals "
            "they agree and conflict on. Select one to see why.",
        )
        self.actors = RowsModel(ACTOR_HEADER, self)
        self.actors_table = self._table(
            self.actors,
            "Stakeholders drawn",
            "The stakeholders of the network. Select one for its statements.",
        )
        self.coalitions = named(
            QTextBrowser(self),
            "Coalitions",
            "Each coalition's members and the proposals that bind them",
        )
        self.tabs = named(
            QTabWidget(self),
            "Network tables",
            "The ties, the stakeholders drawn, the coalitions and the key to the picture "
            "(Alt+T, Alt+D, Alt+N, Alt+Y)",
            tooltip=False,
        )
        self.tabs.addTab(self.ties_table, "&Ties")
        self.tabs.addTab(self.actors_table, "Stakeholders &drawn")
        self.tabs.addTab(self.coalitions, "Coalitio&ns")
        self.tabs.addTab(self.key, "Ke&y")
        # A tab bar tells a screen reader no description: it takes no focus, and its tabs are
        # reached by their letters (Alt+T, Alt+D, Alt+N, Alt+Y) or Ctrl+Tab from inside.
        self.tabs.setUsesScrollButtons(False)
        for part in (self.tabs.tabBar(), *self.tabs.tabBar().findChildren(QToolButton)):
            part.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self.detail = named(
            QTextBrowser(self),
            "Tie or stakeholder",
            "What was selected: a tie proposal by proposal, with both sides' "
            "stances and the statements behind them",
        )
        self.detail.setOpenLinks(False)
        self.statements = QuotePanel(archive, "Statements", self)
        self.statements.read_failed.connect(self.read_failed)

        controls = QHBoxLayout()
        for label_text, box in (
            ("Net&work:", self.kind_box),
            ("Normal&isation:", self.normalisation_box),
            ("At &most:", self.limit_box),
        ):
            label = QLabel(label_text, self)
            label.setBuddy(box)
            controls.addWidget(label)
            controls.addWidget(box)
        controls.addStretch(1)
        # The buttons share the heading's line, so that the window keeps a narrow minimum width.
        top_line = QHBoxLayout()
        self.heading = heading(self.heading_text(), self)
        top_line.addWidget(self.heading, 1)
        for button in (self.fit_button, self.picture_button, self.network_button):
            top_line.addWidget(button)
        picture = QWidget(self)
        picture_layout = QVBoxLayout(picture)
        picture_layout.setContentsMargins(0, 0, 0, 0)
        picture_layout.addWidget(self.view, 1)
        side = QSplitter(Qt.Orientation.Vertical, self)
        side.setObjectName("network_side")
        side.setChildrenCollapsible(False)
        side.addWidget(self.tabs)
        side.addWidget(self.detail)
        self.top = QSplitter(Qt.Orientation.Horizontal, self)
        self.top.setObjectName("network_top")
        self.top.setChildrenCollapsible(False)
        self.top.addWidget(picture)
        self.top.addWidget(side)
        self.top.setStretchFactor(0, 3)
        self.top.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("network")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.top)
        self.splitter.addWidget(self.statements)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 1)
        # Shares, not the parts' size hints: the picture gets three fifths of the width and the
        # picture and tables two thirds of the height, whatever the font size.
        self.top.setSizes([3000, 2000])
        self.splitter.setSizes([2000, 1000])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top_line)
        layout.addLayout(controls)
        layout.addWidget(self.summary)
        layout.addWidget(self.splitter, 1)

        self.kind_box.currentIndexChanged.connect(self.redraw)
        self.normalisation_box.currentIndexChanged.connect(self.redraw)
        self.limit_box.editingFinished.connect(self.redraw)
        self.fit_button.clicked.connect(self.view.fit)
        self.picture_button.clicked.connect(self._ask_picture)
        self.network_button.clicked.connect(self._ask_network)
        self.view.picked.connect(self.pick)
        self.statements.open_statement.connect(self.open_statement)
        self.statements.status_changed.connect(self.status_changed)
        self._show_key()
        self.detail.setPlainText("Select a stakeholder or a tie to see what it rests on.")

    def _table(self, model: RowsModel, name: str, description: str) -> QTableView:
        table = named(setup_table(QTableView(self)), name, description, tooltip=False)
        table.setModel(model)
        table.setSortingEnabled(True)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        chars = self.fontMetrics().averageCharWidth()
        for column, width in enumerate((22, 22, 8, 8, 8) if model is self.ties else (26, 16, 9, 9)):
            table.setColumnWidth(column, width * chars)
        table.horizontalHeader().setStretchLastSection(True)
        table.selectionModel().currentRowChanged.connect(
            lambda current, _previous, m=model: self._row_chosen(m, current)
        )
        return table

    # -- what is drawn -----------------------------------------------------------------------

    def kind(self) -> Kind:
        """The kind of network chosen."""
        return self.kind_box.currentData()  # type: ignore[no-any-return]

    def normalisation(self) -> Normalisation:
        """The normalisation chosen."""
        return self.normalisation_box.currentData()  # type: ignore[no-any-return]

    def set_filters(self, filters: Filters) -> None:
        """Draw the network of what passes *filters* (off the GUI thread; network_shown follows)."""
        self.filters = filters.but(stakeholders=frozenset())
        self.heading.setText(self.heading_text())
        self.redraw()

    def heading_text(self) -> str:
        """'Who stands with whom', and the period when the dates are filtered: the network is
        that of the positions whose evidence was dated in it ('as of 2002')."""
        title = "Who stands with whom"
        return f"{title}, as of {self.filters.period()}" if self.filters.dated else title

    def redraw(self) -> None:
        """Compute the network again with the controls' choices."""
        self._requests += 1
        request = worker.NetworkRequest(
            self.filters,
            self.kind(),
            self.normalisation(),
            self.limit_box.value(),
            dict(self.points),
        )
        self.summary.setText("Counting the ties\u2026")
        reader, number = self.reader, self._requests
        self._reads.read(
            lambda: worker.compute_result(reader, request, number), self._show, self._failed
        )

    def _failed(self, error: BaseException) -> None:
        self.summary.setText("The network could not be read.")
        self.read_failed.emit(error, "drawing the network")

    def _show(self, result: worker.NetworkResult) -> None:
        if result.number != self._requests:
            return  # a newer request is on its way
        network = self.network = result.network
        self.points.update(result.points)
        viewport = self.view.viewport().size()
        aspect = viewport.width() / max(viewport.height(), 1)
        self.scene.show_network(network, result.points, round(aspect, 1))
        self.ties.set_rows(*(result.ties if result.ties[1] else tie_rows(network)))
        self.actors.set_rows(*(result.actors if result.actors[1] else actor_rows(network)))
        self._show_coalitions(network)
        self._show_summary(network)
        self.empty_note.refresh()
        self.view.fit()
        self.detail.setPlainText("Select a stakeholder or a tie to see what it rests on.")
        if self._pending:
            self._pick_pending()
        self.network_shown.emit()
        self.status_changed.emit()

    def _empty_text(self) -> str:
        """Why no stakeholder is drawn, when the filters and search leave no position."""
        if self.network is None or self.network.actors:
            return ""
        return no_match_text(self.filters, "positions")

    def _show_summary(self, network: Network) -> None:
        self.summary.setText(texts.summary(network, self.scene.drawn_ties))

    def _show_coalitions(self, network: Network) -> None:
        self.coalitions.setHtml(texts.coalitions_html(network))

    def _show_key(self) -> None:
        self.key.setHtml(texts.key_html())

    # -- what is selected -------------------------------------------------------------------

    def _row_chosen(self, model: RowsModel, current: QModelIndex) -> None:
        if current.isValid() and not self._picking:
            self.pick(model.keys[current.row()])

    def pick_when_drawn(self, stakeholder_ids: Sequence[int]) -> None:
        """Select a stakeholder, or the tie of two, now or once the network is drawn."""
        self._pending = tuple(stakeholder_ids[:2])
        if self.network is not None:
            self._pick_pending()

    def _pick_pending(self) -> None:
        wanted, self._pending = self._pending, ()
        if len(wanted) == 2:
            tie = ("e", *sorted(wanted))
            if self.ties.row_of(tie) >= 0:
                self.pick(tie)
                return
        if wanted and self.actors.row_of(("s", wanted[0])) >= 0:
            self.pick(("s", wanted[0]))

    def pick(self, key: tuple[object, ...]) -> None:
        """Select a node ("s", id) or a tie ("e", a, b) everywhere, and show what it rests on."""
        if self._picking or self.network is None:
            return
        self._picking = True
        try:
            self._select_everywhere(key)
        finally:
            self._picking = False
        if not key:
            return
        if key[0] == "s":
            self._show_stakeholder(int(key[1]))  # type: ignore[call-overload]
        elif key[0] == "p":
            self._show_proposal(int(key[1]))  # type: ignore[call-overload]
        elif key[0] == "e":
            self._show_tie(int(key[1]), int(key[2]))  # type: ignore[call-overload]
        self.status_changed.emit()

    def _select_everywhere(self, key: tuple[object, ...]) -> None:
        self.scene.mark(key)
        self.view.place_labels()  # the selected node's label first
        for table, model in ((self.ties_table, self.ties), (self.actors_table, self.actors)):
            row = model.row_of(key)
            if row >= 0:
                table.selectionModel().setCurrentIndex(
                    model.index(row, 0),
                    QItemSelectionModel.SelectionFlag.ClearAndSelect
                    | QItemSelectionModel.SelectionFlag.Rows,
                )
                table.scrollTo(model.index(row, 0))
            else:
                table.clearSelection()

    def _show_stakeholder(self, stakeholder_id: int) -> None:
        assert self.network is not None
        actor = self.network.actor(stakeholder_id)
        self.detail.setHtml(texts.stakeholder_html(self.network, actor))
        self._statements(
            self.filters.but(stakeholders=frozenset({stakeholder_id})),
            f"Statements of {actor.name}",
        )

    def _show_proposal(self, proposal_id: int) -> None:
        assert self.network is not None
        title = self.network.proposal_titles.get(proposal_id, "")
        self.detail.setHtml(texts.heading_html(title))
        self._statements(
            self.filters.but(proposals=frozenset({proposal_id})), f"Statements on {title}"
        )

    def _show_tie(self, source: int, target: int) -> None:
        assert self.network is not None
        if self.network.kind == "affiliation":
            self._show_stance(source, target)
            return
        first, second = self.network.actor(source), self.network.actor(target)
        try:
            found = self.reader.tie_proposals(source, target, self.filters)
        except Exception as error:
            self.read_failed.emit(error, "reading the evidence of a tie")
            return
        self.detail.setHtml(texts.tie_html(first.name, second.name, found))
        proposals = frozenset(t.proposal_id for t in found if t.relation != "neither")
        self._statements(
            self.filters.but(stakeholders=frozenset({source, target}), proposals=proposals),
            f"Statements of {first.name} and {second.name} on the proposals of their tie",
        )

    def _show_stance(self, stakeholder_id: int, proposal_id: int) -> None:
        assert self.network is not None
        actor = self.network.actor(stakeholder_id)
        title = self.network.proposal_titles.get(proposal_id, "")
        positions = self.reader.positions(
            self.filters.but(
                stakeholders=frozenset({stakeholder_id}), proposals=frozenset({proposal_id})
            )
        )
        self.detail.setHtml(texts.stances_html(positions, f"{actor.name} on {title}"))
        self._statements(
            self.filters.but(
                stakeholders=frozenset({stakeholder_id}), proposals=frozenset({proposal_id})
            ),
            f"Statements of {actor.name} on {title}",
        )

    def _statements(self, filters: Filters, heading_text: str) -> None:
        self.statements.show_statements(
            filters, heading_text, "showing the statements of the selection"
        )

    # -- saving -----------------------------------------------------------------------------

    def save_picture(self, path: Path) -> None:
        """Save the picture (PNG, or SVG for a .svg name)."""
        save_picture(self.scene, path)

    def save_network(self, path: Path) -> None:
        """Save the network: GraphML, or for a .csv name the list of ties."""
        if self.network is not None:
            saving.save_network(self.network, path)

    def _ask_picture(self) -> None:
        self._said(saving.ask(self, saving.PICTURE, self.save_picture))

    def _ask_network(self) -> None:
        self._said(saving.ask(self, saving.NETWORK, self.save_network))

    def _said(self, message: str) -> None:
        if message:  # nothing when the person cancelled
            self.summary.setText(message)

    # -- for the window ---------------------------------------------------------------------

    def status_text(self) -> str:
        """The status bar's text: the network's size (the window adds the statements')."""
        return self.summary.text()

    def export_subject(self, _filters: Filters) -> ExportSubject:
        """The selected tie, or every tie of the network."""
        from carebrowser.ui.export_subjects import network_subject

        return network_subject(self)

    def selection_count(self) -> int:
        """1 while a tie is selected (in the picture or the table), else 0."""
        return int(bool(self.scene.current) and self.scene.current[0] == "e")

    def export_table(self, selected_only: bool) -> Table:
        """The selected tie, or all ties, as the edge list the command line writes."""
        from carebrowser.export import Table
        from carebrowser.export.networks import EDGE_COLUMNS, network_edges_table

        if self.network is None:
            return Table(EDGE_COLUMNS, [])
        table = network_edges_table(self.network)
        if selected_only and self.selection_count():
            _e, source, target = self.scene.current
            table.rows = [
                row
                for row, edge in zip(table.rows, self.network.edges, strict=True)
                if (edge.source, edge.target) == (source, target)
            ]
        return table

    def focus_picture(self) -> None:
        """Put the keyboard focus on the picture."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
