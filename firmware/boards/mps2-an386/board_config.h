/* MPS2 AN386: nothing on pins; output goes through semihosting. */
