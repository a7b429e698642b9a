// The access mode of a descriptor follows what the guest asked, as Linux
// open(2) decides it: only FD_WRITE opens for writing; CREAT, TRUNC and APPEND
// act on any access mode and never grant writing. A directory re-opened with
// exactly the rights fd_fdstat_get reported for it opens. Through __wasi_*
// calls (exact errnos) and through wasi-libc's open(). The preopen (fd 3) is
// read-write and holds data.txt ("0123456789"), keep.txt ("keep"), trunc.txt
// ("long content"), and dir/.
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs_util.h"

// What Go's os.Open asks for: every file right but those that read
// directories or need write access, so FD_DATASYNC, FD_ALLOCATE and
// FD_FILESTAT_SET_SIZE are in, FD_WRITE is not.
#define GO_READ_RIGHTS                                                                                      \
    (__WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK |                            \
     __WASI_RIGHTS_FD_FDSTAT_SET_FLAGS | __WASI_RIGHTS_FD_SYNC | __WASI_RIGHTS_FD_TELL | __WASI_RIGHTS_FD_ADVISE | \
     __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE |        \
     __WASI_RIGHTS_FD_FILESTAT_SET_TIMES | __WASI_RIGHTS_POLL_FD_READWRITE)

// The rights that would ask a file for writing, or only make sense for file data.
#define FILE_DATA_RIGHTS                                                                                 \
    (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_DATASYNC | __WASI_RIGHTS_FD_ALLOCATE | \
     __WASI_RIGHTS_FD_FILESTAT_SET_SIZE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)

static void print_rights(const char *label, __wasi_fd_t fd) {
    __wasi_fdstat_t st;
    __wasi_fd_fdstat_get(fd, &st);
    printf("%s: read %d, write %d, set_size %d, append %d\n", label, !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
           !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE),
           !!(st.fs_rights_base & __WASI_RIGHTS_FD_FILESTAT_SET_SIZE), !!(st.fs_flags & __WASI_FDFLAGS_APPEND));
}

static void print_read(const char *label, __wasi_fd_t fd) {
    char buf[32] = {0};
    __wasi_iovec_t iov = {(uint8_t *)buf, sizeof buf - 1};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_pread(fd, &iov, 1, 0, &n);
    printf("%s: %s '%s'\n", label, errno_name(e), buf);
}

// Re-opens directory `fd` through path "." with exactly its reported rights.
static void reopen_with_reported_rights(const char *label, __wasi_fd_t fd) {
    __wasi_fdstat_t st;
    __wasi_fd_t again;
    __wasi_fd_fdstat_get(fd, &st);
    printf("%s: file data rights %d\n", label, !!(st.fs_rights_base & FILE_DATA_RIGHTS));
    __wasi_errno_t e = __wasi_path_open(fd, 0, ".", __WASI_OFLAGS_DIRECTORY, st.fs_rights_base,
                                        st.fs_rights_inheriting, 0, &again);
    printf("%s, O_DIRECTORY: %s\n", label, errno_name(e));
    if (e == 0) __wasi_fd_close(again);
    e = __wasi_path_open(fd, 0, ".", 0, st.fs_rights_base, st.fs_rights_inheriting, 0, &again);
    __wasi_fdstat_t again_st = {0};
    if (e == 0) __wasi_fd_fdstat_get(again, &again_st);
    printf("%s, no O_DIRECTORY: %s, type %u\n", label, errno_name(e), again_st.fs_filetype);
    if (e == 0) __wasi_fd_close(again);
    e = __wasi_path_open(fd, 0, ".", 0, st.fs_rights_base | __WASI_RIGHTS_FD_WRITE, st.fs_rights_inheriting, 0,
                         &again);
    printf("%s, with FD_WRITE: %s\n", label, errno_name(e));
}

