// fd_readdir through the raw call, as a libc would drive it.
//   fs_readdir list BUFSIZE   list the preopen (fd 3) with a BUFSIZE buffer, growing it
//                             only when not even one entry fits; print the entries sorted,
//                             each with its type and whether d_ino equals filestat's ino.
//   fs_readdir count BUFSIZE  count the entries and check that no name comes twice (each
//                             call resumes where the last whole entry ended); print the
//                             count, and the time taken to stderr.
//   fs_readdir libc           count the entries with opendir/readdir (wasi-libc).
#include <dirent.h>
#include <stdlib.h>
#include "fs_util.h"

#define HDR 24

static int cmp(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static uint64_t now_ns(void) {
    __wasi_timestamp_t t;
    __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
    return t;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (strcmp(argv[1], "libc") == 0) {
        DIR *d = opendir("/sandbox");
        if (!d) { perror("opendir"); return 1; }
        long count = 0;
        while (readdir(d)) count++;
        closedir(d);
        printf("count %ld\n", count);
        return 0;
    }
    int list = strcmp(argv[1], "list") == 0;
    size_t cap = (size_t)atol(argv[2]);
    uint8_t *buf = malloc(cap);
    __wasi_dircookie_t cookie = 0;
    size_t count = 0, names_cap = 64;
    char **names = malloc(names_cap * sizeof *names);
    int retries = 0;
    uint64_t start = now_ns();
    for (;;) {
        __wasi_size_t n;
        __wasi_errno_t e = __wasi_fd_readdir(PRE, buf, cap, cookie, &n);
        if (e) { printf("readdir: %s\n", errno_name(e)); return 1; }
        size_t off = 0, whole = 0;
        while (off + HDR <= n) {
            __wasi_dirent_t d;
            memcpy(&d, buf + off, HDR);
            if (off + HDR + d.d_namlen > n) break; // cut at the end of the buffer
            if (d.d_next == cookie) { printf("cookie %llu names itself\n", (unsigned long long)cookie); return 1; }
            char *name = strndup((char *)buf + off + HDR, d.d_namlen);
            if (list) {
                __wasi_filestat_t fst;
                int ino_ok;
                if (strcmp(name, "..") == 0) {
                    __wasi_fd_filestat_get(PRE, &fst);
                    ino_ok = fst.ino == d.d_ino; // the preopen is its own parent
                } else {
                    ino_ok = __wasi_path_filestat_get(PRE, 0, name, &fst) == 0 && fst.ino == d.d_ino &&
                             fst.filetype == d.d_type;
                }
                char *line = malloc(d.d_namlen + 32);
                sprintf(line, "%s type=%u ino+type match=%d", name, d.d_type, ino_ok);
                free(name);
                name = line;
            }
            if (count == names_cap) names = realloc(names, (names_cap *= 2) * sizeof *names);
            names[count++] = name;
            cookie = d.d_next;
            off += HDR + d.d_namlen;
            whole++;
        }
        if (n < cap) break; // the listing is done
        if (whole == 0) { // not even one entry fit: grow and ask again from the same cookie
            cap *= 2;
            buf = realloc(buf, cap);
            retries++;
        }
    }
    uint64_t elapsed = now_ns() - start;
    qsort(names, count, sizeof *names, cmp);
    for (size_t i = 1; i < count; i++)
        if (strcmp(names[i - 1], names[i]) == 0) { printf("listed twice: %s\n", names[i]); return 1; }
    if (list) {
        for (size_t i = 0; i < count; i++) printf("%s\n", names[i]);
    } else {
        printf("count %zu\n", count);
        fprintf(stderr, "listed %zu entries in %.1f ms\n", count, elapsed / 1e6);
    }
    (void)retries;
    return 0;
}
