"""Fast arithmetic from a C extension module."""
from ._speed import add, fib, scaled

__version__ = "1.0.0"
__all__ = ["add", "fib", "scaled"]
