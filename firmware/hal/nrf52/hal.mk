# nRF52 family (nRF52840, nRF52833): Cortex-M4F, hard-float ABI. The board's board.mk
# names the SoC (SOC), which picks the linker script with its memory sizes.
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
LDSCRIPT  := $(HAL_DIR)/$(SOC).ld
# The microphone: PDM (mic.c) unless the board's is analog (its board.mk: HAL_EXCLUDE := mic.c).
HAL_EXCLUDE ?= mic_saadc.c
HAL_SRCS  := $(filter-out $(addprefix $(HAL_DIR)/,$(HAL_EXCLUDE)),$(wildcard $(HAL_DIR)/*.c))
