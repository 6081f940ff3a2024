__version__ = '7.0'
