// GHSA-3p27-qvp9-27qf (wasmtime, 2026): fd_renumber leaked. Renumbering onto an open descriptor
// must close what that number held, host descriptor included, and renumbering a descriptor onto
// itself must change nothing; a bad number on either side is EBADF and touches nothing. A host
// that keeps the replaced descriptor lets a guest hold host descriptors past every limit, one
// per fd_renumber.
//
// fd 3 is the preopen, holding files `a` ("A") and `b` ("B"). argv[1] is how many renumbers
// the loop makes; tests/advisories.rs runs capwasi with a small RLIMIT_NOFILE and --max-fds,
// so a leak fails a row.
#include <stdlib.h>

#include "fs_util.h"

static char first_byte(__wasi_fd_t fd) {
    char c = '?';
    __wasi_iovec_t iov = {(uint8_t *)&c, 1};
    __wasi_size_t n = 0;
    __wasi_filesize_t pos;
    if (__wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos) || __wasi_fd_read(fd, &iov, 1, &n) || n != 1) return '!';
    return c;
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int rounds = atoi(argv[1]);
    __wasi_fd_t a, b, x;
    CHECK("open a", open_at(PRE, "a", 0, 0, RO_RIGHTS, 0, &a));
    CHECK("open b", open_at(PRE, "b", 0, 0, RO_RIGHTS, 0, &b));
    CHECK("renumber b -> b", __wasi_fd_renumber(b, b));
    printf("  b reads %c\n", first_byte(b));
    CHECK("renumber b -> 1000 (not open)", __wasi_fd_renumber(b, 1000));
    printf("  b reads %c\n", first_byte(b));
    CHECK("renumber 1000 (not open) -> b", __wasi_fd_renumber(1000, b));
    printf("  b reads %c\n", first_byte(b));
    CHECK("renumber a -> b", __wasi_fd_renumber(a, b));
    printf("  b reads %c\n", first_byte(b));
    __wasi_fdstat_t st;
    CHECK("fdstat a (moved away)", __wasi_fd_fdstat_get(a, &st));
    CHECK("open a again", open_at(PRE, "a", 0, 0, RO_RIGHTS, 0, &x));
    printf("  took the freed number: %s\n", x == a ? "yes" : "no");
    int failed = 0;
    for (int i = 0; i < rounds && !failed; i++) {
        __wasi_errno_t e = open_at(PRE, i % 2 ? "a" : "b", 0, 0, RO_RIGHTS, 0, &x);
        if (e == 0) e = __wasi_fd_renumber(x, b);
        if (e != 0) {
            printf("round %d: %s\n", i, errno_name(e));
            failed = 1;
        }
    }
    printf("%d rounds of open + renumber onto b: %s\n", rounds, failed ? "FAILED" : "SUCCESS");
    printf("  b reads %c\n", first_byte(b));
    return 0;
}
