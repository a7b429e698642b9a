/* random BYTES: fills BYTES bytes of random data with getentropy in chunks of 256 bytes
 * (random_get in wasm; getrandom(2) natively). Result: bench=random, one op per chunk. */
#include "bench.h"

#include <unistd.h>
#if defined(__linux__)
#include <sys/random.h> /* glibc declares getentropy here */
#endif

enum { CHUNK = 256 };

int main(int argc, char **argv) {
    bench_args(argc, argv, 1, "random", "BYTES");
    uint64_t bytes = bench_count(argv[1]);
    uint64_t chunks = (bytes + CHUNK - 1) / CHUNK;
    unsigned char buf[CHUNK];

    unsigned x = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < chunks; i++) {
        if (getentropy(buf, sizeof buf) != 0)
            bench_die("getentropy");
        x ^= buf[i % CHUNK];
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " check=%u", x & 1);
    bench_report("random", chunks, t1 - t0, chunks * CHUNK, extra);
    return 0;
}
