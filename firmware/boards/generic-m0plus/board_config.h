/* generic Cortex-M0+: nothing on pins; output goes through semihosting. */
/* 32 KiB of RAM (4 KiB of it the stack): model_runner's arena and model slot, when the
 * lab loads a model into RAM, shrink to fit (a model linked into flash needs no slot and
 * gets an arena of exactly its size). */
#define ARENA_BYTES (12u * 1024u)
#define MODEL_RAM_BYTES (12u * 1024u)
