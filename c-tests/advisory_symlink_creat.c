// CVE-2024-38358 (Wasmer, GHSA-55f3-3qvg-8pv5): with a symlink in the preopen
// pointing out of it, path_open with SYMLINK_FOLLOW, O_CREAT and FD_WRITE
// followed the symlink on the host and opened the file outside; a guest could
// also make such a symlink itself with path_symlink and crash the runtime by
// opening it. The advisory's tree, preopened as /app (fd 3):
//   outside.file
//   preopen/dir/file -> ../../outside.file
// plus preopen/file_link -> ../outside.file (the same, as a plain name).
// Every open is refused; one that succeeds prints what it read.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs_util.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static void open_row(const char *path, __wasi_oflags_t of) {
    __wasi_fd_t fd;
    // The advisory's call: SYMLINK_FOLLOW, CREAT, FD_READ|FD_WRITE.
    __wasi_errno_t e = __wasi_path_open(PRE, FOLLOW, path, of, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0, 0, &fd);
    printf("open %s%s%s: %s\n", path, of & __WASI_OFLAGS_TRUNC ? " trunc" : "", of & __WASI_OFLAGS_EXCL ? " excl" : "",
           errno_name(e));
    if (e != 0) return;
    char buf[32] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    __wasi_fd_read(fd, &iov, 1, &n);
    printf("  ESCAPED: read '%s'\n", buf);
    __wasi_fd_close(fd);
}

int main(void) {
    open_row("dir/file", __WASI_OFLAGS_CREAT);
    open_row("dir/file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC);
    open_row("dir/file", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL);
    open_row("file_link", __WASI_OFLAGS_CREAT);
    open_row("file_link", __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC);
    // The advisory's second half: the guest makes the symlink itself, then opens it.
    CHECK("symlink made -> ../outside.file", __wasi_path_symlink("../outside.file", PRE, "made"));
    open_row("made", __WASI_OFLAGS_CREAT);
    open_row("made", 0);
    CHECK("symlink deep -> ../../../../../../../etc/passwd", __wasi_path_symlink("../../../../../../../etc/passwd", PRE, "deep"));
    open_row("deep", __WASI_OFLAGS_CREAT);
    // A dangling symlink out: O_CREAT would create the file outside.
    CHECK("symlink dangle -> ../created_outside", __wasi_path_symlink("../created_outside", PRE, "dangle"));
    open_row("dangle", __WASI_OFLAGS_CREAT);
    // As a C program writes it, through wasi-libc's path lookup.
    int fd = open("/app/dir/file", O_RDWR | O_CREAT, 0644);
    printf("libc open O_RDWR|O_CREAT /app/dir/file: %s\n", fd < 0 ? strerror(errno) : "ESCAPED: opened");
    fd = open("/app/dangle", O_WRONLY | O_CREAT, 0644);
    printf("libc open O_WRONLY|O_CREAT /app/dangle: %s\n", fd < 0 ? strerror(errno) : "ESCAPED: opened");
    return 0;
}
