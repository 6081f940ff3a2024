"""An empty version is falsy: flit imports the module instead"""
__version__ = ''
