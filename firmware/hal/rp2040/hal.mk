# RP2040 (Raspberry Pi Pico): Cortex-M0+, ARMv6-M, no FPU (soft float)
CPU_FLAGS := -mcpu=cortex-m0plus -mthumb
LDSCRIPT  := $(HAL_DIR)/rp2040.ld
PYTHON    ?= python3
# boot2: assembled and linked at its SRAM address, padded and checksummed into .boot2
BOOT2_DIR := $(OUT)/obj/boot2
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/cycles_systick.c \
             $(BOOT2_DIR)/boot2_padded.S

$(BOOT2_DIR)/boot2.elf: $(HAL_DIR)/boot2.S
	@mkdir -p $(dir $@)
	$(CC) $(CPU_FLAGS) -nostdlib -Wl,--section-start=.text=0x20041F00 -Wl,-e,_boot2 $< -o $@

$(BOOT2_DIR)/boot2.bin: $(BOOT2_DIR)/boot2.elf
	arm-none-eabi-objcopy -O binary -j .text $< $@

$(BOOT2_DIR)/boot2_padded.S: $(BOOT2_DIR)/boot2.bin $(HAL_DIR)/pad_boot2.py
	$(PYTHON) $(HAL_DIR)/pad_boot2.py $< $@
