"""deliberun: a local-first deliberate-practice system for runners."""

__version__ = "0.1.0"
