"""Analysis computed from query rows: who stands with whom (networks, coalitions, layout), and how
positions moved over time (timeline). No Qt.

carebrowser.analysis.kinds holds the choices (kinds, normalisations, the stance scale) without
networkx; carebrowser.analysis.networks the networks, carebrowser.analysis.layout their layout;
carebrowser.analysis.timeline the changes of position.
"""
