# nRF52840: Cortex-M4F, hard-float ABI
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
LDSCRIPT  := $(HAL_DIR)/nrf52840.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c)
