// GHSA-852m-cvvp-9p4w (wasmtime, 2026): a guest could exhaust its host's resources through
// WASI: handles allocated without limit, host buffers and copies sized by what the guest
// passes, data held for the guest. Here each preview1 form of it, at the sizes a 32-bit guest
// can ask for, on a 1 GiB buffer the guest never touches (so the host's memory shows what the
// host did with it). fd 3 is a preopen holding `small` (10 bytes); stderr goes nowhere. One
// line per call on stdout; tests/advisory_resource_exhaustion.rs checks them and the host's
// peak memory.
#include <stdlib.h>

#include "fs_util.h"

#define GIB (1u << 30)
#define MAX_OPENS 100000

int32_t raw_fd_write(int32_t fd, int32_t iovs, int32_t iovs_len, int32_t nwritten)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("fd_write")));
int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t nsubscriptions, int32_t nevents)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("poll_oneoff")));

static __wasi_fd_t fds[MAX_OPENS];

int main(void) {
    // Handles: the guest opens until it is refused, and gets them back on closing.
    int opened = 0;
    __wasi_errno_t e;
    while (opened < MAX_OPENS && (e = open_at(PRE, "small", 0, 0, RO_RIGHTS, 0, &fds[opened])) == 0) opened++;
    printf("open until refused: %d opens, then %s\n", opened, errno_name(e));
    for (int i = 0; i < opened; i++) __wasi_fd_close(fds[i]);
    __wasi_fd_t fd;
    CHECK("open after closing them", open_at(PRE, "small", 0, 0, RO_RIGHTS, 0, &fd));

    uint8_t *big = malloc(GIB);
    if (!big) {
        printf("no 1 GiB buffer\n");
        return 1;
    }
    __wasi_size_t n = 0;
    // A read buffer of 1 GiB for a 10-byte file.
    __wasi_iovec_t iov = {big, GIB};
    e = __wasi_fd_read(fd, &iov, 1, &n);
    printf("fd_read into 1 GiB: %s, %lu bytes\n", errno_name(e), n);
    // 4 GiB written in one call: four buffers of the same 1 GiB.
    __wasi_ciovec_t four[4] = {{big, GIB}, {big, GIB}, {big, GIB}, {big, GIB}};
    e = __wasi_fd_write(2, four, 4, &n);
    printf("fd_write of 4 GiB: %s, %lu bytes\n", errno_name(e), n);
    // 64M buffers in one call (the buffer read as an array of empty iovecs; the read above
    // wrote its first 10 bytes).
    memset(big, 0, 16);
    e = raw_fd_write(2, (int32_t)big, 1 << 26, (int32_t)&n);
    printf("fd_write of 64M buffers: %s, %lu bytes\n", errno_name(e), n);
    // A directory listed into 1 GiB.
    e = __wasi_fd_readdir(PRE, big, GIB, 0, &n);
    printf("fd_readdir into 1 GiB: %s, %lu bytes\n", errno_name(e), n);
    // 4M subscriptions at once (their array and events fit the buffer).
    e = raw_poll_oneoff((int32_t)big, (int32_t)(big + (200u << 20)), 1 << 22, (int32_t)&n);
    printf("poll_oneoff of 4M subscriptions: %s\n", errno_name(e));
    // An 8 MiB path, "a/a/a/...".
    for (uint32_t i = 0; i < (8u << 20); i++) big[i] = i % 2 ? '/' : 'a';
    e = raw_path_open(PRE, 0, (int32_t)big, 8 << 20, 0, RO_RIGHTS, 0, 0, (int32_t)&fd);
    printf("path_open of an 8 MiB path: %s\n", errno_name(e));
    return 0;
}
