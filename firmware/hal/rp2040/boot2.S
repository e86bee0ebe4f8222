/* The lab's second-stage boot (boot2) for the Pico's flash, written here. The bootrom
 * copies the first 256 bytes of flash to SRAM at 0x20041F00, checks their CRC32 and
 * runs them (RP2040 datasheet §2.8.1.3). boot2's job (same section): set the XIP SSI up
 * for the flash - here serial 03h reads at clk_sys / 4 with 32-bit frames, which any
 * SPI flash serves - then enter the image: VTOR = 0x10000100 (the vector table right
 * after boot2), MSP and PC from it. Entered with LR = 0 from the bootrom; called with
 * another LR (from code that reconfigures flash), it returns there instead. */
    .syntax unified
    .cpu cortex-m0plus
    .thumb

    .equ SSI_BASE,       0x18000000
    .equ SSI_CTRLR0,     0x00
    .equ SSI_CTRLR1,     0x04
    .equ SSI_SSIENR,     0x08
    .equ SSI_BAUDR,      0x14
    .equ SSI_SPI_CTRLR0, 0xF4
    .equ CTRLR0_XIP,     (3 << 8) | (31 << 16)          /* TMOD EEPROM read, 32-bit frames */
    .equ SPI_CTRLR0_XIP, (0x03 << 24) | (2 << 8) | (6 << 2) /* cmd 03h, 8-bit instruction, 24-bit address */
    .equ SSI_CLOCK_DIV,  4
    .equ PPB_VTOR,       0xE000ED08
    .equ IMAGE_VECTORS,  0x10000100

    .section .text
    .global _boot2
    .thumb_func
_boot2:
    push {lr}
    ldr r3, =SSI_BASE
    movs r1, #0
    str r1, [r3, #SSI_SSIENR]       /* configurable only while disabled */
    movs r1, #SSI_CLOCK_DIV
    str r1, [r3, #SSI_BAUDR]
    ldr r1, =CTRLR0_XIP
    str r1, [r3, #SSI_CTRLR0]
    ldr r1, =SPI_CTRLR0_XIP
    movs r2, #SSI_SPI_CTRLR0
    str r1, [r3, r2]
    movs r1, #0
    str r1, [r3, #SSI_CTRLR1]
    movs r1, #1
    str r1, [r3, #SSI_SSIENR]       /* XIP reads from here on */
    pop {r0}
    cmp r0, #0
    beq enter_image
    bx r0
enter_image:
    ldr r0, =IMAGE_VECTORS
    ldr r1, =PPB_VTOR
    str r0, [r1]
    ldmia r0, {r0, r1}
    msr msp, r0
    bx r1

    .align 2
    .ltorg
