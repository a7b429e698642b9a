/* stat ROOT REL COUNT: opens directory ROOT once, then COUNT times fstatat(root, REL)
 * (following symlinks). Times the loop only.
 * Result: bench=stat_flat (REL has no '/') or bench=stat_deepN (N separators). */
#include "bench.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "stat", "ROOT REL COUNT");
    uint64_t count = bench_count(argv[3]);
    int root = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (root < 0)
        bench_die(argv[1]);

    uint64_t sizes = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        struct stat st;
        if (fstatat(root, argv[2], &st, 0) != 0)
            bench_die(argv[2]);
        sizes += (uint64_t)st.st_size;
    }
    uint64_t t1 = bench_now();

    char name[32], extra[48];
    unsigned depth = bench_depth(argv[2]);
    if (depth == 0)
        snprintf(name, sizeof name, "stat_flat");
    else
        snprintf(name, sizeof name, "stat_deep%u", depth);
    snprintf(extra, sizeof extra, " size=%" PRIu64, sizes / count);
    bench_report(name, count, t1 - t0, 0, extra);
    return 0;
}
