// path_open and the fd_* calls on what it opens, through __wasi_* calls so
// every errno is exact. The host test gives one read-write preopen (fd 3)
// holding file.txt ("hello"), dir/, link -> file.txt, dirlink -> dir,
// dangling -> missing.
#include <stdlib.h>
#include "fs_util.h"

int main(void) {
    __wasi_fd_t fd, fd2, fd3;
    __wasi_fdstat_t st;
    __wasi_filestat_t fst;
    uint8_t buf[256];
    __wasi_size_t n;

    // Plain opens and their types.
    CHECK("open file", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd));
    printf("lowest free fd: %u\n", fd);
    __wasi_fd_fdstat_get(fd, &st);
    printf("file type %u, read %d, write %d\n", st.fs_filetype, !!(st.fs_rights_base & __WASI_RIGHTS_FD_READ),
           !!(st.fs_rights_base & __WASI_RIGHTS_FD_WRITE));
    CHECK("write read-only fd", write_all(fd, "x"));
    CHECK("set_size read-only fd", __wasi_fd_filestat_set_size(fd, 0));
    CHECK("close", __wasi_fd_close(fd));
    CHECK("close again", __wasi_fd_close(fd));
    CHECK("open dir", open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd));
    __wasi_fd_fdstat_get(fd, &st);
    printf("dir type %u\n", st.fs_filetype);
    CHECK("readdir rights on dir", (st.fs_rights_base & __WASI_RIGHTS_FD_READDIR) ? 0 : 1);
    __wasi_fd_close(fd);
    CHECK("open dir without O_DIRECTORY", open_at(PRE, "dir", 0, 0, 0, 0, &fd));
    __wasi_fd_fdstat_get(fd, &st);
    printf("dir type %u\n", st.fs_filetype);
    __wasi_fd_close(fd);
    // Without O_DIRECTORY and for reading only, capwasi learns the type when the
    // descriptor is first used; whatever that first use is, it sees the real type.
    CHECK("untyped dir, first use path_open beneath it",
          (open_at(PRE, "dir", 0, 0, 0, 0, &fd), open_at(fd, "inner.txt", 0, 0, RO_RIGHTS, 0, &fd2)));
    CHECK("untyped file, first use read", (__wasi_fd_read(fd2, &(__wasi_iovec_t){buf, 5}, 1, &n)));
    printf("read %u '%.*s'\n", (unsigned)n, (int)n, (char *)buf);
    __wasi_fd_fdstat_get(fd2, &st);
    printf("then type %u\n", st.fs_filetype);
    __wasi_fd_close(fd2);
    __wasi_fd_close(fd);
    CHECK("untyped dir, first use read", (open_at(PRE, "dir", 0, 0, 0, 0, &fd),
                                          __wasi_fd_read(fd, &(__wasi_iovec_t){buf, 5}, 1, &n)));
    CHECK("then readdir", __wasi_fd_readdir(fd, buf, sizeof buf, 0, &n));
    __wasi_fd_close(fd);
    CHECK("untyped, closed unused", (open_at(PRE, "dir", 0, 0, 0, 0, &fd), __wasi_fd_close(fd)));
    CHECK("closed again", __wasi_fd_close(fd));
    CHECK("untyped, renumbered unused", (open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd),
                                         open_at(PRE, "dir", 0, 0, 0, 0, &fd2), __wasi_fd_renumber(fd2, fd)));
    __wasi_fd_fdstat_get(fd, &st);
    printf("renumbered type %u\n", st.fs_filetype);
    CHECK("old number", __wasi_fd_close(fd2));
    __wasi_fd_close(fd);

    // Errnos of open.
    CHECK("O_DIRECTORY on file", open_at(PRE, "file.txt", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd));
    CHECK("O_DIRECTORY on dir symlink, nofollow", open_at(PRE, "dirlink", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd));
    CHECK("O_DIRECTORY on dir symlink, follow",
          open_at(PRE, "dirlink", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd));
    __wasi_fd_close(fd);
    CHECK("file symlink, nofollow", open_at(PRE, "link", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("file symlink, follow", open_at(PRE, "link", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, RO_RIGHTS, 0, &fd));
    __wasi_fd_close(fd);
    CHECK("trailing slash on file", open_at(PRE, "file.txt/", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("trailing /. on file", open_at(PRE, "file.txt/.", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("trailing slash on dir", open_at(PRE, "dir/", 0, 0, 0, 0, &fd));
    __wasi_fd_close(fd);
    CHECK("dangling symlink with trailing slash",
          open_at(PRE, "dangling/", __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, 0, RO_RIGHTS, 0, &fd));
    CHECK("dangling symlink, nofollow", open_at(PRE, "dangling", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("dangling symlink, O_DIRECTORY nofollow", open_at(PRE, "dangling", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd));
    CHECK("dangling symlink, O_CREAT nofollow", open_at(PRE, "dangling", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd));
    CHECK("missing", open_at(PRE, "missing", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("empty path", open_at(PRE, "", 0, 0, RO_RIGHTS, 0, &fd));
    CHECK("O_EXCL on existing", open_at(PRE, "file.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS, 0, &fd));
    CHECK("O_DIRECTORY|O_CREAT", open_at(PRE, "newdir", 0, __WASI_OFLAGS_DIRECTORY | __WASI_OFLAGS_CREAT, 0, 0, &fd));
    CHECK("write on dir", open_at(PRE, "dir", 0, 0, RW_RIGHTS, 0, &fd));
    CHECK("dirfd is a file", (open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd2),
                              open_at(fd2, "x", 0, 0, RO_RIGHTS, 0, &fd)));
    __wasi_fd_close(fd2);
    CHECK("dirfd not open", open_at(77, "file.txt", 0, 0, RO_RIGHTS, 0, &fd));
    static const char nul_inside[] = "file.txt\0x";
    CHECK("interior NUL", raw_path_open(PRE, 0, (int32_t)nul_inside, 10, 0, RO_RIGHTS, 0, 0, (int32_t)&fd));
    CHECK("trailing NUL", raw_path_open(PRE, 0, (int32_t)nul_inside, 9, 0, RO_RIGHTS, 0, 0, (int32_t)&fd));
    static const char bad_utf8[] = "file\xff";
    CHECK("invalid UTF-8", raw_path_open(PRE, 0, (int32_t)bad_utf8, 5, 0, RO_RIGHTS, 0, 0, (int32_t)&fd));

    // Create, write, APPEND.
    CHECK("create", open_at(PRE, "new.txt", 0, __WASI_OFLAGS_CREAT | __WASI_OFLAGS_EXCL, RW_RIGHTS, 0, &fd));
    CHECK("write", write_all(fd, "0123456789"));
    __wasi_fd_close(fd);
    CHECK("open append", open_at(PRE, "new.txt", 0, 0, RW_RIGHTS, __WASI_FDFLAGS_APPEND, &fd));
    __wasi_fd_fdstat_get(fd, &st);
    printf("fdstat APPEND at open: %d\n", !!(st.fs_flags & __WASI_FDFLAGS_APPEND));
    __wasi_filesize_t pos;
    __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    CHECK("append write", write_all(fd, "AB"));
    __wasi_ciovec_t iov = {(const uint8_t *)"pw", 2};
    CHECK("pwrite at 0 on APPEND", __wasi_fd_pwrite(fd, &iov, 1, 0, &n));
    CHECK("clear APPEND", __wasi_fd_fdstat_set_flags(fd, 0));
    __wasi_fd_fdstat_get(fd, &st);
    printf("fdstat APPEND after clear: %d\n", !!(st.fs_flags & __WASI_FDFLAGS_APPEND));
    __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    CHECK("write at 0", write_all(fd, "W"));
    CHECK("set APPEND", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_APPEND));
    __wasi_fd_seek(fd, 0, __WASI_WHENCE_SET, &pos);
    CHECK("append write", write_all(fd, "Z"));
    CHECK("set SYNC later", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_SYNC));
    CHECK("set NONBLOCK", __wasi_fd_fdstat_set_flags(fd, __WASI_FDFLAGS_NONBLOCK));
    CHECK("set_flags on dir", __wasi_fd_fdstat_set_flags(PRE, __WASI_FDFLAGS_NONBLOCK));

    // Rights are reported, not enforced: they cannot be narrowed (nor grown).
    __wasi_fdstat_t before;
    __wasi_fd_fdstat_get(fd, &before);
    CHECK("shrink rights", __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ, 0));
    __wasi_fd_fdstat_get(fd, &st);
    printf("rights unchanged: %d\n", st.fs_rights_base == before.fs_rights_base &&
                                          st.fs_rights_inheriting == before.fs_rights_inheriting);
    CHECK("grow rights", __wasi_fd_fdstat_set_rights(fd, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
    CHECK("same rights", __wasi_fd_fdstat_set_rights(fd, before.fs_rights_base, before.fs_rights_inheriting));
    CHECK("rights of a closed fd", __wasi_fd_fdstat_set_rights(77, 0, 0));

    // Size, allocate, advise, sync, times.
    CHECK("set_size 3", __wasi_fd_filestat_set_size(fd, 3));
    __wasi_fd_filestat_get(fd, &fst);
    printf("size %llu\n", (unsigned long long)fst.size);
    CHECK("allocate 0..100", __wasi_fd_allocate(fd, 0, 100));
    __wasi_fd_filestat_get(fd, &fst);
    printf("size %llu\n", (unsigned long long)fst.size);
    CHECK("allocate len 0", __wasi_fd_allocate(fd, 0, 0));
    CHECK("advise", __wasi_fd_advise(fd, 0, 0, __WASI_ADVICE_SEQUENTIAL));
    CHECK("advise on dir", __wasi_fd_advise(PRE, 0, 0, __WASI_ADVICE_SEQUENTIAL));
    CHECK("sync", __wasi_fd_sync(fd));
    CHECK("datasync", __wasi_fd_datasync(fd));
    CHECK("sync dir", __wasi_fd_sync(PRE));
    CHECK("datasync dir", __wasi_fd_datasync(PRE));
    CHECK("set_times dir", __wasi_fd_filestat_set_times(PRE, 0, 1000000000ull * 3000, __WASI_FSTFLAGS_MTIM));
    __wasi_fd_filestat_get(PRE, &fst);
    printf("dir mtim %llu\n", (unsigned long long)fst.mtim);
    CHECK("sync stdout", __wasi_fd_sync(1));
    CHECK("set_times", __wasi_fd_filestat_set_times(fd, 1000000000ull * 1000, 1000000000ull * 2000 + 5,
                                                    __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    __wasi_fd_filestat_get(fd, &fst);
    printf("atim %llu mtim %llu\n", (unsigned long long)fst.atim, (unsigned long long)fst.mtim);
    CHECK("set_times ATIM|ATIM_NOW", __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
    __wasi_fd_close(fd);

    // 64-bit offsets: a sparse file past 4 GiB.
    CHECK("create big", open_at(PRE, "big.bin", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd));
    __wasi_filesize_t off = 5ull << 30;
    CHECK("seek 5 GiB", __wasi_fd_seek(fd, (__wasi_filedelta_t)off, __WASI_WHENCE_SET, &pos));
    printf("pos %llu\n", (unsigned long long)pos);
    CHECK("write at 5 GiB", write_all(fd, "end"));
    __wasi_fd_tell(fd, &pos);
    printf("tell %llu\n", (unsigned long long)pos);
    iov.buf = (const uint8_t *)"P";
    iov.buf_len = 1;
    CHECK("pwrite at 4 GiB + 1", __wasi_fd_pwrite(fd, &iov, 1, (4ull << 30) + 1, &n));
    char b[8] = {0};
    __wasi_iovec_t riov = {(uint8_t *)b, 3};
    CHECK("pread at 5 GiB", __wasi_fd_pread(fd, &riov, 1, off, &n));
    printf("read %u '%s'\n", (unsigned)n, b);
    __wasi_fd_filestat_get(fd, &fst);
    printf("big size %llu\n", (unsigned long long)fst.size);
    __wasi_fd_close(fd);

    // Unlink an open file: the descriptor still works.
    open_at(PRE, "gone.txt", 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd);
    write_all(fd, "still here");
    CHECK("unlink open file", __wasi_path_unlink_file(PRE, "gone.txt"));
    memset(b, 0, sizeof b);
    riov.buf_len = 4;
    CHECK("pread unlinked", __wasi_fd_pread(fd, &riov, 1, 6, &n));
    printf("read '%s'\n", b);
    __wasi_fd_filestat_get(fd, &fst);
    printf("nlink %llu\n", (unsigned long long)fst.nlink);
    __wasi_fd_close(fd);

    // Renumber onto an open fd, onto a preopen; close a preopen; lowest fd reused.
    open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd);
    open_at(PRE, "new.txt", 0, 0, RO_RIGHTS, 0, &fd2);
    printf("fds %u %u\n", fd, fd2);
    CHECK("renumber onto open fd", __wasi_fd_renumber(fd, fd2));
    CHECK("old number closed", __wasi_fd_close(fd));
    memset(b, 0, sizeof b);
    riov.buf_len = 4;
    __wasi_fd_pread(fd2, &riov, 1, 0, &n);
    printf("fd %u now reads '%s'\n", fd2, b);
    CHECK("renumber onto missing fd", __wasi_fd_renumber(fd2, 50));
    open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &fd3);
    printf("lowest free reused: %u\n", fd3);
    CHECK("renumber dir onto preopen", __wasi_fd_renumber(fd3, PRE));
    __wasi_prestat_t pre;
    CHECK("prestat of renumbered", __wasi_fd_prestat_get(PRE, &pre));
    CHECK("open through renumbered dir", open_at(PRE, "inner.txt", 0, 0, RO_RIGHTS, 0, &fd));
    __wasi_fd_close(fd);
    CHECK("close preopen", __wasi_fd_close(PRE));
    CHECK("use closed preopen", open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &fd));
    return 0;
}
