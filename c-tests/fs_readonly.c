// Every mutating route beneath a read-only preopen (fd 3) is ENOTCAPABLE; a
// read-write preopen is fd 4. The host test puts file.txt and dir/ in the
// read-only one, and checks afterwards that nothing changed on disk.
#include "fs_util.h"

#define RW 4

int main(void) {
    __wasi_fd_t fd;
    __wasi_fdstat_t st;
    __wasi_fd_fdstat_get(PRE, &st);
    printf("preopen rights: write-ish %d, readdir %d\n",
           !!(st.fs_rights_base & (__WASI_RIGHTS_PATH_CREATE_FILE | __WASI_RIGHTS_PATH_UNLINK_FILE |
                                   __WASI_RIGHTS_PATH_RENAME_TARGET | __WASI_RIGHTS_FD_WRITE)),
           !!(st.fs_rights_base & __WASI_RIGHTS_FD_READDIR));
    printf("inheriting has FD_WRITE: %d\n", !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
    CHECK("open for read", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd));
    __wasi_fd_fdstat_get(fd, &st);
    printf("file rights: write %d, set_size %d\n", !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
           !!(st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE));
    CHECK("write through it", write_all(fd, "x"));
    CHECK("set_size through it", __wasi_fd_filestat_set_size(fd, 0));
    CHECK("set_times through it", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("allocate through it", __wasi_fd_allocate(fd, 0, 10));
    __wasi_fd_close(fd);
    CHECK("open for write", open_at(PRE, "file.txt", 0, 0, RW_RIGHTS, 0, &fd));
    CHECK("open with only FD_WRITE", open_at(PRE, "file.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, &fd));
    CHECK("open O_TRUNC without write rights", open_at(PRE, "file.txt", 0, __WASI_OFLAGS_TRUNC, RO_RIGHTS, 0, &fd));
    CHECK("open O_CREAT existing", open_at(PRE, "file.txt", 0, __WASI_OFLAGS_CREAT, RO_RIGHTS, 0, &fd));
    CHECK("open O_CREAT new", open_at(PRE, "new.txt", 0, __WASI_OFLAGS_CREAT, RO_RIGHTS, 0, &fd));
    CHECK("open APPEND", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    CHECK("path set_times", __wasi_path_filestat_set_times(PRE, 0, "file.txt", 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("fd set_times on preopen", __wasi_fd_filestat_set_times(PRE, 0, 0, __WASI_FSTFLAGS_MTIM_NOW));
    CHECK("unlink", __wasi_path_unlink_file(PRE, "file.txt"));
    CHECK("rmdir", __wasi_path_remove_directory(PRE, "dir"));
    CHECK("mkdir", __wasi_path_create_directory(PRE, "newdir"));
    CHECK("symlink", __wasi_path_symlink("file.txt", PRE, "sl"));
    CHECK("rename within", __wasi_path_rename(PRE, "file.txt", PRE, "moved"));
    CHECK("rename ro -> rw", __wasi_path_rename(PRE, "file.txt", RW, "moved"));
    CHECK("rename rw -> ro", __wasi_path_rename(RW, "rwfile", PRE, "moved"));
    CHECK("link ro -> rw", __wasi_path_link(PRE, 0, "file.txt", RW, "linked"));
    CHECK("link rw -> ro", __wasi_path_link(RW, 0, "rwfile", PRE, "linked"));
    // A directory opened beneath it is read-only too.
    __wasi_fd_t dir;
    CHECK("open dir", open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &dir));
    __wasi_fd_fdstat_get(dir, &st);
    printf("dir inheriting has FD_WRITE: %d\n", !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
    CHECK("create beneath dir", open_at(dir, "n", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd));
    CHECK("unlink beneath dir", __wasi_path_unlink_file(dir, "inner.txt"));
    // Reading still works.
    char buf[16] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, 15};
    __wasi_size_t n;
    open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd);
    CHECK("read", __wasi_fd_read(fd, &iov, 1, &n));
    printf("read '%s'\n", buf);
    // Rights may shrink, never grow.
    CHECK("grow preopen rights", __wasi_fd_fdstat_set_rights(PRE, ALL_RIGHTS, ALL_RIGHTS));
    return 0;
}
