/* MPS2 AN505: nothing on pins; output goes through semihosting. */
