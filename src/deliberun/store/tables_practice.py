"""Tables of the practice area (see tables.py)."""
