/* open_close_abs ROOT REL COUNT: COUNT times open("ROOT/REL", O_RDONLY) + close, by the whole
 * path, as programs call it. Under wasm ROOT is the preopen's guest name (/bench): wasi-libc
 * finds the preopen, then calls path_open on it with REL. Natively ROOT is the host directory.
 * Times the loop only.
 * Result: bench=open_close_abs_flat (REL has no '/') or bench=open_close_abs_deepN. */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "open_close_abs", "ROOT REL COUNT");
    uint64_t count = bench_count(argv[3]);
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s", argv[1], argv[2]) >= sizeof path)
        bench_die("path too long");

    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        int fd = open(path, O_RDONLY);
        if (fd < 0)
            bench_die(path);
        if (close(fd) != 0)
            bench_die("close");
    }
    uint64_t t1 = bench_now();

    char name[40];
    unsigned depth = bench_depth(argv[2]);
    if (depth == 0)
        snprintf(name, sizeof name, "open_close_abs_flat");
    else
        snprintf(name, sizeof name, "open_close_abs_deep%u", depth);
    bench_report(name, count, t1 - t0, 0, "");
    return 0;
}
