// The escape table: every way out of the preopen (fd 3) must fail, with the
// errno printed per row. argv[1] is the preopen's guest name, for the rows that
// go through wasi-libc's path lookup. The host test lays out, beside the
// preopened directory, ../outside/canary, and inside it: file, sub/,
// to_root -> /, to_outside -> ../outside/canary, chain1 -> chain2 -> ../outside/canary,
// loop1 <-> loop2, dangle_out -> ../outside/new.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include "fs_util.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static void open_row(const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of, __wasi_rights_t r) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(PRE, path, lf, of, r, 0, &fd);
    printf("open %s%s%s: %s\n", path, lf ? " follow" : "", of & __WASI_OFLAGS_CREAT ? " creat" : "", errno_name(e));
    if (e == 0) __wasi_fd_close(fd);
}

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    const char *rows[] = {
        "..", "../", "../.", "../outside/canary", "sub/../../outside/canary", "/", "/etc/passwd", "/canary",
        "to_root", "to_root/etc/passwd", "to_outside", "chain1", "loop1", "sub/../..", "./../outside",
    };
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        open_row(rows[i], FOLLOW, 0, RO_RIGHTS);
    }
    open_row("dangle_out", FOLLOW, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    open_row("../outside/new", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    open_row("to_outside", 0, 0, RO_RIGHTS);
    __wasi_filestat_t st;
    CHECK("filestat ../outside/canary", __wasi_path_filestat_get(PRE, FOLLOW, "../outside/canary", &st));
    CHECK("filestat to_outside follow", __wasi_path_filestat_get(PRE, FOLLOW, "to_outside", &st));
    CHECK("filestat to_outside nofollow", __wasi_path_filestat_get(PRE, 0, "to_outside", &st));
    CHECK("set_times to_outside follow", __wasi_path_filestat_set_times(PRE, FOLLOW, "to_outside", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("mkdir ../outside/newdir", __wasi_path_create_directory(PRE, "../outside/newdir"));
    CHECK("rmdir ..", __wasi_path_remove_directory(PRE, ".."));
    CHECK("unlink ../outside/canary", __wasi_path_unlink_file(PRE, "../outside/canary"));
    CHECK("rename file out", __wasi_path_rename(PRE, "file", PRE, "../outside/moved"));
    CHECK("rename canary in", __wasi_path_rename(PRE, "../outside/canary", PRE, "stolen"));
    CHECK("rename onto to_outside/", __wasi_path_rename(PRE, "file", PRE, "to_root/tmp/moved"));
    CHECK("link file out", __wasi_path_link(PRE, 0, "file", PRE, "../outside/linked"));
    CHECK("link canary in", __wasi_path_link(PRE, 0, "../outside/canary", PRE, "stolen"));
    CHECK("link via to_outside follow", __wasi_path_link(PRE, FOLLOW, "to_outside", PRE, "stolen"));
    CHECK("symlink absolute target", __wasi_path_symlink("/etc/passwd", PRE, "abs"));
    CHECK("symlink placed outside", __wasi_path_symlink("x", PRE, "../outside/x"));
    CHECK("symlink ../ target (allowed)", __wasi_path_symlink("../outside/canary", PRE, "made_out"));
    open_row("made_out", FOLLOW, 0, RO_RIGHTS);
    char buf[64];
    __wasi_size_t n;
    CHECK("readlink ../outside", __wasi_path_readlink(PRE, "../outside/canary", (uint8_t *)buf, sizeof buf, &n));
    // A directory opened beneath the preopen is a root of its own.
    __wasi_fd_t sub;
    open_at(PRE, "sub", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &sub);
    __wasi_fd_t fd;
    CHECK("from sub: ../file", open_at(sub, "../file", 0, 0, RO_RIGHTS, 0, &fd));
    __wasi_fd_close(sub);
    // Through wasi-libc, with the preopen's own name as prefix.
    char path[256];
    snprintf(path, sizeof path, "%s/../outside/canary", argv[1]);
    int lfd = open(path, O_RDONLY);
    printf("libc open %s: %s\n", "PREOPEN/../outside/canary", lfd < 0 ? errno_name(errno) : "SUCCESS");
    snprintf(path, sizeof path, "%s/to_outside", argv[1]);
    lfd = open(path, O_RDONLY);
    printf("libc open %s: %s\n", "PREOPEN/to_outside", lfd < 0 ? errno_name(errno) : "SUCCESS");
    snprintf(path, sizeof path, "%s/file", argv[1]);
    lfd = open(path, O_RDONLY);
    printf("libc open %s: %s\n", "PREOPEN/file", lfd < 0 ? errno_name(errno) : "SUCCESS");
    return 0;
}
