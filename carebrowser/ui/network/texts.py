"""What the coalition map says in words: its controls' choices, the key, the summary line, the
coalitions, and a stakeholder, a stance or a tie with the statements behind it (HTML)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from carebrowser.analysis.kinds import Kind, Normalisation
from carebrowser.analysis.networks import Actor, Network
from carebrowser.data.vocabulary import STANCE_GLYPHS
from carebrowser.queries import PositionRow, QuoteRow
from carebrowser.queries.networks import TieProposal
from carebrowser.ui.network.scene import CATEGORY_SHAPES, COALITION_COLOURS
from carebrowser.ui.widgets import counted

KIND_LABELS: dict[Kind, str] = {
    "congruence": "Agreement (congruence)",
    "conflict": "Conflict",
    "both": "Agreement and conflict",
    "subtract": "Agreement minus conflict",
    "affiliation": "Stakeholders and proposals (two-mode)",
}
NORMALISATION_LABELS: dict[Normalisation, str] = {
    "none": "None (proposals counted)",
    "jaccard": "Jaccard",
    "cosine": "Cosine",
    "average": "Average activity",
}
#: A shape's name as a glyph, for the key under the picture.
SHAPE_GLYPHS = {
    "circle": "\u25cf", "square": "\u25a0", "diamond": "\u25c6", "triangle": "\u25b2",
    "inverted triangle": "\u25bc", "hexagon": "\u2b22", "pentagon": "\u2b1f",
    "left triangle": "\u25c0", "star": "\u2605", "cross": "\u271a",
}  # fmt: skip


#: The proposals a coalition's entry names; past these, how many more.
BINDING_SHOWN = 8


def summary(network: Network, drawn_ties: int) -> str:
    """The line under the controls: who is drawn, who left out, the ties and coalitions."""
    drawn = len(network.actors)
    text = f"{counted(drawn, 'stakeholder')} drawn"
    if network.left_out:
        text = (
            f"The {drawn} most active of {drawn + network.left_out:,} stakeholders drawn "
            f"({network.left_out:,} left out: raise \u201cAt most\u201d to draw more)"
        )
    if network.proposals_left_out:
        text += f"; {network.proposals_left_out:,} proposals left out"
    text += f" \u00b7 {counted(len(network.edges), 'tie')}"
    if drawn_ties < len(network.edges):
        text += f" (the {drawn_ties} strongest drawn, all in the table)"
    return text + f" \u00b7 {counted(len(network.coalitions), 'coalition')}."


def coalitions_html(network: Network) -> str:
    """Each coalition: its tint, its members, the proposals that bind it; then those in none."""
    names = {a.id: a.name for a in network.actors}
    parts = []
    for c in network.coalitions:
        colour = COALITION_COLOURS[min(c.number - 1, len(COALITION_COLOURS) - 1)]
        members = ", ".join(html.escape(names[m]) for m in c.members)
        shown = c.binding[:BINDING_SHOWN]
        binding = "; ".join(html.escape(network.proposal_titles[p]) for p in shown)
        more = f" and {len(c.binding) - len(shown)} more" if len(c.binding) > len(shown) else ""
        parts.append(
            f"<p><b><span style='color:{colour}'>\u25a0</span> Coalition {c.number}</b> "
            f"({len(c.members)}): {members}<br><i>Bound by:</i> {binding}{more}</p>"
        )
    alone = [names[a.id] for a in network.actors if not a.coalition]
    if alone:
        parts.append(f"<p><b>In no coalition</b>: {html.escape(', '.join(alone))}</p>")
    if not parts:
        parts.append("<p>No coalitions: no two stakeholders drawn agree on a proposal.</p>")
    return "".join(parts)


def key_html() -> str:
    """The key under the picture: the two kinds of line, then a shape per category."""
    shapes = " ".join(
        f"{SHAPE_GLYPHS[shape]}&nbsp;{html.escape(category)}"
        for category, shape in CATEGORY_SHAPES.items()
    )
    return (
        "<span style='color:#009E73'>\u2501\u2501</span> agreement (solid) &nbsp; "
        "<span style='color:#D55E00'>\u2505\u2505</span> conflict (dashed) &nbsp; "
        "width: weight; size: statements; tints: coalitions<br>" + shapes
    )


def heading_html(title: str) -> str:
    """A title as a heading."""
    return f"<h3>{html.escape(title)}</h3>"


def stakeholder_html(network: Network, actor: Actor) -> str:
    """A stakeholder's numbers: statements, positions, coalition, ties."""
    ties = [e for e in network.edges if actor.id in (e.source, e.target)]
    agree = sum(len(e.agree) for e in ties)
    conflict = sum(len(e.conflict) for e in ties)
    coalition = f"coalition {actor.coalition}" if actor.coalition else "in no coalition"
    return (
        f"<h3>{html.escape(actor.name)}</h3><p>{html.escape(actor.category)} \u00b7 "
        f"{counted(actor.statement_count, 'statement')} \u00b7 positions on "
        f"{counted(actor.activity, 'proposal')} \u00b7 {coalition}<br>"
        f"{counted(len(ties), 'tie')}: {agree} agreements, {conflict} conflicts "
        "(counted proposal by proposal, with each stakeholder drawn)</p>"
    )


def stances_html(positions: Sequence[PositionRow], otherwise: str) -> str:
    """Positions as sentences: who, which stance (word and glyph), on what, our summary."""
    text = "".join(
        f"<p><b>{html.escape(p.stakeholder)}</b> {_stance(p.stance)} on "
        f"<b>{html.escape(p.proposal)}</b>: {html.escape(p.summary)}</p>"
        for p in positions
    )
    return text or f"<p>{html.escape(otherwise)}</p>"


def _stance(stance: str) -> str:
    return f"{STANCE_GLYPHS.get(stance, '')} {html.escape(stance)}"


def _quotes(quotes: tuple[QuoteRow, ...]) -> str:
    return "".join(
        f"<li>\u201c{html.escape(q.text)}\u201d \u2014 {html.escape(q.kind_label)}, "
        f"{html.escape(q.source_name)}</li>"
        for q in quotes
    )


def tie_html(first: str, second: str, ties: list[TieProposal]) -> str:
    """A tie proposal by proposal: both sides' stances, summaries and evidence statements."""
    words = {"agree": "agree", "conflict": "conflict", "neither": "neither agree nor conflict"}
    agree = sum(t.relation == "agree" for t in ties)
    conflict = sum(t.relation == "conflict" for t in ties)
    parts = [
        f"<h3>{html.escape(first)} and {html.escape(second)}</h3>"
        f"<p>Agree on {counted(agree, 'proposal')}, "
        f"conflict on {counted(conflict, 'proposal')}.</p>"
    ]
    for t in ties:
        parts.append(
            f"<h4>{html.escape(t.proposal)}: they {words[t.relation]}</h4>"
            f"<p><b>{html.escape(t.first.stakeholder)}</b> {_stance(t.first.stance)}: "
            f"{html.escape(t.first.summary)}</p><ul>{_quotes(t.first_evidence)}</ul>"
            f"<p><b>{html.escape(t.second.stakeholder)}</b> {_stance(t.second.stance)}: "
            f"{html.escape(t.second.summary)}</p><ul>{_quotes(t.second_evidence)}</ul>"
        )
    return "".join(parts)
