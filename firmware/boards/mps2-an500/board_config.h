/* MPS2 AN500: nothing on pins; output goes through semihosting. */
