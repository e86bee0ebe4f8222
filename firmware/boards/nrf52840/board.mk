# Arduino Nano 33 BLE Sense: nRF52840, LSM9DS1 IMU, MP34DT05 PDM microphone.
HAL := nrf52
SOC := nrf52840
DRIVERS := imu_lsm9ds1
