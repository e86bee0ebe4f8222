*** Settings ***
Documentation     TFLite Micro's magic_wand on the virtual LSM9DS1 accelerometer.
Library           lab.robot
Suite Setup       Make Inputs
Suite Teardown    Close Machine

*** Keywords ***
Make Inputs
    ${recording}=           Test Recording    gestures    ring
    ${text}=                Write Renode Sample Text    ${recording}    ring.data
    Set Suite Variable      ${RING}    ${text}

*** Test Cases ***
Scenario magic_wand Passes
    Run Scenario    magic_wand    nrf52840

Recognises A Ring
    Create Machine             nrf52840
    Load Firmware              magic_wand
    Feed Acceleration          ${RING}
    Create Terminal Tester     sysbus.uart0    defaultTimeout=12
    Start Emulation
    Wait For Line On Uart      RING:
    No Samples Should Be Dropped
