"""Tables of the core area (see tables.py)."""
