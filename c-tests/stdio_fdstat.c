// Checks the stdio fds: fd_fdstat_get succeeds on 0, 1 and 2; fd_filestat_get succeeds
// on 1; fd_fdstat_get on an fd that was never opened (99) returns BADF. Prints:
//   fd1 filetype=N
//   fd2 filetype=N
//   ok
// where N is the __wasi_filetype_t number (2 = CHARACTER_DEVICE, 6 = SOCKET_STREAM,
// 4 = REGULAR_FILE, 0 = UNKNOWN, e.g. for a pipe), which depends on how the host set up stdio.
#include <stdio.h>
#include <wasi/api.h>

int main(void) {
    __wasi_fdstat_t stat[3];
    for (__wasi_fd_t fd = 0; fd < 3; fd++) {
        __wasi_errno_t err = __wasi_fd_fdstat_get(fd, &stat[fd]);
        if (err != __WASI_ERRNO_SUCCESS) {
            printf("FAIL: fd_fdstat_get(%u) = errno %u, want SUCCESS\n", fd, (unsigned)err);
            return 1;
        }
    }

    __wasi_filestat_t filestat;
    __wasi_errno_t err = __wasi_fd_filestat_get(1, &filestat);
    if (err != __WASI_ERRNO_SUCCESS) {
        printf("FAIL: fd_filestat_get(1) = errno %u, want SUCCESS\n", (unsigned)err);
        return 1;
    }

    __wasi_fdstat_t unused;
    err = __wasi_fd_fdstat_get(99, &unused);
    if (err != __WASI_ERRNO_BADF) {
        printf("FAIL: fd_fdstat_get(99) = errno %u, want BADF (%u)\n", (unsigned)err,
               (unsigned)__WASI_ERRNO_BADF);
        return 1;
    }

    printf("fd1 filetype=%u\n", (unsigned)stat[1].fs_filetype);
    printf("fd2 filetype=%u\n", (unsigned)stat[2].fs_filetype);
    printf("ok\n");
    return 0;
}
