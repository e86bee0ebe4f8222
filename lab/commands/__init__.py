"""`lab` subcommands: each module has register(subparsers) adding its parsers.

A parser's `handler` default is called with the parsed args and returns the exit
status. LabError escaping a handler becomes one line on stderr and exit 2.
"""
