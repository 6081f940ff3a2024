"""BOM and café"""
__version__ = "1.0"
