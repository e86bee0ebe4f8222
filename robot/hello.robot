*** Settings ***
Documentation     The hello firmware on a virtual nRF52840: banner, cycle count, blinking LED.
Library           lab.robot
Suite Setup       Create Machine    nrf52840
Suite Teardown    Close Machine
Test Setup        Reset Emulation

*** Test Cases ***
Prints Its Banner And Cycle Count
    Load Firmware             hello
    Create Terminal Tester    sysbus.uart0    defaultTimeout=5
    Start Emulation
    Wait For Line On Uart     hello from nrf52840
    ${line}=    Wait For Line On Uart    fixed loop: (\\d+) cycles    treatAsRegex=true
    Should Contain            ${line}    9014
    Wait For Line On Uart     @lab done
    Cycles Should Be Below    loop    9015

Blinks LED1 At Two Hertz
    Load Firmware             hello
    Create Led Tester         led1
    Start Emulation
    Assert Led State          true    timeout=1
    Assert Led Is Blinking    testDuration=1.5    onDuration=0.25    offDuration=0.25    tolerance=0.01

Does Not Fault
    Load Firmware             hello
    Create Terminal Tester    sysbus.uart0
    Register Failing Uart String    HardFault
    Start Emulation
    Should Not Be On Uart     not reached    timeout=3
