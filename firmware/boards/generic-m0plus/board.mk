# generic Cortex-M0+ under semihosting: the HAL is the board.
HAL := generic_m0plus
