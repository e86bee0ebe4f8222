/* BBC micro:bit v2 (CODAL's MicroBitIO pin map). */
#define CONSOLE_TX_PIN NRF_PIN(0, 6)    /* UART to the interface chip (USB serial) */
#define CONSOLE_RX_PIN NRF_PIN(1, 8)
/* The 5x5 matrix: rows P0.21 P0.22 P0.15 P0.24 P0.19 (high lights), columns P0.28 P0.11
 * P0.31 P1.05 P0.30 (low lights). LED1..3 are row 1's first three LEDs. */
#define LED_ROW_PIN NRF_PIN(0, 21)      /* ROW1 */
#define LED1_PIN NRF_PIN(0, 28)         /* COL1 */
#define LED2_PIN NRF_PIN(0, 11)         /* COL2 */
#define LED3_PIN NRF_PIN(0, 31)         /* COL3 */
#define LED_ACTIVE_LOW 1
#define BUTTON_A_PIN NRF_PIN(0, 14)     /* active low */
#define BUTTON_B_PIN NRF_PIN(0, 23)
#define I2C_SCL_PIN NRF_PIN(0, 8)       /* the internal bus: LSM303AGR 0x19 / 0x1E */
#define I2C_SDA_PIN NRF_PIN(0, 16)
#define MIC_POWER_PIN NRF_PIN(0, 20)    /* RUN_MIC: powers the microphone, lights its LED */
#define MIC_SAADC_AIN 3                 /* MIC_IN, P0.05 */
#define MIC_SAADC_BIAS 8192             /* 1.2 V of 2.4 V at 14 bits */
#define MIC_SAADC_SHIFT 2               /* 14-bit swing of +-1.2 V -> 16-bit PCM */
/* CODAL mounts the chip upside down: board x = -chip x, board z = -chip z. */
#define IMU_AXES -1, 2, -3
/* 128 KB of RAM: model_runner's arena and model slot shrink to fit (nRF52840: 136 + 80 KB). */
#define ARENA_BYTES (64u * 1024u)
#define MODEL_RAM_BYTES (40u * 1024u)
