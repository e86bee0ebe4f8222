*** Settings ***
Documentation     A Renode suite for micro_speech on the Arduino Nano 33 BLE Sense, run on the lab.
...               It differs from the Renode original only in the Resource line and the ELF path.
Suite Setup       Setup
Suite Teardown    Teardown
Test Setup        Reset Emulation
Test Teardown     Test Teardown
Resource          ${CURDIR}/renode_compat.resource

*** Variables ***
${UART}           sysbus.uart0
${ELF}            ${CURDIR}/build/micro_speech.elf

*** Keywords ***
Create Machine
    Execute Command          mach create
    Execute Command          machine LoadPlatformDescription @platforms/boards/arduino_nano_33_ble.repl
    Execute Command          sysbus LoadELF @${ELF}

*** Test Cases ***
Should Recognize Yes
    Create Machine
    Execute Command          sysbus.pdm SetInputFile @${CURDIR}/build/yes.s16le.pcm
    Create Terminal Tester   ${UART}
    Execute Command          machine EnableProfiler @${CURDIR}/build/micro_speech.profile
    Start Emulation
    Wait For Line On Uart    Heard yes    timeout=6

Should Recognize No
    Create Machine
    Execute Command          sysbus.pdm SetInputFile @${CURDIR}/build/no.s16le.pcm
    Create Terminal Tester   ${UART}
    Start Emulation
    Wait For Line On Uart    Heard no     timeout=6
