/* Prints nothing and never ends: a time limit must stop it (in wall time on QEMU). */
int main(void)
{
    for (volatile unsigned spin = 0;; spin++) {
    }
}
