"""A stable-ABI extension module: one wheel for every CPython >= 3.8."""
from ._limited import mul

__version__ = "1.0.0"
