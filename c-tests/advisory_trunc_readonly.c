// GHSA-2r75-cxrj-cmph (wasmtime-wasi, 2026): path_open with O_TRUNC and only
// FD_READ truncated a file beneath a preopen whose files were read-only. Here
// fd 3 is a read-only preopen holding data.txt and link -> data.txt; every
// truncating open is refused before the host opens anything. Should one
// succeed, the file's size afterwards is printed, which the host test catches.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs_util.h"

static void trunc_row(const char *label, const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of,
                      __wasi_rights_t rights) {
    __wasi_fd_t fd;
    // The advisory's call: rights and inheriting as given, no fdflags.
    __wasi_errno_t e = __wasi_path_open(PRE, lf, path, of, rights, 0, 0, &fd);
    printf("%s: %s\n", label, errno_name(e));
    if (e == 0) {
        __wasi_filestat_t st;
        __wasi_fd_filestat_get(fd, &st);
        printf("  opened; size now %llu\n", (unsigned long long)st.size);
        __wasi_fd_close(fd);
    }
}

int main(void) {
    trunc_row("TRUNC with FD_READ (the advisory's call)", "data.txt", 0, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_READ);
    trunc_row("TRUNC with no rights", "data.txt", 0, __WASI_OFLAGS_TRUNC, 0);
    trunc_row("TRUNC|CREAT with FD_READ", "data.txt", 0, __WASI_OFLAGS_TRUNC | __WASI_OFLAGS_CREAT,
              __WASI_RIGHTS_FD_READ);
    trunc_row("TRUNC through a symlink", "link", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_TRUNC,
              __WASI_RIGHTS_FD_READ);
    trunc_row("TRUNC with FD_READ|FD_WRITE", "data.txt", 0, __WASI_OFLAGS_TRUNC, RW_RIGHTS);
    int fd = open("/ro/data.txt", O_RDONLY | O_TRUNC);
    printf("libc open O_RDONLY|O_TRUNC: %s\n", fd < 0 ? strerror(errno) : "opened");
    fd = open("/ro/data.txt", O_WRONLY | O_TRUNC);
    printf("libc open O_WRONLY|O_TRUNC: %s\n", fd < 0 ? strerror(errno) : "opened");
    // Reading is what a read-only preopen is for, and still works.
    trunc_row("open for reading", "data.txt", 0, 0, __WASI_RIGHTS_FD_READ);
    return 0;
}
