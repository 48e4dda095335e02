"""Tables of the plan area (see tables.py)."""
