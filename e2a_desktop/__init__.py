"""e2a desktop: the coordinator that turns an ebook into an audiobook."""

__version__ = "0.1.0"
