/* Arduino Nano 33 BLE Sense Rev2 (ArduinoCore-mbed variant ARDUINO_NANO33BLE: the Rev2
 * keeps the Rev1's nRF52840 pins). */
#define CONSOLE_TX_PIN NRF_PIN(1, 3)    /* Serial1 TX */
#define CONSOLE_RX_PIN NRF_PIN(1, 10)   /* Serial1 RX */
#define LED1_PIN NRF_PIN(0, 24)         /* RGB LED red */
#define LED2_PIN NRF_PIN(0, 16)         /* green */
#define LED3_PIN NRF_PIN(0, 6)          /* blue */
#define LED_ACTIVE_LOW 1
#define I2C_SCL_PIN NRF_PIN(0, 15)      /* Wire1, the internal bus: BMI270 0x68, BMM150 0x10 */
#define I2C_SDA_PIN NRF_PIN(0, 14)
#define SENSOR_POWER_PIN NRF_PIN(0, 22) /* VDD_ENV: powers the sensors */
#define MIC_CLK_PIN NRF_PIN(0, 26)      /* MP34DT06JTR */
#define MIC_DIN_PIN NRF_PIN(0, 25)
#define MIC_POWER_PIN NRF_PIN(0, 17)
/* The Arduino library reports x = -chip y, y = -chip x (the Rev1's frame). */
#define IMU_AXES -2, -1, 3
