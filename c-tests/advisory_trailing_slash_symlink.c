// GHSA-vqjp-4c8c-hfgg (cap-std, through wasmtime-wasi, 2026): a symlink
// pointing out of the sandbox, opened with a trailing slash, was handed to the
// OS as "name/" together with O_NOFOLLOW; a trailing slash makes the kernel
// follow the symlink anyway, so the open landed outside. The bug was in
// cap-std's component-by-component resolution, which Linux uses when openat2
// is unavailable (kernels before 5.6, seccomp profiles without it).
//
// fd 3 is the preopen; ../outside holds `canary`. argv[1] is "make" for a
// writable preopen, where the guest makes its own symlinks (as the advisory's
// guest with write access does), or "exist" when they are already there (a
// read-only preopen with links someone else left). Every row must be refused;
// a row that opens anything prints what it reached.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "fs_util.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

// Opens `path` as a directory; on success reads `canary` beneath it and tries to create `pwned`.
static void open_dir_row(const char *path, __wasi_lookupflags_t lf) {
    __wasi_fd_t dir;
    __wasi_errno_t e = open_at(PRE, path, lf, __WASI_OFLAGS_DIRECTORY, RO_RIGHTS, 0, &dir);
    printf("open dir %s%s: %s\n", path, lf ? " follow" : "", errno_name(e));
    if (e != 0) return;
    __wasi_fd_t fd;
    char buf[32] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    if (open_at(dir, "canary", 0, 0, RO_RIGHTS, 0, &fd) == 0 && __wasi_fd_read(fd, &iov, 1, &n) == 0) {
        printf("  ESCAPED: read canary '%s'\n", buf);
    }
    if (open_at(dir, "pwned", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd) == 0) {
        printf("  ESCAPED: created pwned outside\n");
    }
}

static void open_file_row(const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(PRE, path, lf, of, of ? RW_RIGHTS : RO_RIGHTS, 0, &fd);
    printf("open %s%s%s: %s\n", path, lf ? " follow" : "", of ? " creat" : "", errno_name(e));
    if (e == 0) printf("  ESCAPED: opened %s\n", path);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    if (strcmp(argv[1], "make") == 0) {
        CHECK("symlink esc -> ../outside", __wasi_path_symlink("../outside", PRE, "esc"));
        CHECK("symlink esc2 -> ../outside/", __wasi_path_symlink("../outside/", PRE, "esc2"));
    }
    open_dir_row("esc/", 0);
    open_dir_row("esc/", FOLLOW);
    open_dir_row("esc//", 0);
    open_dir_row("esc/.", 0);
    open_dir_row("esc2", FOLLOW);
    open_dir_row("esc2/", 0);
    open_file_row("esc/canary", 0, 0);
    open_file_row("esc2/canary", FOLLOW, 0);
    open_file_row("esc/pwned", 0, __WASI_OFLAGS_CREAT);
    __wasi_filestat_t st;
    CHECK("filestat esc/", __wasi_path_filestat_get(PRE, 0, "esc/", &st));
    CHECK("filestat esc2/canary", __wasi_path_filestat_get(PRE, 0, "esc2/canary", &st));
    CHECK("mkdir esc/newdir", __wasi_path_create_directory(PRE, "esc/newdir"));
    CHECK("mkdir esc2/newdir/", __wasi_path_create_directory(PRE, "esc2/newdir/"));
    CHECK("set_times esc/", __wasi_path_filestat_set_times(PRE, 0, "esc/", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("unlink esc/canary", __wasi_path_unlink_file(PRE, "esc/canary"));
    CHECK("rename esc/canary -> stolen", __wasi_path_rename(PRE, "esc/canary", PRE, "stolen"));
    CHECK("link esc/canary -> stolen", __wasi_path_link(PRE, 0, "esc/canary", PRE, "stolen"));
    CHECK("symlink esc/planted -> x", __wasi_path_symlink("x", PRE, "esc/planted"));
    char target[64];
    __wasi_size_t n;
    CHECK("readlink esc/", __wasi_path_readlink(PRE, "esc/", (uint8_t *)target, sizeof target, &n));
    // As a C program writes it, through wasi-libc's path lookup.
    DIR *d = opendir("/sandbox/esc/");
    printf("libc opendir /sandbox/esc/: %s\n", d ? "ESCAPED: opened" : strerror(errno));
    int fd = open("/sandbox/esc2/", O_RDONLY | O_DIRECTORY);
    printf("libc open /sandbox/esc2/: %s\n", fd >= 0 ? "ESCAPED: opened" : strerror(errno));
    return 0;
}
