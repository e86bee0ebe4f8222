"""What a device on an I2C bus implements, whichever controller drives the bus (the
nRF52840's TWIM, another SoC's I2C block). Addresses are 7-bit.

A transfer, as the controller sees it: a (repeated) start addressed to a device,
which acknowledges or not; bytes written (each acknowledged or not) or read; a stop.
"""
from __future__ import annotations


class I2CDevice:
    name = ""                          # how the board description names the device
    addresses: tuple[int, ...] = ()

    def i2c_start(self, address: int, read: bool) -> bool:
        """A (repeated) start addressed to `address`; True to acknowledge."""
        return address in self.addresses

    def i2c_write(self, address: int, byte: int) -> bool:
        """A byte from the controller; True to acknowledge it."""
        return True

    def i2c_read(self, address: int) -> int:
        """The next byte the device sends (0xFF: nothing drives the bus low)."""
        return 0xFF

    def i2c_stop(self, address: int) -> None:
        """The controller ends the transfer."""
