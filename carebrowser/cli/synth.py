"""carebrowser synth: write a synthetic archive of a given size, for the benchmarks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any, TextIO

from carebrowser.cli.options import add_output_option
from carebrowser.cli.reading import EXIT_USAGE

NAME = "synth"


def add_command(commands: Any) -> None:
    """Add `synth` to the command line's commands (a subparsers action)."""
    synth = commands.add_parser(NAME, help="write a synthetic archive (for benchmarks)")
    synth.add_argument("--quotes", type=int, required=True, metavar="N", help="statements")
    synth.add_argument("--stakeholders", type=int, metavar="N", help="default: quotes / 50")
    synth.add_argument("--proposals", type=int, metavar="N", help="default: quotes / 500")
    synth.add_argument("--sources", type=int, metavar="N", help="default: quotes / 10")
    synth.add_argument("--seed", type=int, default=0, metavar="S", help="default: 0")
    add_output_option(synth, type=Path, required=True, metavar="FILE")


def run(args: argparse.Namespace) -> int:
    """Write the archive, saying its size and how long it took."""
    return _synth(args, sys.stdout)


def _synth(args: argparse.Namespace, out: TextIO) -> int:
    import time

    from carebrowser.data.synth import Sizes, synthesize

    try:
        sizes = Sizes.for_quotes(args.quotes, args.stakeholders, args.proposals, args.sources)
    except ValueError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    synthesize(args.output, sizes, args.seed)
    out.write(
        f"wrote {args.output}: {sizes.quotes} statements, {sizes.stakeholders} stakeholders, "
        f"{sizes.proposals} proposals, {sizes.sources} sources "
        f"in {time.perf_counter() - started:.1f} s\n"
    )
    return 0
