"""e2a node: everything a worker needs to speak units of a book (no GUI outside tray)."""

__version__ = "0.1.0"
