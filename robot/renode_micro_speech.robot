*** Settings ***
Documentation     TFLite Micro's Renode suite for micro_speech on the Arduino Nano 33 BLE Sense
...               (tflite-micro-arduino-examples), run on the lab. It differs from the original
...               in the Resource line and the paths to the ELF and the audio, which its Suite
...               Setup makes: the ELF from the lab's build, raw s16le PCM (Renode's
...               `pdm SetInputFile` format) from the committed test clips, spoken after 2 s of
...               silence as to a board that is already listening. "Should Detect No Pattern"
...               is the lab's addition.
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
    ${elf}=                     Build Elf    micro_speech
    ${yes}=                     Test Recording    speech    yes
    ${no}=                      Test Recording    speech    no
    ${yes}=                     Write Renode Pcm    ${yes}    audio_yes.s16le.pcm    lead_in=2
    ${no}=                      Write Renode Pcm    ${no}     audio_no.s16le.pcm     lead_in=2
    ${folder}=                  Suite Data Folder
    Set Suite Variable          ${ELF}        ${elf}
    Set Suite Variable          ${YES}        ${yes}
    Set Suite Variable          ${NO}         ${no}
    Set Suite Variable          ${OUT}        ${folder}

Create Machine
    Execute Command             mach create
    Execute Command             machine LoadPlatformDescription @platforms/boards/arduino_nano_33_ble.repl

    Execute Command             sysbus LoadELF @${ELF}

*** Test Cases ***
Should Detect Yes Pattern
    Create Machine
    Execute Command             sysbus.pdm SetInputFile @${YES}

    Create Terminal Tester      ${UART}
    Execute Command             machine EnableProfiler @${OUT}/micro_speech.dump
    Start Emulation

    Wait For Line On Uart       Heard yes

Should Detect No Pattern
    Create Machine
    Execute Command             sysbus.pdm SetInputFile @${NO}

    Create Terminal Tester      ${UART}
    Start Emulation

    Wait For Line On Uart       Heard no
