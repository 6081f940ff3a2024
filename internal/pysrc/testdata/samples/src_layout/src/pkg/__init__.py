'''
	Indented docstring with a tab.

	  Second paragraph, indented further.
    '''
__version__ = "\N{DIGIT ONE}.\x32.\u0033"
