"""A float version"""
__version__ = 0.1
