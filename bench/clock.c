/* clock COUNT: COUNT calls of clock_gettime(CLOCK_MONOTONIC) (clock_time_get in wasm).
 * Result: bench=clock, one op per call. */
#include "bench.h"

int main(int argc, char **argv) {
    bench_args(argc, argv, 1, "clock", "COUNT");
    uint64_t count = bench_count(argv[1]);

    uint64_t sum = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        struct timespec ts;
        if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
            bench_die("clock_gettime");
        sum += (uint64_t)ts.tv_nsec;
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " check=%" PRIu64, sum & 0xff);
    bench_report("clock", count, t1 - t0, 0, extra);
    return 0;
}
