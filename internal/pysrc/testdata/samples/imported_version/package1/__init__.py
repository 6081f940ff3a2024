"""This module has a __version__ that requires a relative import"""

from ._version import __version__

import a_package_that_doesnt_exist
