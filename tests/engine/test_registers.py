"""The register/field declaration helper (lab.engines.embedded.registers), mode by mode,
and the nRF52840 / LSM9DS1 registers declared with it where they follow the datasheets."""
from __future__ import annotations

import pytest

from lab import platforms
from lab.engines.embedded.machine import Machine
from lab.engines.embedded.peripheral import Peripheral
from lab.engines.embedded.registers import RC, RO, W1C, W1S, WO, RegisterMap


class Block(Peripheral):
    """A peripheral with only the registers a test declares (no machine needed)."""

    def __init__(self):
        super().__init__(machine=None, name="block", base=0)


def word(block: Block, offset: int) -> int:
    return block.read(offset, 4)


# ------------------------------------------------------------------ field modes
def test_read_write_fields_keep_their_bits_and_reserved_bits_read_zero():
    block = Block()
    block.regs.define(0x10, "CONFIG").with_flag(0, "HWFC").with_value_field(1, 3, "PARITY") \
        .with_flag(4, "STOP", reset=1)
    assert word(block, 0x10) == 0x10                      # STOP resets to 1
    block.write(0x10, 4, 0xFFFFFFFF)
    assert word(block, 0x10) == 0x1F                      # bits 5..31 are reserved
    assert block.regs.value("CONFIG", "PARITY") == 7
    block.write(0x10, 4, 0b01010)
    assert (block.regs.value("CONFIG", "HWFC"), block.regs.value("CONFIG", "PARITY"),
            block.regs.value("CONFIG", "STOP")) == (0, 5, 0)
    block.regs.reset()
    assert word(block, 0x10) == 0x10


def test_read_only_fields_ignore_writes_and_can_compute_their_value():
    block = Block()
    counter = [41]
    block.regs.define(0x04, "COUNTER").with_value_field(0, 24, mode=RO,
                                                         value=lambda: counter[0])
    block.regs.define(0x08, "ID").with_value_field(0, 8, mode=RO, reset=0x68)
    block.write(0x04, 4, 0x123)
    block.write(0x08, 4, 0)
    assert word(block, 0x08) == 0x68
    counter[0] = 0x1234567                                # wider than the 24-bit field
    assert word(block, 0x04) == 0x234567


def test_write_only_fields_read_zero_and_pass_the_written_value_to_their_callback():
    block = Block()
    triggered = []
    block.regs.define(0x00, "TASKS_START").with_flag(0, mode=WO, write=triggered.append)
    block.write(0x00, 4, 1)
    block.write(0x00, 4, 0)
    assert triggered == [1, 0]
    assert word(block, 0x00) == 0


def test_write_1_to_clear_clears_only_the_ones_written():
    block = Block()
    block.regs.define(0x480, "ERRORSRC").with_flag(0, "OVERRUN", mode=W1C) \
        .with_flag(1, "PARITY", mode=W1C).with_flag(2, "FRAMING", mode=W1C)
    block.regs.set("ERRORSRC", 1, "OVERRUN")              # the hardware sets them
    block.regs.set("ERRORSRC", 1, "FRAMING")
    assert word(block, 0x480) == 0b101
    block.write(0x480, 4, 0)
    assert word(block, 0x480) == 0b101
    block.write(0x480, 4, 0b001)
    assert word(block, 0x480) == 0b100


def test_write_1_to_set_sets_only_the_ones_written():
    block = Block()
    block.regs.define(0x20, "ENABLES").with_value_field(0, 8, mode=W1S)
    block.write(0x20, 4, 0x81)
    block.write(0x20, 4, 0x00)
    block.write(0x20, 4, 0x02)
    assert word(block, 0x20) == 0x83


def test_read_to_clear_returns_the_value_once():
    block = Block()
    block.regs.define(0x2C, "SOURCE").with_flag(6, "OVRN", mode=RC)
    block.regs.set("SOURCE", 1, "OVRN")
    assert block.regs.value("SOURCE", "OVRN") == 1        # the model's look: no side effect
    block.write(0x2C, 4, 0)                               # writes cannot clear it
    assert word(block, 0x2C) == 0x40
    assert word(block, 0x2C) == 0


# ------------------------------------------------------------------- callbacks
def test_field_callbacks_write_change_and_read():
    block = Block()
    calls = []
    block.regs.define(0x08, "FIFO", write=lambda v: calls.append(("register", v))) \
        .with_value_field(0, 4, "MODE", write=lambda v: calls.append(("write", v)),
                          change=lambda old, new: calls.append(("change", old, new))) \
        .with_value_field(8, 8, "DATA", mode=RO, value=lambda: 0x5A,
                          read=lambda v: calls.append(("read", v)))
    block.write(0x08, 4, 3)
    block.write(0x08, 4, 3)
    assert calls == [("write", 3), ("change", 0, 3), ("register", 3),
                     ("write", 3), ("register", 3)]
    calls.clear()
    assert word(block, 0x08) == 0x5A03
    assert calls == [("read", 0x5A)]


