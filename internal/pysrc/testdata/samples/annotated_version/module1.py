"""This module has a type annotation for __version__."""

__version__: str = "0.1"
