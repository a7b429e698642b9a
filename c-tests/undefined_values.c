// An undefined value in a scalar enum or flags argument is EINVAL, as Linux
// answers lseek(fd, 0, <undefined whence>): the guest gets an errno and goes
// on, and the run does not end. Raw imports, since the values cannot be named
// through wasi/api.h's types. The preopen (fd 3) holds file.txt.
#include <stdint.h>
#include <stdio.h>

#include "fs_util.h"

#define RAW(name, ...) \
    int32_t raw_##name(__VA_ARGS__) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))

RAW(fd_seek, int32_t fd, int64_t offset, int32_t whence, int32_t out);
RAW(fd_advise, int32_t fd, int64_t offset, int64_t len, int32_t advice);
RAW(clock_time_get, int32_t id, int64_t precision, int32_t out);
RAW(clock_res_get, int32_t id, int32_t out);
RAW(proc_raise, int32_t sig);
RAW(fd_fdstat_set_flags, int32_t fd, int32_t flags);
RAW(fd_filestat_set_times, int32_t fd, int64_t atim, int64_t mtim, int32_t fst_flags);
RAW(path_filestat_get, int32_t fd, int32_t flags, int32_t path, int32_t path_len, int32_t out);
RAW(sock_shutdown, int32_t fd, int32_t how);

static const char name[] = "file.txt";

int main(void) {
    static uint64_t out64[8];
    static __wasi_fd_t fd;
    open_at(PRE, name, 0, 0, RO_RIGHTS, 0, &fd);
    int32_t out = (int32_t)out64;
    CHECK("fd_seek whence 3", raw_fd_seek(fd, 0, 3, out));
    CHECK("fd_seek whence 0x10000", raw_fd_seek(fd, 0, 0x10000, out));
    CHECK("fd_seek whence 0 (defined)", raw_fd_seek(fd, 0, 0, out));
    CHECK("fd_advise advice 6", raw_fd_advise(fd, 0, 0, 6));
    CHECK("clock_time_get clock 4", raw_clock_time_get(4, 0, out));
    CHECK("clock_res_get clock -1", raw_clock_res_get(-1, out));
    CHECK("proc_raise signal 31", raw_proc_raise(31));
    CHECK("fd_fdstat_set_flags bit 5", raw_fd_fdstat_set_flags(fd, 1 << 5));
    CHECK("fd_filestat_set_times bit 4", raw_fd_filestat_set_times(fd, 0, 0, 1 << 4));
    CHECK("path_filestat_get lookupflags bit 1",
          raw_path_filestat_get(PRE, 2, (int32_t)name, sizeof name - 1, (int32_t)out64));
    CHECK("path_open lookupflags bit 1", raw_path_open(PRE, 2, (int32_t)name, sizeof name - 1, 0, RO_RIGHTS, 0, 0, out));
    CHECK("path_open oflags bit 4", raw_path_open(PRE, 0, (int32_t)name, sizeof name - 1, 1 << 4, RO_RIGHTS, 0, 0, out));
    CHECK("path_open fdflags bit 5", raw_path_open(PRE, 0, (int32_t)name, sizeof name - 1, 0, RO_RIGHTS, 0, 1 << 5, out));
    CHECK("path_open rights bit 40", raw_path_open(PRE, 0, (int32_t)name, sizeof name - 1, 0, 1ll << 40, 0, 0, out));
    CHECK("sock_shutdown how 4", raw_sock_shutdown(fd, 4));
    printf("still running\n");
    return 0;
}
