# Arduino Nano 33 BLE Sense Rev2: nRF52840, BMI270 IMU, MP34DT06JTR PDM microphone.
HAL := nrf52
SOC := nrf52840
DRIVERS := imu_bmi270
