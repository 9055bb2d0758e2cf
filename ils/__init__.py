"""ils: an offline-first integrated library system for county public libraries.

Importing this package must stay cheap and must not load Textual: the command
line, the tests and the union catalogue all import the services without a UI.
"""

__version__ = "0.1.0"