def test_callbacks_run_once_every_field_of_the_write_is_stored():
    block = Block()
    seen = []
    block.regs.define(0x00, "CTRL") \
        .with_flag(0, "GO", write=lambda v: seen.append(block.regs.value("CTRL", "SPEED"))) \
        .with_value_field(4, 4, "SPEED")
    block.write(0x00, 4, 0x71)
    assert seen == [7]                                    # SPEED was written with GO


# -------------------------------------------------------------- set/clear pairs
def test_set_and_clear_registers_act_on_their_register_and_read_it():
    block = Block()
    changes = []
    block.regs.define(0x504, "OUT", write=lambda v: changes.append(block.regs.value("OUT"))) \
        .with_flags(0, 16, "PIN")
    block.regs.define_set(0x508, "OUTSET", of="OUT")
    block.regs.define_clear(0x50C, "OUTCLR", of="OUT")
    block.write(0x508, 4, 0x0001_0005)                     # bit 16 is no pin of this port
    block.write(0x50C, 4, 0x0000_0004)
    block.write(0x508, 4, 0)
    assert word(block, 0x504) == word(block, 0x508) == word(block, 0x50C) == 0x1
    assert changes == [0x5, 0x1, 0x1]                     # OUT's own callback, every time


def test_a_register_without_an_address_is_reached_through_its_set_and_clear_views():
    block = Block()
    block.regs.define(None, "INTEN").with_flag(0, "TICK").with_flag(16, "COMPARE0")
    block.regs.define_set(0x304, "INTENSET", of="INTEN")
    block.regs.define_clear(0x308, "INTENCLR", of="INTEN")
    block.write(0x304, 4, 0xFFFFFFFF)
    assert word(block, 0x304) == 0x10001
    block.write(0x308, 4, 1)
    assert word(block, 0x308) == 0x10000
    assert word(block, 0x300) == 0                        # no INTEN on the bus


# ---------------------------------------------------------------- narrow writes
def test_narrow_writes_reach_only_their_byte_lanes():
    block = Block()
    calls = []
    block.regs.define(0x500, "PRESCALER").with_value_field(0, 12, write=calls.append)
    block.regs.define(0x504, "WIDE").with_value_field(0, 32)
    block.write(0x504, 4, 0x11223344)
    block.write(0x505, 1, 0xAB)                           # read-modify-write of one byte
    block.write(0x506, 2, 0xCDEF)
    assert word(block, 0x504) == 0xCDEFAB44
    block.write(0x502, 2, 0xFFFF)                         # no field in these lanes
    assert calls == [] and word(block, 0x500) == 0
    block.write(0x501, 1, 0x0F)                           # the upper part of the field
    assert calls == [0xF00] and word(block, 0x500) == 0xF00


def test_narrow_writes_to_command_fields_are_commands_not_read_modify_write():
    block = Block()
    fired = []
    block.regs.define(0x480, "ERRORSRC").with_value_field(0, 16, "FLAGS", mode=W1C)
    block.regs.define(0x504, "OUT").with_value_field(0, 32)
    block.regs.define_set(0x508, "OUTSET", of="OUT")
    block.regs.define(0x00C, "TASKS_STOP").with_flag(0, mode=WO, write=fired.append)
    block.regs.set("ERRORSRC", 0xFFFF)
    block.write(0x481, 1, 0x01)                           # clears bit 8 only
    assert word(block, 0x480) == 0xFEFF
    block.write(0x50A, 1, 0x80)                           # sets bit 23 only
    assert word(block, 0x504) == 0x00800000
    block.write(0x00D, 1, 0xFF)                           # no lane of the task bit
    block.write(0x00C, 1, 0x01)
    assert fired == [1]


def test_registers_without_fields_are_one_value_and_strobe_offsets_make_commands():
    block = Block()
    written = []
    block.regs.define(0x00, "PLAIN", writable=0x0000FFFF)
    block.regs.define(0x04, "STIR", writable=0, write=written.append)
    block.strobe_offsets = frozenset({0x04})
    block.write(0x00, 4, 0x12345678)
    block.write(0x01, 1, 0xAA)
    assert word(block, 0x00) == 0xAA78
    block.write(0x05, 1, 0x01)
    assert written == [0x100]                             # the other bytes count as 0


# -------------------------------------------------------------- declarations
def test_overlapping_fields_and_duplicate_registers_are_refused():
    regs = RegisterMap("block")
    register = regs.define(0x00, "CTRL").with_value_field(0, 4, "MODE")
    with pytest.raises(ValueError, match="overlaps"):
        register.with_flag(3, "GO")
    with pytest.raises(ValueError, match="overlaps"):
        register.with_value_field(30, 4, "TOP")
    with pytest.raises(ValueError, match="declared twice"):
        regs.define(0x00, "OTHER")


