/* Shared helpers for the benchmark workloads in bench/NAME.c.
 *
 * Every workload is one C program built twice, natively (gcc -O2) and for wasm32-wasi
 * (clang -O2), by bench/Makefile. It sets up, times only its own hot loop with
 * clock_gettime(CLOCK_MONOTONIC), and prints exactly one line on stdout:
 *
 *     bench=NAME ops=N ns=T ns_per_op=X bytes_per_s=Y [KEY=VALUE...]
 *
 * (bytes_per_s only where bytes move; write16 to stdout prints it on stderr instead). Sizes come from argv so that CI can smoke-run at a
 * tiny size; fixtures (big files, directories) are made by bench/run, not here. On any
 * failure a workload prints `NAME: what: strerror` on stderr and exits 1.
 */
#ifndef CAPWASI_BENCH_H
#define CAPWASI_BENCH_H

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *bench_prog = "bench";
/* Where the result line goes: stdout, except for a workload whose hot loop writes to stdout. */
static FILE *bench_out;

/* Prints `PROG: WHAT: strerror(errno)` (or just `PROG: WHAT` when errno is 0) and exits 1. */
static inline void bench_die(const char *what) {
    int err = errno;
    if (err)
        fprintf(stderr, "%s: %s: %s\n", bench_prog, what, strerror(err));
    else
        fprintf(stderr, "%s: %s\n", bench_prog, what);
    exit(1);
}

/* Checks argc against the usage line, and remembers the program name for messages. */
static inline void bench_args(int argc, char **argv, int want, const char *name, const char *usage) {
    bench_prog = name;
    bench_out = stdout;
    if (argc != want + 1) {
        fprintf(stderr, "usage: %s %s\n", name, usage);
        exit(2);
    }
    (void)argv;
}

/* Parses a positive decimal count; a K, M or G suffix multiplies by 1024, 1024^2, 1024^3. */
static inline uint64_t bench_count(const char *s) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || v == 0) {
        errno = 0;
        fprintf(stderr, "%s: not a positive count: '%s'\n", bench_prog, s);
        exit(2);
    }
    switch (*end) {
    case 'K': v <<= 10; end++; break;
    case 'M': v <<= 20; end++; break;
    case 'G': v <<= 30; end++; break;
    default: break;
    }
    if (*end != '\0') {
        fprintf(stderr, "%s: not a positive count: '%s'\n", bench_prog, s);
        exit(2);
    }
    return v;
}

/* Monotonic time in nanoseconds. */
static inline uint64_t bench_now(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        bench_die("clock_gettime");
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Prints the one result line. `bytes` is 0 when the workload moves no data; `extra` is
 * appended verbatim (" key=value ..." or ""). */
static inline void bench_report(const char *name, uint64_t ops, uint64_t ns, uint64_t bytes,
                         const char *extra) {
    if (ns == 0)
        ns = 1;
    fprintf(bench_out, "bench=%s ops=%" PRIu64 " ns=%" PRIu64 " ns_per_op=%.3f", name, ops, ns,
            (double)ns / (double)ops);
    if (bytes)
        fprintf(bench_out, " bytes_per_s=%.0f", (double)bytes * 1e9 / (double)ns);
    fprintf(bench_out, "%s\n", extra ? extra : "");
    fflush(bench_out);
}

/* A path's depth: the number of '/' separators in a relative path ("f" is 0, "a/b/c/d/f" 4). */
static inline unsigned bench_depth(const char *rel) {
    unsigned n = 0;
    for (; *rel; rel++)
        n += *rel == '/';
    return n;
}

/* The row name for a path: PREFIX_flat for a plain name, PREFIX_deepN for N separators. */
static inline void bench_depth_name(char *out, size_t size, const char *prefix, const char *rel) {
    unsigned depth = bench_depth(rel);
    if (depth == 0)
        snprintf(out, size, "%s_flat", prefix);
    else
        snprintf(out, size, "%s_deep%u", prefix, depth);
}

/* Writes "ROOT/REL" into `out`, or exits 1 if it does not fit. */
static inline void bench_join(char *out, size_t size, const char *root, const char *rel) {
    if ((size_t)snprintf(out, size, "%s/%s", root, rel) >= size) {
        errno = 0;
        bench_die("path too long");
    }
}

/* Where a MODE ROOT REL workload (stat, open_close) starts: in mode "abs" (`abs` set) it
 * writes "ROOT/REL" into `path` and returns -1; in mode "at" it opens ROOT as a directory
 * and returns its fd. Exits 1 on failure. */
static inline int bench_start(int abs, const char *root, const char *rel, char *path, size_t size) {
    if (abs) {
        bench_join(path, size, root, rel);
        return -1;
    }
    int dir = open(root, O_RDONLY | O_DIRECTORY);
    if (dir < 0)
        bench_die(root);
    return dir;
}

/* 0 if `arg` is mode `zero`, 1 if it is mode `one`; otherwise a usage error (exit 2). */
static inline int bench_mode(const char *arg, const char *zero, const char *one) {
    if (strcmp(arg, zero) == 0)
        return 0;
    if (strcmp(arg, one) == 0)
        return 1;
    fprintf(stderr, "%s: MODE is %s or %s, not '%s'\n", bench_prog, zero, one, arg);
    exit(2);
}

#endif
