"""carebrowser export network: who stands with whom, as GraphML or a CSV list of ties."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from carebrowser.analysis.kinds import DEFAULT_LIMIT, DEFAULT_NORMALISATION, KINDS, NORMALISATIONS
from carebrowser.cli.reading import EXIT_USAGE
from carebrowser.queries import Archive, Filters


def add_network_options(parser: argparse.ArgumentParser) -> None:
    """--kind, --normalise and --most: which network of whom (export network only)."""
    parser.add_argument(
        "--kind",
        choices=KINDS,
        default="both",
        help="network: agreement (congruence), conflict, both, agreement minus conflict "
        "(subtract) or stakeholders and proposals (affiliation); default both",
    )
    parser.add_argument(
        "--normalise",
        choices=NORMALISATIONS,
        default=DEFAULT_NORMALISATION,
        help="network: divide each tie as the Discourse Network Analyzer does; default none "
        "(a tie's weight is a number of proposals)",
    )
    parser.add_argument(
        "--most",
        type=int,
        default=DEFAULT_LIMIT,
        metavar="N",
        help=f"network: the N most active stakeholders (default {DEFAULT_LIMIT})",
    )


def write_network(archive: Archive, args: argparse.Namespace, filters: Filters) -> int:
    """Write the network asked for: GraphML (-o FILE.graphml or --format graphml) or CSV."""
    from carebrowser.analysis.networks import read_network
    from carebrowser.export.networks import network_edges_table, write_graphml
    from carebrowser.export.writers import write_csv

    suffix = Path(str(args.output or "")).suffix.lower()
    export_format = args.format or {".graphml": "graphml", ".xlsx": "xlsx"}.get(suffix, "csv")
    if export_format == "xlsx":
        print("carebrowser: a network is written as graphml or csv", file=sys.stderr)
        return EXIT_USAGE
    if export_format == "graphml" and not args.output:
        print("carebrowser: a graphml export needs a file: add -o FILE.graphml", file=sys.stderr)
        return EXIT_USAGE
    if args.most < 2:
        print("carebrowser: --most needs at least 2 stakeholders", file=sys.stderr)
        return EXIT_USAGE
    network = read_network(archive, filters, args.kind, args.normalise, args.most)
    if network.left_out:
        print(
            f"carebrowser: the {len(network.actors)} most active of "
            f"{len(network.actors) + network.left_out} stakeholders ({network.left_out} left "
            "out; --most N draws more)",
            file=sys.stderr,
        )
    if export_format == "graphml":
        write_graphml(network, Path(args.output))
    else:
        write_csv(network_edges_table(network), Path(args.output) if args.output else sys.stdout)
    return 0
