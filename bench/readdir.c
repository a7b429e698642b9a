/* readdir DIR REPS: REPS times opendir(DIR), readdir to the end, closedir. Times all the
 * listings; one op is one entry returned ("." and ".." included, as the OS returns them).
 * Result: bench=readdir, with entries=N per listing (the same in every listing, or exit 1). */
#include "bench.h"

#include <dirent.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 2, "readdir", "DIR REPS");
    uint64_t reps = bench_count(argv[2]);

    uint64_t entries = 0, first = 0;
    uint64_t t0 = bench_now();
    for (uint64_t r = 0; r < reps; r++) {
        DIR *d = opendir(argv[1]);
        if (!d)
            bench_die(argv[1]);
        uint64_t n = 0;
        errno = 0;
        while (readdir(d))
            n++;
        if (errno)
            bench_die("readdir");
        if (closedir(d) != 0)
            bench_die("closedir");
        if (r == 0)
            first = n;
        else if (n != first) {
            fprintf(stderr, "readdir: listing %" PRIu64 " had %" PRIu64 " entries, the first %" PRIu64 "\n",
                    r, n, first);
            return 1;
        }
        entries += n;
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " entries=%" PRIu64, first);
    bench_report("readdir", entries, t1 - t0, 0, extra);
    return 0;
}
