/* open_close MODE ROOT REL COUNT: COUNT times an open of REL beneath directory ROOT for
 * reading, and its close. MODE "at": ROOT is opened once and each open is openat(root, REL),
 * relative to a directory fd in both builds, so the native run walks the same components as
 * the wasm one (whose ROOT is a preopen). MODE "abs": each open is open("ROOT/REL") by the
 * whole path, as programs call it: under wasm, wasi-libc finds the preopen named ROOT
 * (/bench), asks its rights (fd_fdstat_get) and calls path_open on it with REL; natively ROOT
 * is the host directory. Times the loop only.
 * Result: bench=open_close_flat / _deepN (at) or open_close_abs_flat / _deepN (abs). */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 4, "open_close", "at|abs ROOT REL COUNT");
    int abs = bench_mode(argv[1], "at", "abs");
    const char *root = argv[2], *rel = argv[3];
    uint64_t count = bench_count(argv[4]);
    char path[4096];
    int dir = bench_start(abs, root, rel, path, sizeof path);

    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        int fd = abs ? open(path, O_RDONLY) : openat(dir, rel, O_RDONLY);
        if (fd < 0)
            bench_die(rel);
        if (close(fd) != 0)
            bench_die("close");
    }
    uint64_t t1 = bench_now();

    char name[40];
    bench_depth_name(name, sizeof name, abs ? "open_close_abs" : "open_close", rel);
    bench_report(name, count, t1 - t0, 0, "");
    return 0;
}
