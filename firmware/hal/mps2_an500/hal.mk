# MPS2 AN500: Cortex-M7 (ARMv7E-M: DSP extension) with the double-precision FPv5 FPU,
# hard-float ABI
CPU_FLAGS := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-d16
LDSCRIPT  := $(HAL_DIR)/mps2_an500.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c
