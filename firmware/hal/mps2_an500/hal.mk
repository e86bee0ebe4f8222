# MPS2 AN500: Cortex-M7 (ARMv7E-M: DSP extension), hard-float ABI. The core has the
# double-precision FPv5, but Unicorn 2.1.4's Cortex-M7 (the embedded engine) decodes only
# its single-precision instructions (VCVT.F64.F32, VADD.F64 are undefined there): firmware
# is built for FPv5-SP, which the double-precision unit runs unchanged (doubles in software).
CPU_FLAGS := -mcpu=cortex-m7 -mthumb -mfloat-abi=hard -mfpu=fpv5-sp-d16
LDSCRIPT  := $(HAL_DIR)/mps2_an500.ld
HAL_SRCS  := $(wildcard $(HAL_DIR)/*.c) $(HAL_DIR)/../common/semihosting.c $(HAL_DIR)/../common/startup_semihosting.c \
             $(HAL_DIR)/../common/leds_fpgaio.c
