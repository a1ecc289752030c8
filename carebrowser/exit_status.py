"""The exit statuses of every command and of the window's start: one convention for all.

2 means the command line itself must change; 1 means it was right, but what it asked for could
not be done here and now. `carebrowser --help` and the README list them (EPILOG).
"""

from __future__ import annotations

#: Done.
OK = 0
#: Could not be done: a database that cannot be opened or read, a server that refuses or stopped
#: answering, a file that cannot be written, a check that found problems, no display.
FAILED = 1
#: The command line is wrong: an unknown command or option, a missing or invalid value, a name
#: that matches nothing, an xlsx export without a file.
USAGE = 2
#: An error nobody foresaw (EX_SOFTWARE): a bug to report, with the log file.
BUG = 70
#: Stopped by Ctrl+C, SIGTERM or SIGHUP (128 + SIGINT), nothing left half written.
INTERRUPTED = 130

EPILOG = """\
exit status:
  0    done
  1    could not be done: a database that cannot be opened or read, a server that
       refuses or stopped answering, a file that cannot be written, a failed check
  2    the command line is wrong: an unknown option, a missing or invalid value,
       a name that matches nothing (the message names the closest)
  70   an unexpected error: please report it with the log file it names
  130  interrupted (Ctrl+C, SIGTERM, SIGHUP): no partial file is left

A value that begins with '-' may follow its option (--search -care) or be joined
to it (--search=-care); --db may come before or after the command."""
