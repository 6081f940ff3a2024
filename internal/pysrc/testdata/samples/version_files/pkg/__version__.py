"""not this docstring"""
__version__ = "1.0"
