"""Thin Qt item models over the query layer's plain rows, one module each (imported as needed)."""
