# MPS2 AN386 under semihosting: the HAL is the board.
HAL := mps2_an386
