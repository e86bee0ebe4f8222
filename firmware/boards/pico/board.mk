# Raspberry Pi Pico: RP2040 (core 0), LED on GP25, no sensors.
HAL := rp2040
SOC := rp2040
