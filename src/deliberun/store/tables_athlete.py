"""Tables of the athlete area (see tables.py)."""
