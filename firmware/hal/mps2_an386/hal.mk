# MPS2 AN386: Cortex-M4F, hard-float ABI
CPU_FLAGS := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
LDSCRIPT  := $(HAL_DIR)/mps2_an386.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c \
             $(HAL_DIR)/../common/leds_fpgaio.c
