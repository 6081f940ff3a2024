"""
Docstring formatted like this.
"""

a = {}
# An assignment to a subscript (a['test']) must not stop the search
a['test'] = 6

__version__ = '7.0'
