"""goflit: Flit's build backend and command line, as one fast Go binary.

This package is only a thin shim: ``goflit.buildapi`` implements the PEP 517 /
PEP 660 hooks by running the ``goflit`` executable that ships in the same
wheel (under ``.data/scripts``), and ``python -m goflit`` runs that executable.
"""

__version__ = "0.1.0"
