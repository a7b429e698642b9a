// Socket calls on a preopened TCP listener (fd 3), driven by a host client (tests/sockets.rs):
//   wrong-kind fds -> NOTSOCK, unknown fds -> BADF, unknown accept flags -> INVAL;
//   connection A: accept with NONBLOCK (fdstat says so), recv PEEK then recv "ping", then
//     EAGAIN from sock_recv and fd_read (never 0), a poll that times out, send "pong";
//   connection B: accept blocking, recv WAITALL over two buffers gets "abcdef" sent in two
//     parts, then 0 at end of stream; shutdown RD, then both (send -> PIPE); empty -> INVAL;
//   recv on the listener -> NOTCONN; A: shutdown WR, the client closes, recv 0, send -> PIPE.
// Prints "ok" or the first failure.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#include "check.h"

static __wasi_errno_t recv1(__wasi_fd_t fd, char *buf, size_t len, __wasi_riflags_t flags, size_t *n) {
    __wasi_iovec_t iov = {(uint8_t *)buf, len};
    __wasi_roflags_t ro = 0;
    __wasi_errno_t err = __wasi_sock_recv(fd, &iov, 1, flags, n, &ro);
    if (err == 0 && ro != 0) printf("FAIL: roflags %u\n", ro);
    return err;
}

static __wasi_errno_t send1(__wasi_fd_t fd, const char *text, size_t *n) {
    __wasi_ciovec_t iov = {(const uint8_t *)text, strlen(text)};
    return __wasi_sock_send(fd, &iov, 1, 0, n);
}

/// Polls `fd` for reading with a timeout; returns 1 if the fd fired, 0 if the clock did.
static int poll_read(__wasi_fd_t fd, __wasi_timestamp_t timeout_ns, __wasi_filesize_t *nbytes) {
    __wasi_subscription_t subs[2];
    memset(subs, 0, sizeof subs);
    subs[0].userdata = 1;
    subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
    subs[0].u.u.fd_read.file_descriptor = fd;
    subs[1].userdata = 2;
    subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
    subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    subs[1].u.u.clock.timeout = timeout_ns;
    __wasi_event_t events[2];
    __wasi_size_t n = 0;
    __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &n);
    if (err != 0 || n < 1) { printf("FAIL: poll errno %u n %lu\n", err, n); return -1; }
    if (events[0].userdata == 1) {
        if (events[0].error != 0) { printf("FAIL: poll event error %u\n", events[0].error); return -1; }
        if (nbytes) *nbytes = events[0].fd_readwrite.nbytes;
        return 1;
    }
    return 0;
}

