# MPS2 AN505: Cortex-M33 (ARMv8-M mainline with the DSP extension) with the
# single-precision FPv5 FPU, hard-float ABI; built for the Secure state it starts in
CPU_FLAGS := -mcpu=cortex-m33 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16
LDSCRIPT  := $(HAL_DIR)/mps2_an505.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c \
             $(HAL_DIR)/../common/leds_fpgaio.c
