// Every mutating route beneath a read-only preopen (fd 3) is ENOTCAPABLE; a
// read-write preopen is fd 4. The host test puts file.txt and dir/ in the
// read-only one, and checks afterwards that nothing changed on disk.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

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
    // Inheriting rights are reported in full so wasi-libc passes write intent on (src/rights.rs).
    printf("inheriting has FD_WRITE: %d\n", !!(st.fs_rights_inheriting & __WASI_RIGHTS_FD_WRITE));
    // Re-opened with exactly the rights it reports (as the public WASI test suite's programs do).
    CHECK("re-open with its rights",
          __wasi_path_open(PRE, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base, st.fs_rights_inheriting, 0, &fd));
    __wasi_fd_close(fd);
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
    // APPEND is a mode, not a grant, and only FD_WRITE asks for writing: a
    // read-only open carrying either reads (Go's os.Open asks for FD_DATASYNC,
    // FD_ALLOCATE and FD_FILESTAT_SET_SIZE among its read rights).
    CHECK("open APPEND", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    CHECK("write through the APPEND open", write_all(fd, "x"));
    __wasi_fd_close(fd);
    CHECK("open APPEND missing", open_at(PRE, "missing", 0, 0, RO_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
#define WRITE_FLAVOURED \
    (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
    CHECK("open with write-flavoured rights", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS | WRITE_FLAVOURED, 0, &fd));
    CHECK("write through it", write_all(fd, "x"));
    CHECK("set_size through it", __wasi_fd_filestat_set_size(fd, 0));
    __wasi_fd_close(fd);
    CHECK("open with write-flavoured rights, missing",
          open_at(PRE, "missing", 0, 0, RO_RIGHTS | WRITE_FLAVOURED, 0, &fd));
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
    // Rights are reported, not enforced, so they cannot be changed either way.
    CHECK("grow preopen rights", __wasi_fd_fdstat_set_rights(PRE, ALL_RIGHTS, ALL_RIGHTS));
    CHECK("shrink preopen rights", __wasi_fd_fdstat_set_rights(PRE, 0, 0));
    // Through wasi-libc, as a C program writes it: the write intent reaches the
    // host (the preopen's inheriting rights carry FD_WRITE) and is refused.
    int libc_fd = open("/ro/file.txt", O_WRONLY);
    printf("libc open O_WRONLY: %s\n", libc_fd < 0 ? strerror(errno) : "opened");
    libc_fd = open("/ro/file.txt", O_RDWR | O_APPEND);
    printf("libc open O_RDWR|O_APPEND: %s\n", libc_fd < 0 ? strerror(errno) : "opened");
    libc_fd = open("/ro/file.txt", O_RDONLY);
    printf("libc open O_RDONLY: %s\n", libc_fd < 0 ? strerror(errno) : "opened");
    libc_fd = open("/ro/file.txt", O_RDONLY | O_APPEND);
    printf("libc open O_RDONLY|O_APPEND: %s\n", libc_fd < 0 ? strerror(errno) : "opened");
    printf("libc write to it: %s\n", write(libc_fd, "x", 1) < 0 ? strerror(errno) : "written");
    libc_fd = open("/ro/missing", O_RDONLY | O_APPEND);
    printf("libc open missing O_RDONLY|O_APPEND: %s\n", libc_fd < 0 ? strerror(errno) : "opened");
    return 0;
}
