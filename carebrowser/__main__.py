"""Allow ``python -m carebrowser``."""

from carebrowser.launch import main

main()
