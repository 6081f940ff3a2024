# -*- coding: latin-1 -*-
"""Café « crème »"""
__version__ = "1.0"
