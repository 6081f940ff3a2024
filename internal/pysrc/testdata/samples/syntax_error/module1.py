"""Docstring"""

__version__ = "1.0

def f(): pass
