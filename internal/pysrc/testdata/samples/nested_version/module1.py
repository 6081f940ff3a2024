"""Only module-level statements count."""
import sys

if sys.version_info > (3,):
    __version__ = "1.0"
else:
    __version__ = "0.9"

try:
    __version__ = "2.0"
except ImportError:
    pass

def f():
    __version__ = "3.0"

class C:
    __version__ = "4.0"

if True: __version__ = "5.0"
__version__ += "x"
__version__, x = "6.0", 1
__version__ = f"7.{0}"
__version__ = "8." "0" \
    ".1"
__version__ = "9.0"
