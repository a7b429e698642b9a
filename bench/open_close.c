/* open_close ROOT REL COUNT: opens directory ROOT once, then COUNT times openat(root, REL,
 * O_RDONLY) + close. Relative to a directory fd in both builds, so the native run walks
 * the same components as the wasm one (whose ROOT is a preopen). Times the loop only.
 * Result: bench=open_close_flat (REL has no '/') or bench=open_close_deepN (N separators). */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "open_close", "ROOT REL COUNT");
    uint64_t count = bench_count(argv[3]);
    int root = open(argv[1], O_RDONLY | O_DIRECTORY);
    if (root < 0)
        bench_die(argv[1]);

    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        int fd = openat(root, argv[2], O_RDONLY);
        if (fd < 0)
            bench_die(argv[2]);
        if (close(fd) != 0)
            bench_die("close");
    }
    uint64_t t1 = bench_now();

    char name[32];
    unsigned depth = bench_depth(argv[2]);
    if (depth == 0)
        snprintf(name, sizeof name, "open_close_flat");
    else
        snprintf(name, sizeof name, "open_close_deep%u", depth);
    bench_report(name, count, t1 - t0, 0, "");
    return 0;
}
