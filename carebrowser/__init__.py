"""carebrowser: browse what every stakeholder said about the 2001-2002 social services reforms."""

__version__ = "0.1.0"
