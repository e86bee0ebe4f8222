"""The embedded engineer's tools around a run: a GDB server, the UART on a serial
port, waveforms (VCD) and traces.

Each tool attaches to a Session through the machine's small hook points and the
peripherals' listeners; none changes what the firmware computes or how many cycles
it takes.
"""
