*** Settings ***
Documentation     The Raspberry Pi Pico (RP2040, core 0): the lab's boot ROM and boot2, the
...               console on UART0, the LED on GP25 through SIO and through PWM.
Library           lab.robot
Suite Setup       Create Machine    pico
Suite Teardown    Close Machine
Test Setup        Reset Emulation

*** Test Cases ***
Boots Through Boot2 And Prints Its Banner
    Load Firmware             hello
    Create Terminal Tester    sysbus.uart0    defaultTimeout=5
    Start Emulation
    Wait For Line On Uart     hello from pico (FICR part 2040)
    ${line}=    Wait For Line On Uart    fixed loop: (\\d+) cycles    treatAsRegex=true
    Should Contain            ${line}    8022
    Wait For Line On Uart     @lab done

Blinks The LED On GP25 At Two Hertz
    Load Firmware             hello
    Create Led Tester         led1
    Start Emulation
    Assert Led State          true    timeout=1
    Assert Led Is Blinking    testDuration=1.5    onDuration=0.25    offDuration=0.25    tolerance=0.01

LED Brightness Follows The Sine Through PWM
    Load Firmware             hello_world
    Create Led Tester         led1
    Start Emulation
    Wait For Line On Uart     @lab model    timeout=3
    Assert Led Duty Cycle     testDuration=1.0    expectedDutyCycle=0.5    tolerance=0.05
    Cycles Should Be Below    inference    60000
