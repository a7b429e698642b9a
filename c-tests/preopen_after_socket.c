// With a preopened socket at fd 3 and a directory preopened as "/data" at fd 4, wasi-libc's
// preopen scan (fd_prestat_get from fd 3 up, stopping at the first EBADF, exiting with status
// 71 on any other errno) must step over the socket and find the directory. Prints:
//   fd3 prestat tag=1
//   /data/x -> fd 4 prefix=data rel=x   (wasi-libc keeps prefixes without the leading /)
//   ok
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>
#include <wasi/libc-find-relpath.h>

int main(void) {
    __wasi_prestat_t prestat;
    __wasi_errno_t err = __wasi_fd_prestat_get(3, &prestat);
    if (err != 0) {
        printf("FAIL: fd_prestat_get(3) = errno %u\n", err);
        return 1;
    }
    printf("fd3 prestat tag=%u\n", prestat.tag);
    const char *prefix = NULL;
    char buf[64];
    char *rel = buf;
    int fd = __wasilibc_find_relpath("/data/x", &prefix, &rel, sizeof buf);
    if (fd < 0) {
        printf("FAIL: /data/x is under no preopen\n");
        return 1;
    }
    printf("/data/x -> fd %d prefix=%s rel=%s\n", fd, prefix, rel);
    printf("ok\n");
    return 0;
}
