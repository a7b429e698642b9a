/* fread PATH COUNT: COUNT times fopen(PATH, "r"), fread to the end in 4 KiB reads, fclose: how
 * programs read a small file (a config, a source file). One op is one file read whole.
 * Result: bench=fread_small, with size=BYTES read per file (the same every time, or exit 1). */
#include "bench.h"

int main(int argc, char **argv) {
    bench_args(argc, argv, 2, "fread", "PATH COUNT");
    uint64_t count = bench_count(argv[2]);

    static char buf[4096];
    uint64_t first = 0, total = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        FILE *f = fopen(argv[1], "r");
        if (!f)
            bench_die(argv[1]);
        uint64_t n = 0;
        size_t got;
        while ((got = fread(buf, 1, sizeof buf, f)) > 0)
            n += got;
        if (ferror(f))
            bench_die("fread");
        if (fclose(f) != 0)
            bench_die("fclose");
        if (i == 0)
            first = n;
        else if (n != first) {
            fprintf(stderr, "fread: read %" PRIu64 " bytes, the first time %" PRIu64 "\n", n, first);
            return 1;
        }
        total += n;
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " size=%" PRIu64, first);
    bench_report("fread_small", count, t1 - t0, total, extra);
    return 0;
}
