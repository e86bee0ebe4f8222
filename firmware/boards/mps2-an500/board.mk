# MPS2 AN500 under semihosting: the HAL is the board.
HAL := mps2_an500
