"""Running a command that reads the archive: opening the database, and its failures as one line."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable

from carebrowser import exit_status as status
from carebrowser.data.database import (
    QUERY_ERRORS,
    DatabaseError,
    is_query_failure,
    query_error_message,
)
from carebrowser.data.dna_cache import open_database_or_dna
from carebrowser.queries import Archive, UnknownName

#: The command line is wrong (carebrowser.cli.status).
EXIT_USAGE = status.USAGE

_log = logging.getLogger("carebrowser.cli")


def run_on_archive(args: argparse.Namespace, command: Callable[[Archive], int]) -> int:
    """Open the database --db names (the bundled one by default) and run *command* on it.

    A name not found or an unreadable DNA file (status 2), a database that cannot be opened or
    read, or a failed export (status 1) is one line on stderr.
    """
    # Only for the commands that read: the window starts sooner without them.
    from carebrowser.data.dna_file import DnaFileError
    from carebrowser.export import ExportError

    try:
        engine, info = open_database_or_dna(args.db)
    except DatabaseError as error:
        _log.warning("cannot open %s", args.db or "the bundled dataset", exc_info=True)
        print(f"carebrowser: {error}", file=sys.stderr)
        # A DNA file that cannot be read is bad input, as for 'carebrowser import dna'.
        return EXIT_USAGE if isinstance(error, DnaFileError) else status.FAILED
    try:
        return command(Archive(engine))
    except UnknownName as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ExportError as error:
        print(f"carebrowser: {error}", file=sys.stderr)
        return status.FAILED
    except BrokenPipeError:
        return 0
    except QUERY_ERRORS as error:
        if not is_query_failure(error):
            raise
        _log.error("query failed on %s", info.label, exc_info=True)
        print(f"carebrowser: {query_error_message(error, info)}", file=sys.stderr)
        return status.FAILED
    finally:
        engine.dispose()
