"""Thin Typer + Rich command line over ``deliberun.services``."""
