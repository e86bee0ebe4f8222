"""Sensor data sets turned into timed sample streams (WAV, CSV, RESD)."""
