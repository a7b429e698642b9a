// Prints "before abort", flushes stdout, then calls abort(), which wasi-libc
// turns into an `unreachable` trap.
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("before abort\n");
    fflush(stdout);
    abort();
}
