# Seeed Studio XIAO nRF52840 Sense: nRF52840, LSM6DS3TR-C IMU, PDM microphone.
HAL := nrf52
SOC := nrf52840
DRIVERS := imu_lsm6ds3
