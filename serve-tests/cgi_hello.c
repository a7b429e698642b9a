// The benchmark's CGI guest: the smallest response (bench/serve).
#include <stdio.h>

int main(void) {
    fputs("Content-Type: text/plain\n\nHello, world!\n", stdout);
    return 0;
}
