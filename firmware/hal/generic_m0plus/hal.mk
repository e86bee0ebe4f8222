# A generic Cortex-M0+ board (ARMv6-M: no divide, no DSP, no FPU, no IT), soft-float ABI
CPU_FLAGS := -mcpu=cortex-m0plus -mthumb -mfloat-abi=soft
LDSCRIPT  := $(HAL_DIR)/generic_m0plus.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c $(HAL_DIR)/../common/cycles_systick.c
