/* write16 PATH COUNT: COUNT writes of 16 bytes each to PATH (created or truncated), or to
 * stdout when PATH is "-" (the harness sends it to /dev/null). Times the write loop only.
 * Result: bench=write16_file or bench=write16_stdout; the stdout variant prints its result
 * line on stderr, since its stdout is the thing being measured. */
#include "bench.h"

#include <fcntl.h>
#include <unistd.h>

int main(int argc, char **argv) {
    bench_args(argc, argv, 2, "write16", "PATH|- COUNT");
    uint64_t count = bench_count(argv[2]);
    int to_stdout = strcmp(argv[1], "-") == 0;
    int fd = STDOUT_FILENO;
    if (to_stdout)
        bench_out = stderr;
    else if ((fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
        bench_die(argv[1]);

    static const char rec[16] = "0123456789abcde\n";
    uint64_t t0 = bench_now();
    for (uint64_t i = 0; i < count; i++) {
        if (write(fd, rec, sizeof rec) != (ssize_t)sizeof rec)
            bench_die("write");
    }
    uint64_t t1 = bench_now();

    if (!to_stdout && close(fd) != 0)
        bench_die("close");
    bench_report(to_stdout ? "write16_stdout" : "write16_file", count, t1 - t0,
                 count * sizeof rec, "");
    return 0;
}
