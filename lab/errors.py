"""Errors the lab reports to users as one line (and exit status 2)."""


class LabError(Exception):
    """Bad input or a missing tool: the message says what to do."""
