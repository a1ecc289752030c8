"""Allow ``python -m carebrowser``."""

from carebrowser.cli import main

raise SystemExit(main())
