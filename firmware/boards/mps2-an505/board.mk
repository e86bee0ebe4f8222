# MPS2 AN505 under semihosting: the HAL is the board.
HAL := mps2_an505
