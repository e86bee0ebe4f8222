# MPS2 AN385: Cortex-M3 (ARMv7-M: no FPU, no DSP extension), soft-float ABI
CPU_FLAGS := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
LDSCRIPT  := $(HAL_DIR)/mps2_an385.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c \
             $(HAL_DIR)/../common/leds_fpgaio.c
