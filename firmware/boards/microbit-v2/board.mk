# BBC micro:bit v2: nRF52833, LSM303AGR, an analog MEMS microphone on AIN3 (SAADC).
HAL := nrf52
SOC := nrf52833
DRIVERS := imu_lsm303agr
HAL_EXCLUDE := mic.c
