"""Virtual MCU Lab: TinyML firmware on simulated microcontroller boards."""

__version__ = "0.1.0"
