// Every fd-taking file-system call given a descriptor that is not open (never
// opened: 99; closed: the number a closed file had) returns EBADF. Prints one
// line per call, "name: ERRNO"; the host test expects BADF on every line.
#include "fs_util.h"

static void sweep(__wasi_fd_t bad) {
    uint8_t buf[64];
    __wasi_size_t n;
    __wasi_filesize_t pos;
    __wasi_fdstat_t st;
    __wasi_filestat_t fst;
    __wasi_prestat_t pre;
    __wasi_fd_t fd;
    __wasi_iovec_t iov = {buf, sizeof buf};
    __wasi_ciovec_t ciov = {buf, 1};
    printf("-- fd %u\n", bad);
    CHECK("fd_advise", __wasi_fd_advise(bad, 0, 0, __WASI_ADVICE_NORMAL));
    CHECK("fd_allocate", __wasi_fd_allocate(bad, 0, 1));
    CHECK("fd_datasync", __wasi_fd_datasync(bad));
    CHECK("fd_fdstat_get", __wasi_fd_fdstat_get(bad, &st));
    CHECK("fd_fdstat_set_flags", __wasi_fd_fdstat_set_flags(bad, 0));
    CHECK("fd_fdstat_set_rights", __wasi_fd_fdstat_set_rights(bad, 0, 0));
    CHECK("fd_filestat_get", __wasi_fd_filestat_get(bad, &fst));
    CHECK("fd_filestat_set_size", __wasi_fd_filestat_set_size(bad, 0));
    CHECK("fd_filestat_set_times", __wasi_fd_filestat_set_times(bad, 0, 0, 0));
    CHECK("fd_pread", __wasi_fd_pread(bad, &iov, 1, 0, &n));
    CHECK("fd_prestat_get", __wasi_fd_prestat_get(bad, &pre));
    CHECK("fd_prestat_dir_name", __wasi_fd_prestat_dir_name(bad, buf, sizeof buf));
    CHECK("fd_pwrite", __wasi_fd_pwrite(bad, &ciov, 1, 0, &n));
    CHECK("fd_read", __wasi_fd_read(bad, &iov, 1, &n));
    CHECK("fd_readdir", __wasi_fd_readdir(bad, buf, sizeof buf, 0, &n));
    CHECK("fd_renumber from", __wasi_fd_renumber(bad, PRE));
    CHECK("fd_renumber to", __wasi_fd_renumber(PRE, bad));
    CHECK("fd_seek", __wasi_fd_seek(bad, 0, __WASI_WHENCE_SET, &pos));
    CHECK("fd_sync", __wasi_fd_sync(bad));
    CHECK("fd_tell", __wasi_fd_tell(bad, &pos));
    CHECK("fd_write", __wasi_fd_write(bad, &ciov, 1, &n));
    CHECK("path_create_directory", __wasi_path_create_directory(bad, "d"));
    CHECK("path_filestat_get", __wasi_path_filestat_get(bad, 0, "f", &fst));
    CHECK("path_filestat_set_times", __wasi_path_filestat_set_times(bad, 0, "f", 0, 0, 0));
    CHECK("path_link old", __wasi_path_link(bad, 0, "f", PRE, "g"));
    CHECK("path_link new", __wasi_path_link(PRE, 0, "f", bad, "g"));
    CHECK("path_open", __wasi_path_open(bad, 0, "f", 0, 0, 0, 0, &fd));
    CHECK("path_readlink", __wasi_path_readlink(bad, "f", buf, sizeof buf, &n));
    CHECK("path_remove_directory", __wasi_path_remove_directory(bad, "d"));
    CHECK("path_rename old", __wasi_path_rename(bad, "f", PRE, "g"));
    CHECK("path_rename new", __wasi_path_rename(PRE, "f", bad, "g"));
    CHECK("path_symlink", __wasi_path_symlink("f", bad, "g"));
    CHECK("path_unlink_file", __wasi_path_unlink_file(bad, "f"));
    CHECK("fd_close", __wasi_fd_close(bad));
}

int main(void) {
    sweep(99);
    __wasi_fd_t fd;
    open_at(PRE, "f", 0, 0, RO_RIGHTS, 0, &fd);
    __wasi_fd_close(fd);
    sweep(fd);
    return 0;
}
