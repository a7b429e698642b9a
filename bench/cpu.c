/* cpu ITERS: a compute-only loop with no host calls (a xorshift generator feeding an FNV-1a
 * hash over a small table), to show the cost of running wasm code at all.
 * Result: bench=cpu, one op per iteration. */
#include "bench.h"

int main(int argc, char **argv) {
    bench_args(argc, argv, 1, "cpu", "ITERS");
    uint64_t iters = bench_count(argv[1]);

    static uint32_t table[4096];
    uint64_t x = 0x9e3779b97f4a7c15u, h = 0xcbf29ce484222325u;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < iters; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t *slot = &table[x & 4095];
        *slot += (uint32_t)(x >> 32);
        h = (h ^ *slot) * 0x100000001b3u;
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " check=%" PRIu64, h & 0xffff);
    bench_report("cpu", iters, t1 - t0, 0, extra);
    return 0;
}
