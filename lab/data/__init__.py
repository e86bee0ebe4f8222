"""Data sets the lab makes offline: synthetic speech commands and wand gestures."""
