/* stat_abs ROOT REL COUNT: COUNT times stat("ROOT/REL"), by the whole path, as programs call
 * it. Under wasm ROOT is the preopen's guest name (/bench): wasi-libc finds the preopen
 * that holds the path, then calls path_filestat_get(preopen, SYMLINK_FOLLOW, REL). Natively
 * ROOT is the host directory, so the kernel walks ROOT's components too. Times the loop only.
 * Result: bench=stat_abs_flat (REL has no '/') or bench=stat_abs_deepN (N separators). */
#include "bench.h"

#include <sys/stat.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "stat_abs", "ROOT REL COUNT");
    uint64_t count = bench_count(argv[3]);
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", argv[1], argv[2]) >= sizeof path)
        bench_die("path too long");

    uint64_t sizes = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        struct stat st;
        if (stat(path, &st) != 0)
            bench_die(path);
        sizes += (uint64_t)st.st_size;
    }
    uint64_t t1 = bench_now();

    char name[32], extra[48];
    unsigned depth = bench_depth(argv[2]);
    if (depth == 0)
        snprintf(name, sizeof name, "stat_abs_flat");
    else
        snprintf(name, sizeof name, "stat_abs_deep%u", depth);
    snprintf(extra, sizeof extra, " size=%" PRIu64, sizes / count);
    bench_report(name, count, t1 - t0, 0, extra);
    return 0;
}
