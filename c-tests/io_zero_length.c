// Zero-length fd_read, fd_pread, fd_write and fd_pwrite make the same checks
// as non-empty ones, as Linux read(2)/write(2) of zero bytes do: EISDIR on a
// directory, EBADF without read or write access, EINVAL for an offset past
// 2^63; and succeed with 0 where a non-empty call would succeed. Both an empty
// iovec array and one holding only empty buffers. The preopen (fd 3) holds
// file.txt ("hello") and dir/.
#include "fs_util.h"

#define BAD_OFFSET (1ull << 63)

static void reads(const char *label, __wasi_fd_t fd) {
    uint8_t byte;
    __wasi_iovec_t empty[2] = {{&byte, 0}, {&byte, 0}};
    __wasi_size_t n = 99;
    __wasi_errno_t e = __wasi_fd_read(fd, empty, 0, &n);
    printf("%s: read no iovecs: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    n = 99;
    e = __wasi_fd_read(fd, empty, 2, &n);
    printf("%s: read empty iovecs: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    n = 99;
    e = __wasi_fd_pread(fd, empty, 1, 0, &n);
    printf("%s: pread empty: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    CHECK("  pread empty at 2^63", __wasi_fd_pread(fd, empty, 1, BAD_OFFSET, &n));
}

static void writes(const char *label, __wasi_fd_t fd) {
    __wasi_ciovec_t empty[2] = {{(const uint8_t *)"", 0}, {(const uint8_t *)"", 0}};
    __wasi_size_t n = 99;
    __wasi_errno_t e = __wasi_fd_write(fd, empty, 0, &n);
    printf("%s: write no iovecs: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    n = 99;
    e = __wasi_fd_write(fd, empty, 2, &n);
    printf("%s: write empty iovecs: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    n = 99;
    e = __wasi_fd_pwrite(fd, empty, 1, 0, &n);
    printf("%s: pwrite empty: %s %u\n", label, errno_name(e), e ? 0u : (unsigned)n);
    CHECK("  pwrite empty at 2^63", __wasi_fd_pwrite(fd, empty, 1, BAD_OFFSET, &n));
}

int main(void) {
    __wasi_fd_t ro, wo, dir, untyped;
    open_at(PRE, "file.txt", 0, 0, RO_RIGHTS, 0, &ro);
    open_at(PRE, "file.txt", 0, 0, __WASI_RIGHTS_FD_WRITE, 0, &wo);
    open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &dir);
    reads("read-only file", ro);
    writes("read-only file", ro);
    reads("write-only file", wo);
    writes("write-only file", wo);
    reads("directory", dir);
    writes("directory", dir);
    reads("preopen", PRE);
    // Opened for reading without O_DIRECTORY: capwasi learns the type at first use.
    open_at(PRE, "dir", 0, 0, 0, 0, &untyped);
    uint8_t byte;
    __wasi_iovec_t empty = {&byte, 0};
    __wasi_size_t n;
    CHECK("untyped directory: first read empty", __wasi_fd_read(untyped, &empty, 1, &n));
    __wasi_fd_close(untyped);
    open_at(PRE, "file.txt", 0, 0, 0, 0, &untyped);
    CHECK("untyped file: first read empty", __wasi_fd_read(untyped, &empty, 1, &n));
    CHECK("stdout: read empty", __wasi_fd_read(1, &empty, 1, &n));
    CHECK("closed fd: read empty", __wasi_fd_read(77, &empty, 1, &n));
    CHECK("closed fd: write empty", __wasi_fd_write(77, (const __wasi_ciovec_t *)&empty, 1, &n));
    return 0;
}
