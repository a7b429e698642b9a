/* copy SRC DST BUFSIZE: copies SRC to DST (created or truncated) with read/write of BUFSIZE
 * bytes. Times the read/write loop only (not the opens, not the closes).
 * Result: bench=copy_<BUFSIZE as 8k, 1m...>, one op per read+write pair. */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "copy", "SRC DST BUFSIZE");
    size_t bufsize = (size_t)bench_count(argv[3]);
    char *buf = malloc(bufsize);
    if (!buf)
        bench_die("malloc");
    int in = open(argv[1], O_RDONLY);
    if (in < 0)
        bench_die(argv[1]);
    int out = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (out < 0)
        bench_die(argv[2]);

    uint64_t ops = 0, bytes = 0;
    uint64_t t0 = bench_now();
    for (;;) {
        ssize_t n = read(in, buf, bufsize);
        if (n < 0)
            bench_die("read");
        if (n == 0)
            break;
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0)
                bench_die("write");
            off += w;
        }
        bytes += (uint64_t)n;
        ops++;
    }
    uint64_t t1 = bench_now();

    if (close(in) != 0 || close(out) != 0)
        bench_die("close");
    if (ops == 0) {
        errno = 0;
        bench_die("the source file is empty");
    }
    char name[32];
    if (bufsize % (1u << 20) == 0)
        snprintf(name, sizeof name, "copy_%zum", bufsize >> 20);
    else if (bufsize % (1u << 10) == 0)
        snprintf(name, sizeof name, "copy_%zuk", bufsize >> 10);
    else
        snprintf(name, sizeof name, "copy_%zu", bufsize);
    bench_report(name, ops, t1 - t0, bytes, "");
    return 0;
}
