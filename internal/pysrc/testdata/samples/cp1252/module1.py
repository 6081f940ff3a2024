#!/usr/bin/env python
# vim: set fileencoding=cp1252 :
"""“Smart” quotes € …"""
__version__ = "1.0"