def test_byte_wide_maps_and_unmodelled_offsets():
    regs = RegisterMap("imu", width=8)
    regs.define(0x22, "CTRL_REG8").with_flag(2, "IF_ADD_INC", reset=1).with_flag(6, "BDU")
    regs.write(0x22, 0x1FF)
    assert regs.read(0x22) == 0x44
    assert regs.read(0x23) == 0                           # nobody declared it
    regs.write(0x23, 0xFF)
    assert regs.read(0x23) == 0


# ------------------------------------------- the models, as their datasheets say
@pytest.fixture
def machine():
    board = Machine(platforms.load("nrf52840"))
    yield board
    board.close()


def test_gpio_dirset_and_pin_cnf_dir_are_the_same_bit(machine):
    gpio = machine.peripherals["gpio0"]
    gpio.write(0x518, 4, 1 << 13)                         # DIRSET
    assert gpio.read(0x700 + 4 * 13, 4) == 0x3            # PIN_CNF[13]: DIR, INPUT
    gpio.write(0x700 + 4 * 5, 4, 0x1)                     # PIN_CNF[5].DIR = output
    assert gpio.read(0x514, 4) == (1 << 13) | (1 << 5)    # DIR


def test_pin_select_registers_reset_to_disconnected_and_read_back(machine):
    uart = machine.peripherals["uart0"]
    assert uart.read(0x50C, 4) == 0xFFFFFFFF              # PSEL.TXD
    uart.write(0x50C, 4, 0x26)                            # P1.06
    assert uart.read(0x50C, 4) == 0x26


def test_interrupt_enables_have_one_bit_per_event(machine):
    uart = machine.peripherals["uart0"]
    uart.write(0x304, 4, 0xFFFFFFFF)                      # INTENSET
    events = (0, 1, 2, 4, 7, 8, 9, 17, 19, 20, 22)        # PS: UARTE INTEN bits
    assert uart.read(0x300, 4) == sum(1 << bit for bit in events)


def test_power_keeps_reset_reasons_through_a_soft_reset_until_cleared(machine):
    power = machine.peripherals["clock"]
    machine.system_reset()
    machine.system_reset()
    assert power.read(0x400, 4) == 1 << 2                 # RESETREAS.SREQ
    power.write(0x400, 4, 1 << 2)                         # write 1 to clear
    assert power.read(0x400, 4) == 0


def test_ram_power_set_and_clear_registers_act_on_ram_power(machine):
    power = machine.peripherals["clock"]
    power.write(0x908, 4, 0x0000000F)                     # RAM[0].POWERCLR
    power.write(0x904, 4, 0x00030000)                     # RAM[0].POWERSET
    assert power.read(0x900, 4) == power.read(0x904, 4) == 0x0003FFF0


def test_uarte_errorsrc_is_write_1_to_clear(machine):
    uart = machine.peripherals["uart0"]
    uart.regs.set("ERRORSRC", 1, "OVERRUN")
    uart.write(0x480, 4, 0)
    assert uart.read(0x480, 4) == 1
    uart.write(0x480, 4, 1)
    assert uart.read(0x480, 4) == 0


def test_lsm9ds1_soft_resets_and_read_only_identity(machine):
    imu = machine.peripherals["twim0"].device("imu")

    def write(address, register, value):
        imu.i2c_start(address, read=False)
        imu.i2c_write(address, register)
        imu.i2c_write(address, value)
        imu.i2c_stop(address)

    def read(address, register):
        imu.i2c_start(address, read=False)
        imu.i2c_write(address, register)
        imu.i2c_start(address, read=True)
        return imu.i2c_read(address)

    write(0x1E, 0x0F, 0x00)                               # WHO_AM_I_M is read-only
    assert read(0x1E, 0x0F) == 0x3D
    write(0x1E, 0x20, 0xB4)                               # CTRL_REG1_M
    write(0x1E, 0x21, 0x0C)                               # CTRL_REG2_M: REBOOT, SOFT_RST
    assert (read(0x1E, 0x20), read(0x1E, 0x21)) == (0x10, 0x00)   # defaults again
    write(0x6B, 0x23, 0x02)                               # CTRL_REG9: FIFO_EN
    write(0x6B, 0x22, 0x05)                               # CTRL_REG8: SW_RESET, IF_ADD_INC
    assert (read(0x6B, 0x22), read(0x6B, 0x23)) == (0x04, 0x00)
    assert read(0x1E, 0x30) == 0x08                       # INT_CFG_M: bit 3 reads 1