int main(void) {
    __wasi_fd_t fd, dir;
    __wasi_filestat_t fst;

    // Directories report no rights their own path_open would take as a
    // request to write, so re-opening them with those rights works.
    reopen_with_reported_rights("re-open preopen", PRE);
    open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &dir);
    reopen_with_reported_rights("re-open dir", dir);
    __wasi_fd_close(dir);

    // Go's os.Open: read-only, whatever write-flavoured rights it carries.
    CHECK("open with Go's read rights", open_at(PRE, "data.txt", 0, 0, GO_READ_RIGHTS, 0, &fd));
    print_rights("  rights", fd);
    CHECK("  write", write_all(fd, "x"));
    CHECK("  set_size", __wasi_fd_filestat_set_size(fd, 0));
    CHECK("  allocate", __wasi_fd_allocate(fd, 0, 100));
    CHECK("  datasync", __wasi_fd_datasync(fd));
    print_read("  read", fd);
    __wasi_fd_close(fd);

    // No rights at all: read-only.
    CHECK("open with no rights", open_at(PRE, "data.txt", 0, 0, 0, 0, &fd));
    print_rights("  rights", fd);
    CHECK("  write", write_all(fd, "x"));
    print_read("  read", fd);
    __wasi_fd_close(fd);

    // Only FD_WRITE: write-only.
    CHECK("open with only FD_WRITE", open_at(PRE, "keep.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, &fd));
    print_rights("  rights", fd);
    print_read("  read", fd);
    __wasi_fd_close(fd);

    // APPEND is a mode, not a grant.
    CHECK("open read-only with APPEND", open_at(PRE, "data.txt", 0, 0, RO_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    print_rights("  rights", fd);
    CHECK("  write", write_all(fd, "x"));
    print_read("  read", fd);
    __wasi_fd_close(fd);
    CHECK("open write-only with APPEND",
          open_at(PRE, "keep.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, __WASI_FDFLAGS_APPEND, &fd));
    CHECK("  write", write_all(fd, "+"));
    __wasi_fd_close(fd);

    // CREAT creates without making the descriptor writable.
    CHECK("open read-only with CREAT", open_at(PRE, "created.txt", 0, __WASI_OFLAGS_CREAT, RO_RIGHTS, 0, &fd));
    print_rights("  rights", fd);
    CHECK("  write", write_all(fd, "x"));
    __wasi_fd_filestat_get(fd, &fst);
    printf("  type %u size %llu\n", fst.filetype, (unsigned long long)fst.size);
    __wasi_fd_close(fd);
    CHECK("open read-only with CREAT|EXCL, existing",
          open_at(PRE, "created.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RO_RIGHTS, 0, &fd));
    CHECK("open read-only with CREAT, a directory", open_at(PRE, "dir", 0, __WASI_OFLAGS_CREAT, RO_RIGHTS, 0, &fd));

    // TRUNC truncates as Linux does, whatever the access mode.
    CHECK("open read-only with TRUNC", open_at(PRE, "trunc.txt", 0, __WASI_OFLAGS_TRUNC, RO_RIGHTS, 0, &fd));
    print_rights("  rights", fd);
    __wasi_fd_filestat_get(fd, &fst);
    printf("  size %llu\n", (unsigned long long)fst.size);
    __wasi_fd_close(fd);
    CHECK("open read-only with TRUNC, a directory", open_at(PRE, "dir", 0, __WASI_OFLAGS_TRUNC, RO_RIGHTS, 0, &fd));

    // TRUNC + APPEND, with or without CREAT: truncate, then append.
    CHECK("open TRUNC|APPEND write-only",
          open_at(PRE, "keep.txt", 0, __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE, __WASI_FDFLAGS_APPEND, &fd));
    __wasi_filesize_t pos;
    __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    CHECK("  write", write_all(fd, "ab"));
    __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    CHECK("  write again", write_all(fd, "cd"));
    __wasi_fd_close(fd);
    CHECK("open CREAT|TRUNC|APPEND, missing",
          open_at(PRE, "appended.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, __WASI_RIGHTS_FD_WRITE,
                  __WASI_FDFLAGS_APPEND, &fd));
    CHECK("  write", write_all(fd, "new"));
    __wasi_fd_close(fd);
    CHECK("open CREAT|EXCL|TRUNC|APPEND, existing",
          open_at(PRE, "appended.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL | __WASI_OFLAGS_TRUNC,
                  __WASI_RIGHTS_FD_WRITE, __WASI_FDFLAGS_APPEND, &fd));

    // The same through wasi-libc.
    int cfd = open("/data.txt", O_RDONLY | O_APPEND);
    printf("libc O_RDONLY|O_APPEND: %s\n", cfd < 0 ? strerror(errno) : "opened");
    printf("  write: %s\n", write(cfd, "x", 1) < 0 ? strerror(errno) : "written");
    close(cfd);
    cfd = open("/libc.txt", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0644);
    printf("libc O_WRONLY|O_CREAT|O_TRUNC|O_APPEND: %s\n", cfd < 0 ? strerror(errno) : "opened");
    printf("  write: %s\n", write(cfd, "libc", 4) < 0 ? strerror(errno) : "written");
    close(cfd);
    cfd = open("/libc.txt", O_WRONLY | O_TRUNC | O_APPEND);
    printf("libc O_WRONLY|O_TRUNC|O_APPEND: %s\n", cfd < 0 ? strerror(errno) : "opened");
    printf("  write: %s\n", write(cfd, "again", 5) < 0 ? strerror(errno) : "written");
    close(cfd);
    cfd = open("/libc-ro.txt", O_RDONLY | O_CREAT, 0644);
    printf("libc O_RDONLY|O_CREAT: %s\n", cfd < 0 ? strerror(errno) : "opened");
    printf("  write: %s\n", write(cfd, "x", 1) < 0 ? strerror(errno) : "written");
    close(cfd);
    return 0;
}
