*** Settings ***
Documentation     TFLite Micro's hello_world: the sine model drives LED1's brightness.
Library           lab.robot
Suite Teardown    Close Machine

*** Test Cases ***
Scenario hello_world Passes
    Run Scenario    hello_world

LED1 Brightness Averages One Half Over Whole Sweeps
    Create Machine           nrf52840
    Load Firmware            hello_world
    Create Led Tester        led1
    Start Emulation
    Wait For Line On Uart    @lab model    timeout=3
    Assert Led Duty Cycle    testDuration=1.0    expectedDutyCycle=0.5    tolerance=0.05
    Cycles Should Be Below   inference    100000
    Stack Should Be Below    2048
