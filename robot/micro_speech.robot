*** Settings ***
Documentation     TFLite Micro's micro_speech on the virtual nRF52840's PDM microphone.
Library           lab.robot
Suite Setup       Make Inputs
Suite Teardown    Close Machine

*** Keywords ***
Make Inputs
    ${clip}=                Test Recording    speech    yes
    ${pcm}=                 Write Renode Pcm    ${clip}    yes.s16le.pcm    lead_in=2
    Set Suite Variable      ${YES}    ${pcm}

*** Test Cases ***
Scenario micro_speech Passes
    Run Scenario    micro_speech    nrf52840

Hears Yes And Keeps Up
    Create Machine             nrf52840
    Load Firmware              micro_speech
    Feed Audio                 ${YES}
    Create Terminal Tester     sysbus.uart0    defaultTimeout=6
    Start Emulation
    ${detection}=    Wait For Inference    yes
    Should Be True             ${detection}[score] > 200
    No Samples Should Be Dropped
