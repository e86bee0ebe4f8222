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


class RegisterDevice(I2CDevice):
    """A chip whose registers the controller reads and writes through a register pointer
    (ST's and Bosch's sensors): after a start for writing, the first byte is the
    sub-address the pointer moves to; the bytes that follow write registers from the
    pointer on, and reads read from it. The pointer moves to the next register after
    each access while the chip auto-increments. A package with two addresses (an
    accelerometer and a magnetometer) keeps one pointer per address.

    A subclass says which register map an address reaches (`registers_at`), and where
    its chip differs: what a sub-address byte also carries (`subaddress_written`),
    when the pointer stays (`auto_increments`), when registers ignore the bus
    (`registers_accessible`)."""

    def __init__(self, addresses: tuple[int, ...]):
        self.addresses = addresses
        self._pointer = dict.fromkeys(addresses, 0)
        self._expect_subaddress = False

    def registers_at(self, address: int):
        return self.regs

    def subaddress_written(self, address: int, byte: int) -> None:
        self._pointer[address] = byte & 0x7F

    def auto_increments(self, address: int, register: int) -> bool:
        return True

    def registers_accessible(self, address: int) -> bool:
        """False where the chip ignores writes and reads 0x00 (a power-down mode)."""
        return True

    def i2c_start(self, address: int, read: bool) -> bool:
        if address not in self.addresses:
            return False
        self._expect_subaddress = not read
        return True

    def i2c_write(self, address: int, byte: int) -> bool:
        if self._expect_subaddress:
            self._expect_subaddress = False
            self.subaddress_written(address, byte)
            return True
        if self.registers_accessible(address):
            self.registers_at(address).write(self._pointer[address], byte)
        self._advance(address)
        return True

    def i2c_read(self, address: int) -> int:
        value = self.registers_at(address).read(self._pointer[address]) \
            if self.registers_accessible(address) else 0x00
        self._advance(address)
        return value

    def _advance(self, address: int) -> None:
        if self.auto_increments(address, self._pointer[address]):
            self._pointer[address] = (self._pointer[address] + 1) & 0x7F