int main(void) {
    __wasi_fd_t fd = 0;
    size_t n = 0;
    char buf[16];
    __wasi_errno_t err;

    CHECK(__wasi_sock_accept(1, 0, &fd) == __WASI_ERRNO_NOTSOCK, "accept(stdout)");
    CHECK(__wasi_sock_accept(99, 0, &fd) == __WASI_ERRNO_BADF, "accept(99)");
    CHECK(recv1(0, buf, 4, 0, &n) == __WASI_ERRNO_NOTSOCK, "recv(stdin)");
    CHECK(send1(99, "x", &n) == __WASI_ERRNO_BADF, "send(99)");
    CHECK(__wasi_sock_shutdown(2, __WASI_SDFLAGS_WR) == __WASI_ERRNO_NOTSOCK, "shutdown(stderr)");
    CHECK(__wasi_sock_accept(3, __WASI_FDFLAGS_APPEND, &fd) == __WASI_ERRNO_INVAL, "accept(APPEND)");
    CHECK(recv1(3, buf, 4, 0, &n) == __WASI_ERRNO_NOTCONN, "recv(listener)");
    __wasi_fdstat_t st;
    CHECK(__wasi_fd_fdstat_get(3, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM &&
              st.fs_flags == 0,
          "fdstat(3) type %u flags %u", st.fs_filetype, st.fs_flags);

    // Connection A.
    CHECK(poll_read(3, 10000000000ull, NULL) == 1, "poll(listener) did not see the connection");
    __wasi_fd_t a = 0;
    err = __wasi_sock_accept(3, __WASI_FDFLAGS_NONBLOCK, &a);
    CHECK(err == 0 && a == 4, "accept A: errno %u fd %u", err, a);
    CHECK(__wasi_fd_fdstat_get(a, &st) == 0 && st.fs_filetype == __WASI_FILETYPE_SOCKET_STREAM &&
              st.fs_flags == __WASI_FDFLAGS_NONBLOCK,
          "fdstat(A) type %u flags %u", st.fs_filetype, st.fs_flags);
    __wasi_filesize_t nbytes = 0;
    CHECK(poll_read(a, 10000000000ull, &nbytes) == 1 && nbytes == 4, "poll(A) nbytes %llu",
          (unsigned long long)nbytes);
    memset(buf, 0, sizeof buf);
    err = recv1(a, buf, 4, __WASI_RIFLAGS_RECV_PEEK, &n);
    CHECK(err == 0 && n == 4 && memcmp(buf, "ping", 4) == 0, "peek A: errno %u n %zu", err, n);
    memset(buf, 0, sizeof buf);
    err = recv1(a, buf, sizeof buf, 0, &n);
    CHECK(err == 0 && n == 4 && memcmp(buf, "ping", 4) == 0, "recv A: errno %u n %zu", err, n);
    err = recv1(a, buf, sizeof buf, 0, &n);
    CHECK(err == __WASI_ERRNO_AGAIN, "recv A when empty: errno %u n %zu, want AGAIN", err, n);
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf};
    err = __wasi_fd_read(a, &iov, 1, &n);
    CHECK(err == __WASI_ERRNO_AGAIN, "fd_read A when empty: errno %u n %zu, want AGAIN", err, n);
    CHECK(poll_read(a, 20000000, NULL) == 0, "poll(A) fired with nothing to read");
    CHECK(__wasi_sock_accept(a, 0, &fd) == __WASI_ERRNO_INVAL, "accept on a connection");
    err = send1(a, "pong", &n);
    CHECK(err == 0 && n == 4, "send A: errno %u n %zu", err, n);

    // Connection B: blocking, WAITALL across two buffers.
    __wasi_fd_t b = 0;
    err = __wasi_sock_accept(3, 0, &b);
    CHECK(err == 0 && b == 5, "accept B: errno %u fd %u", err, b);
    CHECK(__wasi_fd_fdstat_get(b, &st) == 0 && st.fs_flags == 0, "fdstat(B) flags %u", st.fs_flags);
    char two[2], four[4];
    __wasi_iovec_t iovs[2] = {{(uint8_t *)two, 2}, {(uint8_t *)four, 4}};
    __wasi_roflags_t ro = 0;
    err = __wasi_sock_recv(b, iovs, 2, __WASI_RIFLAGS_RECV_WAITALL, &n, &ro);
    CHECK(err == 0 && n == 6 && memcmp(two, "ab", 2) == 0 && memcmp(four, "cdef", 4) == 0,
          "recv WAITALL B: errno %u n %zu", err, n);
    err = recv1(b, buf, sizeof buf, 0, &n);
    CHECK(err == 0 && n == 0, "recv B at end: errno %u n %zu, want 0 bytes", err, n);
    CHECK(__wasi_sock_shutdown(b, 0) == __WASI_ERRNO_INVAL, "shutdown(B, 0)");
    CHECK(__wasi_sock_shutdown(b, __WASI_SDFLAGS_RD) == 0, "shutdown(B, RD)");
    err = send1(b, "bye", &n);
    CHECK(err == 0 && n == 3, "send B: errno %u", err);
    err = __wasi_sock_shutdown(b, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR);
    CHECK(err == 0, "shutdown(B, RD|WR): errno %u", err);
    CHECK(send1(b, "x", &n) == __WASI_ERRNO_PIPE, "send B after shutdown");
    CHECK(__wasi_fd_close(b) == 0, "close B");

    // A: shut down writing; the client sees end of stream and closes; sends fail with PIPE
    // (and no SIGPIPE reaches the host).
    err = __wasi_sock_shutdown(a, __WASI_SDFLAGS_WR);
    CHECK(err == 0, "shutdown(A, WR): errno %u", err);
    CHECK(poll_read(a, 10000000000ull, &nbytes) == 1, "poll(A) did not see the close");
    err = recv1(a, buf, sizeof buf, 0, &n);
    CHECK(err == 0 && n == 0, "recv A after close: errno %u n %zu", err, n);
    err = send1(a, "more", &n);
    CHECK(err == __WASI_ERRNO_PIPE, "send A after shutdown WR: errno %u", err);
    CHECK(__wasi_fd_close(a) == 0, "close A");

    if (failures == 0) printf("ok\n");
    return failures ? 1 : 0;
}
