/* generic Cortex-M0+: nothing on pins; output goes through semihosting. */
