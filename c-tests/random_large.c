// Fills a 16 MiB buffer with ONE random_get call and checks that the host filled all
// of it: every byte value occurs, and there is no run of 64 zero bytes (chance for
// random data: about 2^-512). Prints "ok".
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <wasi/api.h>

#define LEN (16u * 1024 * 1024)
#define MAX_ZERO_RUN 64

int main(void) {
    uint8_t *buf = calloc(LEN, 1);
    if (buf == NULL) {
        printf("FAIL: calloc(%u) failed\n", LEN);
        return 1;
    }

    __wasi_errno_t err = __wasi_random_get(buf, LEN);
    if (err != __WASI_ERRNO_SUCCESS) {
        printf("FAIL: random_get(%u bytes) = errno %u\n", LEN, (unsigned)err);
        return 1;
    }

    static uint32_t counts[256];
    uint32_t zero_run = 0;
    for (uint32_t i = 0; i < LEN; i++) {
        counts[buf[i]]++;
        zero_run = buf[i] == 0 ? zero_run + 1 : 0;
        if (zero_run >= MAX_ZERO_RUN) {
            printf("FAIL: %u zero bytes in a row ending at offset %u\n", zero_run, i);
            return 1;
        }
    }
    for (int v = 0; v < 256; v++) {
        if (counts[v] == 0) {
            printf("FAIL: byte value %d never occurs in %u random bytes\n", v, LEN);
            return 1;
        }
    }

    free(buf);
    printf("ok\n");
    return 0;
}
