// Helpers shared by the fs_*.c guests: errno names, checks that print one line
// per call ("label: ERRNO"), and raw imports for calls that need a path length
// (paths holding NUL bytes).
#ifndef FS_UTIL_H
#define FS_UTIL_H

// Setup calls whose result a test does not need ignore it on purpose.
#pragma clang diagnostic ignored "-Wunused-result"
#pragma clang diagnostic ignored "-Wunused-function"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

static const char *errno_name(__wasi_errno_t e) {
    static const char *names[] = {
        "SUCCESS", "2BIG", "ACCES", "ADDRINUSE", "ADDRNOTAVAIL", "AFNOSUPPORT", "AGAIN", "ALREADY",
        "BADF", "BADMSG", "BUSY", "CANCELED", "CHILD", "CONNABORTED", "CONNREFUSED", "CONNRESET",
        "DEADLK", "DESTADDRREQ", "DOM", "DQUOT", "EXIST", "FAULT", "FBIG", "HOSTUNREACH", "IDRM",
        "ILSEQ", "INPROGRESS", "INTR", "INVAL", "IO", "ISCONN", "ISDIR", "LOOP", "MFILE", "MLINK",
        "MSGSIZE", "MULTIHOP", "NAMETOOLONG", "NETDOWN", "NETRESET", "NETUNREACH", "NFILE",
        "NOBUFS", "NODEV", "NOENT", "NOEXEC", "NOLCK", "NOLINK", "NOMEM", "NOMSG", "NOPROTOOPT",
        "NOSPC", "NOSYS", "NOTCONN", "NOTDIR", "NOTEMPTY", "NOTRECOVERABLE", "NOTSOCK", "NOTSUP",
        "NOTTY", "NXIO", "OVERFLOW", "OWNERDEAD", "PERM", "PIPE", "PROTO", "PROTONOSUPPORT",
        "PROTOTYPE", "RANGE", "ROFS", "SPIPE", "SRCH", "STALE", "TIMEDOUT", "TXTBSY", "XDEV",
        "NOTCAPABLE",
    };
    return e < sizeof names / sizeof names[0] ? names[e] : "?";
}

// Prints "label: ERRNO" for a call's result.
#define CHECK(label, call) printf("%s: %s\n", (label), errno_name(call))

// Every right, for opens that ask for everything.
#define ALL_RIGHTS ((__wasi_rights_t)0x1fffffff)
#define RW_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)
#define RO_RIGHTS (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL)

// The first preopen (fd 3 when no sockets are handed in).
#define PRE 3

static __wasi_errno_t open_at(__wasi_fd_t dir, const char *path, __wasi_lookupflags_t lf, __wasi_oflags_t of,
                              __wasi_rights_t rights, __wasi_fdflags_t ff, __wasi_fd_t *out) {
    return __wasi_path_open(dir, lf, path, of, rights, rights, ff, out);
}

// Raw path_open taking a pointer and length, for paths with NUL bytes.
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len, int32_t oflags,
                      int64_t base, int64_t inheriting, int32_t fdflags, int32_t out)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")));
int32_t raw_path_create_directory(int32_t fd, int32_t path, int32_t path_len)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("path_create_directory")));

static __wasi_errno_t write_all(__wasi_fd_t fd, const char *s) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, strlen(s)};
    __wasi_size_t n;
    return __wasi_fd_write(fd, &iov, 1, &n);
}

#endif
