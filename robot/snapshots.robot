*** Settings ***
Documentation     Snapshots as Renode's Provides / Requires: one test boots micro_speech to
...               its listening point and provides that machine; the others start from it
...               and hear exactly what a run from reset hears. Save Snapshot / Load Snapshot
...               go through a file.
Library           lab.robot
Suite Setup       Make Inputs
Suite Teardown    Close Machine

*** Keywords ***
Make Inputs
    ${clip}=                Test Recording    speech    yes
    ${pcm}=                 Write Renode Pcm    ${clip}    yes.s16le.pcm    lead_in=2
    Set Suite Variable      ${YES}    ${pcm}

*** Test Cases ***
Boots And Listens
    Create Machine             nrf52840
    Load Firmware              micro_speech
    Feed Audio                 ${YES}
    Create Terminal Tester     sysbus.uart0    defaultTimeout=3
    Start Emulation
    Wait For Line On Uart      @lab listening
    Provides                   micro_speech-listening

Hears Yes From The Listening Machine
    Requires                   micro_speech-listening
    ${detection}=    Wait For Inference    yes    timeout=6
    Should Be True             ${detection}[score] > 200
    No Samples Should Be Dropped

A Saved File Loads Into The Same Detection, Cycle For Cycle
    Requires                   micro_speech-listening
    ${file}=         Save Snapshot
    ${first}=        Wait For Inference    yes    timeout=6
    Load Snapshot              ${file}
    ${again}=        Wait For Inference    yes    timeout=6
    Should Be Equal            ${first}    ${again}

Requires Fails For A State Nobody Provided
    Run Keyword And Expect Error    no test provided 'booted'*    Requires    booted
