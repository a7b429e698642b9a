// GHSA-m9f7-9w4p-gv38 (wasmtime, 2026): renaming symlinks with trailing slashes. A host that
// drops the slash, or lets it make the kernel follow the symlink, renames the symlink's target
// (out of the sandbox) or replaces the symlink, where Linux answers ENOTDIR and changes nothing:
// a trailing slash asks for a directory, and a symlink or a file is not one.
//
// fd 3 is the writable preopen /sandbox, holding `f` (a file) and `d` (a directory); beside it
// ../outside holds `canary` and `sub/`. The guest makes its own symlinks: esc -> ../outside,
// esc2 -> ../outside/, escf -> ../outside/canary, dl -> d, dl2 -> d/. Each row prints the errno;
// tests/advisories.rs checks the rows and that nothing changed outside or among the symlinks.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fs_util.h"

static void rename_row(const char *from, const char *to) {
    char label[64];
    snprintf(label, sizeof label, "rename %s -> %s", from, to);
    CHECK(label, __wasi_path_rename(PRE, from, PRE, to));
}

int main(void) {
    CHECK("symlink esc -> ../outside", __wasi_path_symlink("../outside", PRE, "esc"));
    CHECK("symlink esc2 -> ../outside/", __wasi_path_symlink("../outside/", PRE, "esc2"));
    CHECK("symlink escf -> ../outside/canary", __wasi_path_symlink("../outside/canary", PRE, "escf"));
    CHECK("symlink dl -> d", __wasi_path_symlink("d", PRE, "dl"));
    CHECK("symlink dl2 -> d/", __wasi_path_symlink("d/", PRE, "dl2"));

    // A file or directory renamed onto `link/`: the symlink stays.
    rename_row("f", "esc/");
    rename_row("f", "esc//");
    rename_row("f", "esc2/");
    rename_row("f", "escf/");
    rename_row("f", "dl/");
    rename_row("d", "esc/");
    rename_row("d", "dl2/");
    // A symlink renamed as `link/`: its target does not move.
    rename_row("esc/", "moved");
    rename_row("esc2/", "moved");
    rename_row("esc//", "moved/");
    rename_row("escf/", "moved");
    rename_row("dl/", "moved");
    rename_row("dl2/", "moved");
    rename_row("esc", "moved/");
    // Through the symlink: out of the sandbox.
    rename_row("esc/canary", "stolen");
    rename_row("esc/sub/", "stolen");
    rename_row("f", "esc/sub/");
    rename_row("f", "esc2/planted");
    // Both refused, for the slash and for leaving the sandbox: the sandbox answers.
    rename_row("dl/", "/abs");
    rename_row("f", "../outside/x/");
    CHECK("symlink x/ -> /etc", __wasi_path_symlink("/etc", PRE, "x/"));
    // The symlink itself, named without a slash, renames as any entry (and back).
    rename_row("esc", "moved");
    char target[64] = {0};
    __wasi_size_t n = 0;
    CHECK("readlink moved", __wasi_path_readlink(PRE, "moved", (uint8_t *)target, sizeof target - 1, &n));
    printf("  moved -> %s\n", target);
    rename_row("moved", "esc");
    // As a C program writes it, through wasi-libc.
    printf("libc rename f -> esc/: %s\n", rename("/sandbox/f", "/sandbox/esc/") ? strerror(errno) : "renamed");
    printf("libc rename esc/ -> x: %s\n", rename("/sandbox/esc/", "/sandbox/x") ? strerror(errno) : "renamed");
    return 0;
}
