# a comment before the docstring
("Implicit "
 'concatenation' r" \n raw"  # comment
 )
__version__ = ("1.0")
