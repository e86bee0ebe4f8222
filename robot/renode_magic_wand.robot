*** Settings ***
Documentation     TFLite Micro's Renode suite for magic_wand on the Arduino Nano 33 BLE Sense
...               (tflite-micro-arduino-examples), run on the lab. It differs from the original
...               in the Resource line and the paths to the ELF and the recordings, which its
...               Suite Setup makes: the ELF from the lab's build, Renode sample text (x y z in
...               g, one line per 119 Hz tick) from the committed test recordings.
Suite Setup       Make Inputs
Suite Teardown    Teardown
Test Setup        Reset Emulation
Test Teardown     Test Teardown
Resource          ${CURDIR}/renode_compat.resource

*** Variables ***
${UART}                         sysbus.uart0

*** Keywords ***
Make Inputs
    Setup
    ${elf}=                     Build Elf    magic_wand
    ${ring}=                    Test Recording    gestures    ring
    ${slope}=                   Test Recording    gestures    slope
    ${ring}=                    Write Renode Sample Text    ${ring}    circle_rotated.data
    ${slope}=                   Write Renode Sample Text    ${slope}    angle_rotated.data
    ${folder}=                  Suite Data Folder
    Set Suite Variable          ${ELF}        ${elf}
    Set Suite Variable          ${RING}       ${ring}
    Set Suite Variable          ${SLOPE}      ${slope}
    Set Suite Variable          ${OUT}        ${folder}

Create Machine
    Execute Command             mach create
    Execute Command             machine LoadPlatformDescription @platforms/boards/arduino_nano_33_ble.repl

    Execute Command             sysbus LoadELF @${ELF}

*** Test Cases ***
Should Detect RING Motion
    Create Machine
    Create Terminal Tester      ${UART}

    Execute Command             sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @${RING}

    Execute Command             machine EnableProfiler "${OUT}/magic_wand_ring.dump"
    Start Emulation
    Wait For Line On Uart       Magic starts
    Wait For Line On Uart       RING:

Should Detect SLOPE Motion
    Create Machine
    Create Terminal Tester      ${UART}

    Execute Command             sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @${SLOPE}

    Execute Command             machine EnableProfiler "${OUT}/magic_wand_slope.dump"
    Start Emulation
    Wait For Line On Uart       Magic starts
    Wait For Line On Uart       SLOPE:
