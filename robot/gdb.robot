*** Settings ***
Documentation     GDB attached to a virtual nRF52840 from a suite: the server listens on
...               127.0.0.1 (any free port), gdb-multiarch changes a variable at a breakpoint
...               and detaches, and the firmware reports what GDB wrote.
Library           lab.robot
Library           Process
Suite Setup       Create Machine    nrf52840
Suite Teardown    Close Machine

*** Test Cases ***
GDB Changes A Variable At A Breakpoint
    ${elf}=    Build Elf    hello    nrf52840
    Load Firmware    ${elf}
    Create Terminal Tester    sysbus.uart0    defaultTimeout=5
    ${port}=    Start Gdb Server    port=0    wait=false    connectTimeout=60
    ${gdb}=    Start Process    gdb-multiarch    -batch    -nx    ${elf}
    ...    -ex    target remote 127.0.0.1:${port}    -ex    break on_rtc_tick
    ...    -ex    continue    -ex    set var toggles \= 100    -ex    detach
    ...    stderr=STDOUT
    Wait For Line On Uart    LED1 toggled 101 times
    ${result}=    Wait For Process    ${gdb}    timeout=60 s    on_timeout=kill
    Should Be Equal As Integers    ${result.rc}    0
    Should Contain    ${result.stdout}    Breakpoint 1, on_rtc_tick ()
