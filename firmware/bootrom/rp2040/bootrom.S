/* The lab's RP2040 boot ROM: written here (the real mask ROM is Raspberry Pi's code),
 * it does what RP2040 datasheet §2.8.1 says the bootrom does for a flash boot:
 *   - core 1 waits (here: it is held in reset, so only core 0 runs this);
 *   - the XIP SSI is set up for standard 03h serial reads (§2.8.1.2, "compatible
 *     rather than fast"), and the first 256 bytes of flash (boot2) are copied to
 *     SRAM at 0x20041F00, the top of SRAM5;
 *   - the last 4 bytes must be the CRC32 of the first 252 (§2.8.1.3.1: polynomial
 *     0x04C11DB7, initial value 0xFFFFFFFF, no reflection, no final XOR, stored
 *     little-endian); on a match boot2 runs from 0x20041F00 (Thumb) with LR = 0,
 *     which tells boot2 it was entered from the bootrom.
 * A mismatch makes the real chip retry, then fall into USB boot (not modelled): this
 * ROM says so through semihosting and stops the run.
 * Not here: the ROM's function and data tables (rom_func_lookup), USB boot, the
 * watchdog-scratch boot paths. Built by the lab (lab/engines/embedded/peripherals/
 * rp2040_bootrom.py) and loaded into the 16 KB ROM at 0x00000000. */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .equ SIO_CPUID,      0xD0000000
    .equ SSI_BASE,       0x18000000
    .equ SSI_CTRLR0,     0x00
    .equ SSI_CTRLR1,     0x04
    .equ SSI_SSIENR,     0x08
    .equ SSI_BAUDR,      0x14
    .equ SSI_SPI_CTRLR0, 0xF4
    /* CTRLR0: TMOD [9:8] = 3 (EEPROM read), DFS_32 [20:16] = 31 (32-bit frames) */
    .equ CTRLR0_03H,     (3 << 8) | (31 << 16)
    /* SPI_CTRLR0: XIP_CMD [31:24] = 0x03, INST_L [9:8] = 2 (8 bits), ADDR_L [5:2] = 6
     * (24 bits), TRANS_TYPE [1:0] = 0 (instruction and address on one line) */
    .equ SPI_CTRLR0_03H, (0x03 << 24) | (2 << 8) | (6 << 2)
    .equ SSI_CLOCK_DIV,  8
    .equ XIP_BASE,       0x10000000
    .equ BOOT2_SRAM,     0x20041F00
    .equ BOOT2_WORDS,    64
    .equ BOOT2_CHECKED,  252
    .equ CRC32_POLY,     0x04C11DB7
    .equ SYS_WRITE0,     0x04
    .equ SYS_EXIT,       0x18
    .equ ADP_STOPPED_RUNTIME_ERROR, 0x20023

    .section .vectors, "ax"
    .word BOOT2_SRAM            /* initial SP: just below where boot2 goes */
    .word rom_reset
    .word rom_stop              /* NMI */
    .word rom_stop              /* HardFault */

    .text
    .thumb_func
rom_reset:
    ldr r0, =SIO_CPUID
    ldr r0, [r0]
    cmp r0, #0
    bne rom_stop                /* core 1 would wait for core 0's launch here */
    /* XIP in standard 03h read mode */
    ldr r0, =SSI_BASE
    movs r1, #0
    str r1, [r0, #SSI_SSIENR]   /* the SSI can only be configured while disabled */
    movs r1, #SSI_CLOCK_DIV
    str r1, [r0, #SSI_BAUDR]
    ldr r1, =CTRLR0_03H
    str r1, [r0, #SSI_CTRLR0]
    ldr r1, =SPI_CTRLR0_03H
    movs r2, #SSI_SPI_CTRLR0    /* beyond STR's immediate offsets */
    str r1, [r0, r2]
    movs r1, #0
    str r1, [r0, #SSI_CTRLR1]
    movs r1, #1
    str r1, [r0, #SSI_SSIENR]
    /* copy boot2 from flash into SRAM */
    ldr r0, =XIP_BASE
    ldr r1, =BOOT2_SRAM
    movs r2, #BOOT2_WORDS
copy:
    ldm r0!, {r3}
    stm r1!, {r3}
    subs r2, #1
    bne copy
    /* check its CRC32 */
    ldr r0, =BOOT2_SRAM
    movs r1, #BOOT2_CHECKED
    bl crc32
    ldr r1, =BOOT2_SRAM + BOOT2_CHECKED
    ldr r1, [r1]
    cmp r0, r1
    bne no_boot2
    movs r0, #0
    mov lr, r0                  /* LR = 0: entered from the bootrom */
    ldr r0, =BOOT2_SRAM + 1
    bx r0

no_boot2:
    movs r0, #SYS_WRITE0
    adr r1, no_boot2_message
    bkpt 0xAB
    movs r0, #SYS_EXIT
    ldr r1, =ADP_STOPPED_RUNTIME_ERROR
    bkpt 0xAB
    .thumb_func
rom_stop:
    wfi
    b rom_stop

/* r0 = CRC32 (MSB first, poly 0x04C11DB7, init 0xFFFFFFFF) of r1 bytes at r0 */
    .thumb_func
crc32:
    push {r4, r5, lr}
    movs r2, #0
    mvns r2, r2
    ldr r5, =CRC32_POLY
crc_byte:
    ldrb r3, [r0]
    adds r0, #1
    lsls r3, r3, #24
    eors r2, r3
    movs r4, #8
crc_bit:
    lsls r2, r2, #1             /* the bit shifted out lands in the carry */
    bcc crc_no_xor
    eors r2, r5
crc_no_xor:
    subs r4, #1
    bne crc_bit
    subs r1, #1
    bne crc_byte
    mov r0, r2
    pop {r4, r5, pc}

    .align 2
no_boot2_message:
    .asciz "bootrom: no valid boot2 in the first 256 bytes of flash (its CRC32 does not match): the RP2040 would fall into USB boot, which the lab does not model\n"
    .align 2
    .ltorg
