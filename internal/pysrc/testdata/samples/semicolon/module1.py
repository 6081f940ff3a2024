"Docstring"; import os; __version__ = '0.4'
