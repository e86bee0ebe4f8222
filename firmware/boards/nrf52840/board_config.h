/* Arduino Nano 33 BLE Sense (ArduinoCore-mbed variant ARDUINO_NANO33BLE). */
#define CONSOLE_TX_PIN NRF_PIN(1, 3)    /* Serial1 TX */
#define CONSOLE_RX_PIN NRF_PIN(1, 10)   /* Serial1 RX */
#define LED1_PIN NRF_PIN(0, 24)         /* RGB LED red */
#define LED2_PIN NRF_PIN(0, 16)         /* green */
#define LED3_PIN NRF_PIN(0, 6)          /* blue */
#define LED_ACTIVE_LOW 1
#define I2C_SCL_PIN NRF_PIN(0, 15)      /* Wire1, the internal bus */
#define I2C_SDA_PIN NRF_PIN(0, 14)
#define MIC_CLK_PIN NRF_PIN(0, 26)      /* MP34DT05 */
#define MIC_DIN_PIN NRF_PIN(0, 25)
#define MIC_POWER_PIN NRF_PIN(0, 17)
#define IMU_AXES 1, 2, 3                /* the LSM9DS1 defines the board's frame */
