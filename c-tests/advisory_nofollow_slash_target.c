// GHSA-hp8f-xmx4-4qrg (cap-std, 2026): a symlink whose target ends in `/` was followed despite
// NOFOLLOW on cap-std's component-by-component route (Linux without openat2): the target's
// slash, carried into the next step, made the kernel follow the link. Every call that does not
// follow a final symlink must act on the link itself: open without SYMLINK_FOLLOW is ELOOP
// (ENOTDIR with O_DIRECTORY), stat reports a symlink, rmdir is ENOTDIR, unlink, rename and link
// take the link, set_times changes the link's times, never the target's.
//
// fd 3 is the writable preopen /sandbox, holding `d/` (with `inner`); beside it ../outside
// holds `canary` and the empty directory `emptydir/`. The guest makes in -> d/,
// esc -> ../outside/ and esce -> ../outside/emptydir/. tests/advisories.rs checks the rows and
// that the targets, inside and outside, are unchanged.
#include <stdio.h>
#include <string.h>

#include "fs_util.h"

static const char *type_name(__wasi_filetype_t t) {
    switch (t) {
    case __WASI_FILETYPE_DIRECTORY: return "directory";
    case __WASI_FILETYPE_SYMBOLIC_LINK: return "symlink";
    case __WASI_FILETYPE_REGULAR_FILE: return "file";
    default: return "other";
    }
}

static void nofollow_rows(const char *link) {
    char label[96];
    __wasi_fd_t fd;
    snprintf(label, sizeof label, "open %s", link);
    CHECK(label, open_at(PRE, link, 0, 0, RO_RIGHTS, 0, &fd));
    snprintf(label, sizeof label, "open %s O_DIRECTORY", link);
    CHECK(label, open_at(PRE, link, 0, __WASI_OFLAGS_DIRECTORY, RO_RIGHTS, 0, &fd));
    snprintf(label, sizeof label, "open %s O_CREAT", link);
    CHECK(label, open_at(PRE, link, 0, __WASI_OFLAGS_CREAT, RW_RIGHTS, 0, &fd));
    __wasi_filestat_t st;
    __wasi_errno_t e = __wasi_path_filestat_get(PRE, 0, link, &st);
    printf("filestat %s: %s %s\n", link, errno_name(e), e ? "" : type_name(st.filetype));
    snprintf(label, sizeof label, "set_times %s", link);
    CHECK(label, __wasi_path_filestat_set_times(PRE, 0, link, 5000000000ull, 5000000000ull,
                                                __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_MTIM));
    e = __wasi_path_filestat_get(PRE, 0, link, &st);
    printf("  %s mtime now %llu s\n", link, e ? 0ull : (unsigned long long)(st.mtim / 1000000000ull));
    snprintf(label, sizeof label, "rmdir %s", link);
    CHECK(label, __wasi_path_remove_directory(PRE, link));
    snprintf(label, sizeof label, "mkdir %s", link);
    CHECK(label, __wasi_path_create_directory(PRE, link));
    snprintf(label, sizeof label, "symlink x at %s", link);
    CHECK(label, __wasi_path_symlink("x", PRE, link));
    char target[64] = {0};
    __wasi_size_t n = 0;
    snprintf(label, sizeof label, "readlink %s", link);
    CHECK(label, __wasi_path_readlink(PRE, link, (uint8_t *)target, sizeof target - 1, &n));
    printf("  %s -> %s\n", link, target);
    snprintf(label, sizeof label, "link %s -> hard", link);
    CHECK(label, __wasi_path_link(PRE, 0, link, PRE, "hard"));
    e = __wasi_path_filestat_get(PRE, 0, "hard", &st);
    printf("  hard: %s %s\n", errno_name(e), e ? "" : type_name(st.filetype));
    __wasi_path_unlink_file(PRE, "hard");
    snprintf(label, sizeof label, "rename %s -> moved", link);
    CHECK(label, __wasi_path_rename(PRE, link, PRE, "moved"));
    e = __wasi_path_filestat_get(PRE, 0, "moved", &st);
    printf("  moved: %s %s\n", errno_name(e), e ? "" : type_name(st.filetype));
    CHECK("unlink moved", __wasi_path_unlink_file(PRE, "moved"));
}

int main(void) {
    CHECK("symlink in -> d/", __wasi_path_symlink("d/", PRE, "in"));
    CHECK("symlink esc -> ../outside/", __wasi_path_symlink("../outside/", PRE, "esc"));
    CHECK("symlink esce -> ../outside/emptydir/", __wasi_path_symlink("../outside/emptydir/", PRE, "esce"));
    nofollow_rows("in");
    nofollow_rows("esc");
    nofollow_rows("esce");
    __wasi_filestat_t st;
    CHECK("filestat d (the inside target)", __wasi_path_filestat_get(PRE, 0, "d", &st));
    printf("  d: %s, mtime %s\n", type_name(st.filetype), st.mtim / 1000000000ull == 5 ? "CHANGED" : "kept");
    CHECK("filestat d/inner", __wasi_path_filestat_get(PRE, 0, "d/inner", &st));
    return 0;
}
