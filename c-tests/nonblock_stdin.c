// NONBLOCK on stdin (an empty pipe, from tests/poll_stdin.rs): fd_fdstat_set_flags(0, NONBLOCK),
// fd_fdstat_get reports it, and fd_read fails with AGAIN (never 0) until data arrives.
// Prints "SKIP" if fd_fdstat_set_flags is not implemented yet (ENOSYS), else "again" after the
// first read, then "ok" once a poll and a read get the host's byte.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

int main(void) {
    setvbuf(stdout, NULL, _IONBF, 0);
    __wasi_errno_t err = __wasi_fd_fdstat_set_flags(0, __WASI_FDFLAGS_NONBLOCK);
    if (err == __WASI_ERRNO_NOSYS) { printf("SKIP\n"); return 0; }
    if (err != 0) { printf("FAIL: fd_fdstat_set_flags errno %u\n", err); return 1; }
    __wasi_fdstat_t st;
    if (__wasi_fd_fdstat_get(0, &st) != 0 || st.fs_flags != __WASI_FDFLAGS_NONBLOCK) {
        printf("FAIL: fdstat flags %u\n", st.fs_flags);
        return 1;
    }
    char buf[8];
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    __wasi_size_t n = 0;
    err = __wasi_fd_read(0, &iov, 1, &n);
    if (err != __WASI_ERRNO_AGAIN) { printf("FAIL: read errno %u n %lu, want AGAIN\n", err, n); return 1; }
    printf("again\n");
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.u.tag = __WASI_EVENTTYPE_FD_READ;
    sub.u.u.fd_read.file_descriptor = 0;
    __wasi_event_t event;
    if (__wasi_poll_oneoff(&sub, &event, 1, &n) != 0 || event.error != 0) { printf("FAIL: poll\n"); return 1; }
    err = __wasi_fd_read(0, &iov, 1, &n);
    if (err != 0 || n != 1) { printf("FAIL: read after poll errno %u n %lu\n", err, n); return 1; }
    printf("ok\n");
    return 0;
}
