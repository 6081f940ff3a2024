"""The package docstring wins; the version comes from version.py."""
from .version import __version__
