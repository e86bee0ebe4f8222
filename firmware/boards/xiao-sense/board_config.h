/* Seeed Studio XIAO nRF52840 Sense (Seeed's variant Seeed_XIAO_nRF52840_Sense). */
#define CONSOLE_TX_PIN NRF_PIN(1, 11)   /* D6, Serial1 TX */
#define CONSOLE_RX_PIN NRF_PIN(1, 12)   /* D7, Serial1 RX */
#define LED1_PIN NRF_PIN(0, 26)         /* LED_RED */
#define LED2_PIN NRF_PIN(0, 30)         /* LED_GREEN */
#define LED3_PIN NRF_PIN(0, 6)          /* LED_BLUE */
#define LED_ACTIVE_LOW 1
#define I2C_SCL_PIN NRF_PIN(0, 27)      /* Wire1, the IMU's bus */
#define I2C_SDA_PIN NRF_PIN(0, 7)
#define SENSOR_POWER_PIN NRF_PIN(1, 8)  /* 6D_PWR: powers the LSM6DS3TR-C */
#define MIC_CLK_PIN NRF_PIN(1, 0)       /* PDM_CLK */
#define MIC_DIN_PIN NRF_PIN(0, 16)      /* PDM_DATA */
#define MIC_POWER_PIN NRF_PIN(1, 10)    /* MIC_PWR */
#define IMU_AXES 1, 2, 3                /* the board's frame is the chip's */
