"""RP2040 XIP_SSI (0x18000000): the Synopsys DW_apb_ssi that serves execute-in-place.

RP2040 datasheet §4.10 (SSI), registers §4.10.13:
  0x00 CTRLR0   DFS [3:0], FRF [5:4], SCPH [6], SCPOL [7], TMOD [9:8], SLV_OE [10],
                SRL [11], CFS [15:12], DFS_32 [20:16], SPI_FRF [22:21], SSTE [24]
  0x04 CTRLR1   NDF [15:0]        0x08 SSIENR  SSI_EN [0]
  0x10 SER      [0]               0x14 BAUDR   SCKDV [15:0]
  0x18 TXFTLR, 0x1C RXFTLR        0x28 SR      TFNF [1], TFE [2] (reset 0x6: idle)
  0x2C IMR (reset 0x3F)           0x58 IDR     0x51535049
  0x5C SSI_VERSION_ID 0x3430312A  0xF0 RX_SAMPLE_DLY [7:0]
  0xF4 SPI_CTRLR0 TRANS_TYPE [1:0], ADDR_L [5:2], INST_L [9:8], WAIT_CYCLES [15:11],
                SPI_DDR_EN [16], INST_DDR_EN [17], SPI_RXDS_EN [18], XIP_CMD [31:24]
                (reset 0x03000000)
  0xF8 TXD_DRIVE_EDGE [7:0]
§2.8.1.2 / 4.10: configuration registers are written only while SSIENR is 0.
The registers are stored as boot2 programs them; the flash reads themselves are
memory in the lab (the XIP window always returns the image, whatever the mode), and
direct commands through DR0 (erase, program, read ID) are not modelled.
"""
from __future__ import annotations

import logging

from ..peripheral import Peripheral
from ..registers import RO

log = logging.getLogger("lab.rp2040")


class Ssi(Peripheral):
    size = 0x1000

    def __init__(self, machine, name, base, irq=None, **options):
        super().__init__(machine, name, base, irq, **options)
        r = self.regs
        r.define(0x00, "CTRLR0", write=lambda v: self._configured("CTRLR0")) \
            .with_value_field(0, 4, "DFS").with_value_field(4, 2, "FRF") \
            .with_flag(6, "SCPH").with_flag(7, "SCPOL").with_value_field(8, 2, "TMOD") \
            .with_flag(10, "SLV_OE").with_flag(11, "SRL").with_value_field(12, 4, "CFS") \
            .with_value_field(16, 5, "DFS_32").with_value_field(21, 2, "SPI_FRF") \
            .with_flag(24, "SSTE")
        r.define(0x04, "CTRLR1").with_value_field(0, 16, "NDF")
        r.define(0x08, "SSIENR").with_flag(0, "SSI_EN")
        r.define(0x10, "SER").with_flag(0)
        r.define(0x14, "BAUDR", write=lambda v: self._configured("BAUDR")) \
            .with_value_field(0, 16, "SCKDV")
        r.define(0x18, "TXFTLR").with_value_field(0, 8, "TFT")
        r.define(0x1C, "RXFTLR").with_value_field(0, 8, "RFT")
        r.define(0x28, "SR").with_flag(1, "TFNF", mode=RO, reset=1) \
            .with_flag(2, "TFE", mode=RO, reset=1)
        r.define(0x2C, "IMR").with_value_field(0, 6, reset=0x3F)
        r.define(0x58, "IDR").with_value_field(0, 32, mode=RO, reset=0x51535049)
        r.define(0x5C, "SSI_VERSION_ID").with_value_field(0, 32, mode=RO, reset=0x3430312A)
        r.define(0xF0, "RX_SAMPLE_DLY").with_value_field(0, 8, "RSD")
        r.define(0xF4, "SPI_CTRLR0", write=lambda v: self._configured("SPI_CTRLR0")) \
            .with_value_field(0, 2, "TRANS_TYPE").with_value_field(2, 4, "ADDR_L") \
            .with_value_field(8, 2, "INST_L").with_value_field(11, 5, "WAIT_CYCLES") \
            .with_flag(16, "SPI_DDR_EN").with_flag(17, "INST_DDR_EN") \
            .with_flag(18, "SPI_RXDS_EN").with_value_field(24, 8, "XIP_CMD", reset=0x03)
        r.define(0xF8, "TXD_DRIVE_EDGE").with_value_field(0, 8, "TDE")

    def _configured(self, register: str) -> None:
        if self.regs.value("SSIENR"):
            log.warning("%s: %s written while the SSI is enabled (the hardware ignores it "
                        "there; the lab stores it)", self.name, register)
