// Links, symlinks, readlink, rename, unlink, rmdir, mkdir, set_times on a
// symlink, and the descriptor cap. The host test gives a read-write preopen
// (fd 3) holding file ("0123456789"), dir/ with dir/inner, and caps the
// instance at 6 descriptors.
#include "fs_util.h"

#define FOLLOW __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW

int main(void) {
    char buf[64];
    __wasi_size_t n;
    __wasi_filestat_t a, b;
    CHECK("symlink", __wasi_path_symlink("file", PRE, "sl"));
    CHECK("symlink exists", __wasi_path_symlink("file", PRE, "sl"));
    CHECK("symlink dangling with trailing slash", __wasi_path_symlink("source", PRE, "target/"));
    CHECK("readlink", __wasi_path_readlink(PRE, "sl", (uint8_t *)buf, sizeof buf, &n));
    printf("readlink -> %.*s (%u)\n", (int)n, buf, (unsigned)n);
    memset(buf, '#', sizeof buf);
    CHECK("readlink into 2 bytes", __wasi_path_readlink(PRE, "sl", (uint8_t *)buf, 2, &n));
    printf("truncated -> %.*s (%u), next byte untouched: %d\n", (int)n, buf, (unsigned)n, buf[2] == '#');
    CHECK("readlink of a file", __wasi_path_readlink(PRE, "file", (uint8_t *)buf, sizeof buf, &n));
    CHECK("filestat nofollow", __wasi_path_filestat_get(PRE, 0, "sl", &a));
    printf("nofollow type %u\n", a.filetype);
    CHECK("filestat follow", __wasi_path_filestat_get(PRE, FOLLOW, "sl", &b));
    printf("follow type %u size %llu\n", b.filetype, (unsigned long long)b.size);
    CHECK("filestat file/", __wasi_path_filestat_get(PRE, 0, "file/", &a));
    CHECK("filestat sl/", __wasi_path_filestat_get(PRE, 0, "sl/", &a));
    CHECK("filestat dir/", __wasi_path_filestat_get(PRE, 0, "dir/", &a));
    CHECK("set_times on symlink itself",
          __wasi_path_filestat_set_times(PRE, 0, "sl", 0, 7000000000000ull, __WASI_FSTFLAGS_MTIM));
    __wasi_path_filestat_get(PRE, 0, "sl", &a);
    __wasi_path_filestat_get(PRE, FOLLOW, "sl", &b);
    printf("link mtim %llu, target mtim changed: %d\n", (unsigned long long)a.mtim, b.mtim == 7000000000000ull);
    CHECK("set_times following", __wasi_path_filestat_set_times(PRE, FOLLOW, "sl", 0, 8000000000000ull, __WASI_FSTFLAGS_MTIM));
    __wasi_path_filestat_get(PRE, 0, "file", &b);
    printf("target mtim %llu\n", (unsigned long long)b.mtim);

    CHECK("link", __wasi_path_link(PRE, 0, "file", PRE, "hard"));
    __wasi_path_filestat_get(PRE, 0, "hard", &a);
    printf("nlink %llu\n", (unsigned long long)a.nlink);
    CHECK("link exists", __wasi_path_link(PRE, 0, "file", PRE, "hard"));
    CHECK("link follow flag", __wasi_path_link(PRE, FOLLOW, "sl", PRE, "hard2"));
    CHECK("link a dir", __wasi_path_link(PRE, 0, "dir", PRE, "dir2"));
    CHECK("link missing", __wasi_path_link(PRE, 0, "missing", PRE, "x"));

    CHECK("mkdir", __wasi_path_create_directory(PRE, "newdir"));
    CHECK("mkdir exists", __wasi_path_create_directory(PRE, "newdir"));
    CHECK("mkdir over file", __wasi_path_create_directory(PRE, "file"));
    CHECK("rmdir non-empty", __wasi_path_remove_directory(PRE, "dir"));
    CHECK("rmdir a file", __wasi_path_remove_directory(PRE, "file"));
    CHECK("rmdir .", __wasi_path_remove_directory(PRE, "."));
    CHECK("rmdir file/", __wasi_path_remove_directory(PRE, "file/"));
    CHECK("rmdir newdir/", __wasi_path_remove_directory(PRE, "newdir/"));
    CHECK("unlink a dir", __wasi_path_unlink_file(PRE, "dir"));
    CHECK("unlink file/", __wasi_path_unlink_file(PRE, "hard/"));
    CHECK("unlink symlink itself", __wasi_path_unlink_file(PRE, "sl"));
    CHECK("unlink missing", __wasi_path_unlink_file(PRE, "sl"));

    CHECK("rename file", __wasi_path_rename(PRE, "hard", PRE, "renamed"));
    CHECK("rename file over dir", __wasi_path_rename(PRE, "renamed", PRE, "dir"));
    CHECK("rename dir over file", __wasi_path_rename(PRE, "dir", PRE, "renamed"));
    CHECK("rename dir into itself", __wasi_path_rename(PRE, "dir", PRE, "dir/sub"));
    CHECK("rename missing", __wasi_path_rename(PRE, "missing", PRE, "x"));
    CHECK("rename dir", __wasi_path_rename(PRE, "dir", PRE, "dir_moved"));

    // EMFILE at the cap (stdio 3 + preopen 1 + 2 more = 6), and the lowest number reused.
    __wasi_fd_t f1, f2, f3;
    CHECK("open 1", open_at(PRE, "file", 0, 0, RO_RIGHTS, 0, &f1));
    CHECK("open 2", open_at(PRE, "file", 0, 0, RO_RIGHTS, 0, &f2));
    CHECK("open 3 past the cap", open_at(PRE, "file", 0, 0, RO_RIGHTS, 0, &f3));
    CHECK("create past the cap", open_at(PRE, "not_created", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &f3));
    __wasi_fd_close(f1);
    CHECK("open after close", open_at(PRE, "file", 0, 0, RO_RIGHTS, 0, &f3));
    printf("reused %d\n", f3 == f1);
    return 0;
}
