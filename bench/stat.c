/* stat MODE ROOT REL COUNT: COUNT stats of REL beneath directory ROOT, following symlinks.
 * MODE "at": ROOT is opened once and each stat is fstatat(root, REL), relative to a directory
 * fd in both builds, so the native run walks the same components as the wasm one (whose ROOT
 * is a preopen). MODE "abs": each stat is stat("ROOT/REL") by the whole path, as programs
 * call it: under wasm ROOT is the preopen's guest name (/bench), wasi-libc finds the preopen
 * that holds the path and calls path_filestat_get(preopen, SYMLINK_FOLLOW, REL); natively
 * ROOT is the host directory, whose components the kernel walks too. Times the loop only.
 * Result: bench=stat_flat / stat_deepN (at) or stat_abs_flat / stat_abs_deepN (abs), N being
 * REL's separators. */
#include "bench.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 4, "stat", "at|abs ROOT REL COUNT");
    int abs = bench_mode(argv[1], "at", "abs");
    const char *root = argv[2], *rel = argv[3];
    uint64_t count = bench_count(argv[4]);
    char path[4096];
    int dir = bench_start(abs, root, rel, path, sizeof path);

    uint64_t sizes = 0;
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        struct stat st;
        if ((abs ? stat(path, &st) : fstatat(dir, rel, &st, 0)) != 0)
            bench_die(rel);
        sizes += (uint64_t)st.st_size;
    }
    uint64_t t1 = bench_now();

    char name[40], extra[48];
    bench_depth_name(name, sizeof name, abs ? "stat_abs" : "stat", rel);
    snprintf(extra, sizeof extra, " size=%" PRIu64, sizes / count);
    bench_report(name, count, t1 - t0, 0, extra);
    return 0;
}
