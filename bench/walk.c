/* walk MODE DIR REPS: REPS times a recursive walk of the tree under DIR: opendir, readdir
 * to the end, a stat of each entry (not following symlinks) and a descent into each
 * directory. MODE "path" stats each entry by its whole path, lstat("DIR/sub/name"), as
 * `ls -lR`, `du` and Rust's walkdir do; MODE "at" stats it by name relative to the listed
 * directory, fstatat(dirfd(d), "name", AT_SYMLINK_NOFOLLOW), as `find` (fts) does. One op is
 * one entry stat'ed.
 * Result: bench=walk (path) or bench=walk_at, with entries=N per walk (the same in every
 * walk, or exit 1). */
#include "bench.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static int by_name;

static uint64_t walk(char *path, size_t len) {
    DIR *d = opendir(path);
    if (!d)
        bench_die(path);
    uint64_t n = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        size_t name_len = strlen(e->d_name);
        if (len + 1 + name_len + 1 > 4096)
            bench_die("path too long");
        path[len] = '/';
        memcpy(path + len + 1, e->d_name, name_len + 1);
        struct stat st;
        if ((by_name ? fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) : lstat(path, &st)) != 0)
            bench_die(path);
        n++;
        if (S_ISDIR(st.st_mode))
            n += walk(path, len + 1 + name_len);
        path[len] = '\0';
        errno = 0;
    }
    if (errno)
        bench_die("readdir");
    if (closedir(d) != 0)
        bench_die("closedir");
    return n;
}

int main(int argc, char **argv) {
    bench_args(argc, argv, 3, "walk", "path|at DIR REPS");
    by_name = bench_mode(argv[1], "path", "at");
    argv++;
    uint64_t reps = bench_count(argv[2]);
    static char path[4096];
    size_t len = strlen(argv[1]);
    if (len + 1 > sizeof path)
        bench_die("path too long");

    uint64_t entries = 0, first = 0;
    uint64_t t0 = bench_now();
    for (uint64_t r = 0; r < reps; r++) {
        memcpy(path, argv[1], len + 1);
        uint64_t n = walk(path, len);
        if (r == 0)
            first = n;
        else if (n != first) {
            fprintf(stderr, "walk: walk %" PRIu64 " saw %" PRIu64 " entries, the first %" PRIu64 "\n", r, n, first);
            return 1;
        }
        entries += n;
    }
    uint64_t t1 = bench_now();

    char extra[48];
    snprintf(extra, sizeof extra, " entries=%" PRIu64, first);
    bench_report(by_name ? "walk_at" : "walk", entries, t1 - t0, 0, extra);
    return 0;
}
