*** Settings ***
Documentation     A Renode suite for magic_wand on the Arduino Nano 33 BLE Sense, run on the lab.
...               It differs from the Renode original only in the Resource line and the ELF path.
Suite Setup       Setup
Suite Teardown    Teardown
Test Setup        Reset Emulation
Test Teardown     Test Teardown
Resource          ${CURDIR}/renode_compat.resource

*** Variables ***
${UART}           sysbus.uart0
${ELF}            ${CURDIR}/build/magic_wand.elf

*** Keywords ***
Create Machine
    Execute Command          mach create
    Execute Command          machine LoadPlatformDescription @platforms/boards/arduino_nano_33_ble.repl
    Execute Command          sysbus LoadELF @${ELF}

*** Test Cases ***
Should Recognize A Ring
    Create Machine
    Execute Command          sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @${CURDIR}/build/ring.data
    Create Terminal Tester   ${UART}
    Start Emulation
    Wait For Line On Uart    RING:    timeout=12

Should Recognize A Wing
    Create Machine
    Execute Command          sysbus.twi0.lsm9ds1_imu FeedAccelerationSample @${CURDIR}/build/wing.data
    Create Terminal Tester   ${UART}
    Start Emulation
    Wait For Line On Uart    WING:    timeout=12
