"""A bytes version"""
__version__ = b'1.0'
