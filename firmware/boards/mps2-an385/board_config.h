/* ARM MPS2 AN385: nothing on pins; output goes through semihosting. */
