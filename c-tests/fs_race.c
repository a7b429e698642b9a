// Opens and reads "link" beneath the preopen at fd 3 argv[1] times while the host
// swaps it between a file inside the sandbox and a symlink to a canary outside.
// Prints "opened=N refused=N other=N leaks=N": a leak is a read that returned the
// canary's content. The host test (tests/fs_race.rs) requires leaks=0.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 1000;
    int opened = 0, refused = 0, other = 0, leaks = 0;
    for (int i = 0; i < rounds; i++) {
        __wasi_fd_t fd;
        __wasi_errno_t err = __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "link", 0,
                                              __WASI_RIGHTS_FD_READ, 0, 0, &fd);
        if (err == __WASI_ERRNO_NOTCAPABLE) {
            refused++;
            continue;
        }
        if (err != __WASI_ERRNO_SUCCESS) {
            other++;
            continue;
        }
        opened++;
        char buf[16] = {0};
        __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
        __wasi_size_t n;
        if (__wasi_fd_read(fd, &iov, 1, &n) == 0 && strncmp(buf, "secret", 6) == 0) {
            leaks++;
        }
        (void)__wasi_fd_close(fd);
    }
    printf("opened=%d refused=%d other=%d leaks=%d\n", opened, refused, other, leaks);
    return 0;
}
