*** Settings ***
Documentation     TFLite Micro's micro_speech on the virtual nRF52840's PDM microphone.
Library           lab.robot
Suite Teardown    Close Machine

*** Variables ***
${CLIPS}          ${CURDIR}/../data/test/speech

*** Test Cases ***
Scenario micro_speech Passes
    Run Scenario    micro_speech

Hears Yes And Keeps Up
    Create Machine             nrf52840
    Load Firmware              micro_speech
    Feed Audio                 ${CURDIR}/build/yes.s16le.pcm
    Create Terminal Tester     sysbus.uart0    defaultTimeout=6
    Start Emulation
    ${detection}=    Wait For Inference    yes
    Should Be True             ${detection}[score] > 200
    No Samples Should Be Dropped
