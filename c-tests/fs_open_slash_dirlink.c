// path_open answers as Linux open does for a trailing slash with O_CREAT and
// for O_DIRECTORY through a symlink, whichever way cap-std resolves the path
// (openat2, or component by component without it), and for O_TRUNC or O_CREAT
// reaching a directory. fd 3 holds: file, dir/, l_file -> file, l_dir -> dir,
// l_dir_slash -> dir/, l_dangle -> missing.
#include "fs_util.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

static void row(const char *label, const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of,
                __wasi_rights_t rights) {
    __wasi_fd_t fd;
    __wasi_errno_t e = open_at(PRE, path, lf, of, rights, 0, &fd);
    printf("%s %s: %s\n", label, path, errno_name(e));
    if (e == 0) __wasi_fd_close(fd);
}

int main(void) {
    const char *slashed[] = {"new/", "file/", "dir/", "l_file/", "l_dir/", "l_dangle/"};
    for (size_t i = 0; i < sizeof slashed / sizeof slashed[0]; i++) {
        row("O_CREAT", slashed[i], FOLLOW, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    }
    row("O_CREAT, writing", "l_dir_slash", FOLLOW, __WASI_OFLAGS_CREAT, RW_RIGHTS);
    row("O_TRUNC, reading", "dir/", FOLLOW, __WASI_OFLAGS_TRUNC, RO_RIGHTS);
    row("O_TRUNC, reading", "l_dir_slash", FOLLOW, __WASI_OFLAGS_TRUNC, RO_RIGHTS);
    row("O_CREAT, reading", "l_dir_slash", FOLLOW, __WASI_OFLAGS_CREAT, RO_RIGHTS);
    row("O_DIRECTORY follow", "l_dir", FOLLOW, __WASI_OFLAGS_DIRECTORY, RO_RIGHTS);
    row("O_DIRECTORY follow, writing", "l_dir", FOLLOW, __WASI_OFLAGS_DIRECTORY, RW_RIGHTS);
    row("O_DIRECTORY follow, writing", "l_file", FOLLOW, __WASI_OFLAGS_DIRECTORY, RW_RIGHTS);
    row("O_DIRECTORY nofollow", "l_dir", 0, __WASI_OFLAGS_DIRECTORY, RO_RIGHTS);
    row("O_DIRECTORY, writing", "dir", 0, __WASI_OFLAGS_DIRECTORY, RW_RIGHTS);
    row("O_DIRECTORY, writing", "file", 0, __WASI_OFLAGS_DIRECTORY, RW_RIGHTS);
    return 0;
}
