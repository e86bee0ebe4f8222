# ARM MPS2 AN385 under semihosting: the HAL is the board.
HAL := mps2_an385
