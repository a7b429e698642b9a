// Trailing slashes in every path argument, as Linux answers them. Built twice by
// tests/trailing_slash.rs, for wasm (run under capwasi, with DIR preopened under its own name)
// and natively with gcc (the oracle); the two outputs must be the same.
// Usage: trailing_slash DIR. Each row runs in a fresh tree DIR/N/ (f: a file, d: an empty
// directory, fl -> f, dl -> d, dls -> d/, dangle -> missing) and prints the call, its errno
// name, and what is in the tree afterwards (name:type, - file, d directory, l symlink), so a
// call that changed something it should not have shows:
//   rename f x/: ENOTDIR | f:- d:d fl:l dl:l dls:l dangle:l
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *root;
static char tree[512];
static int row;

static const char *name(int e) {
    switch (e) {
    case 0: return "OK";
    case ENOENT: return "ENOENT";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EEXIST: return "EEXIST";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case EBUSY: return "EBUSY";
#ifdef ENOTCAPABLE
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "other";
    }
}

// The path `p` inside the current row's tree.
static const char *at(const char *p, char *buf, size_t len) {
    snprintf(buf, len, "%s/%s", tree, p);
    return buf;
}
#define AT(p) at((p), (char[512]){0}, 512)

// A fresh tree for the next row.
static void fresh(void) {
    snprintf(tree, sizeof tree, "%s/%d", root, ++row);
    mkdir(tree, 0755);
    close(open(AT("f"), O_WRONLY | O_CREAT, 0644));
    mkdir(AT("d"), 0755);
    symlink("f", AT("fl"));
    symlink("d", AT("dl"));
    symlink("d/", AT("dls"));
    symlink("missing", AT("dangle"));
}

// Prints the row: its label, the errno (0: success) and what the tree holds now.
static void done(const char *label, int result) {
    printf("%s: %s |", label, name(result < 0 ? errno : 0));
    static const char *names[] = {"f", "d", "fl", "dl", "dls", "dangle", "x", "d/x", "d/f"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct stat st;
        if (lstat(AT(names[i]), &st) == 0) {
            char type = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : '-';
            printf(" %s:%c", names[i], type);
        }
    }
    printf("\n");
}

#define ROW(label, call)      \
    do {                      \
        fresh();              \
        errno = 0;            \
        done((label), (call)); \
    } while (0)

// symlink(2) with the target stored as given, the new name in the tree, as rename and link
// take their two names (so the three share PAIRS).
static int symlink_in_tree(const char *target, const char *path) {
    return symlink(target + strlen(tree) + 1, path);
}

// One row per pair of names in `rows`: `call(DIR/N/first, DIR/N/second)`.
#define PAIRS(what, rows, call)                                                         \
    for (size_t i = 0; i < sizeof(rows) / sizeof(rows)[0]; i++) {                      \
        char label[64];                                                                 \
        snprintf(label, sizeof label, "%s %s %s", (what), (rows)[i][0], (rows)[i][1]);  \
        ROW(label, call(AT((rows)[i][0]), AT((rows)[i][1])));                           \
    }

static int open_close(const char *path, int flags) {
    int fd = open(path, flags, 0644);
    return fd < 0 ? -1 : close(fd);
}

static int stat_of(const char *path, int follow) {
    struct stat st;
    return follow ? stat(path, &st) : lstat(path, &st);
}

static int times_of(const char *path, int follow) {
    return utimensat(AT_FDCWD, path, NULL, follow ? 0 : AT_SYMLINK_NOFOLLOW);
}

static int readlink_of(const char *path) {
    char buf[64];
    return readlink(path, buf, sizeof buf) < 0 ? -1 : 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        return 2;
    }
    root = argv[1];

    // rename: a trailing slash on either side of a non-directory is ENOTDIR, whatever the
    // other side names, and nothing moves.
    const char *rename_rows[][2] = {
        {"f", "x/"}, {"f", "x//"}, {"f", "x/."}, {"f/", "x"}, {"f//", "x"}, {"f", "f/"},
        {"f", "d/"}, {"f", "fl/"}, {"f", "dl/"}, {"f", "dangle/"}, {"fl/", "x"}, {"fl", "x/"},
        {"dl/", "x"}, {"dl", "x/"}, {"dls", "x"}, {"dls/", "x"}, {"f", "dls/"}, {"dangle/", "x"},
        {"dangle", "x/"}, {"d", "x/"}, {"d/", "x"},
        {"d//", "x//"}, {"d/", "dl/"}, {"d", "dangle/"}, {"d", "f/"}, {"d/", "d/"}, {"d", "d/x/"},
        {"f", "missing/x/"}, {"fl", "missing/x/"}, {"f", "f/x/"},
    };
    PAIRS("rename", rename_rows, rename);

    // link: the new name cannot end in a slash; the old one must be a directory to (and then
    // links are refused for directories anyway).
    const char *link_rows[][2] = {
        {"f", "x/"}, {"f", "x//"}, {"f/", "x"}, {"fl/", "x"}, {"dl/", "x"}, {"d/", "x"},
        {"dangle/", "x"}, {"f", "d/"}, {"f", "fl/"},
    };
    PAIRS("link", link_rows, link);

    // symlink: the new name cannot end in a slash; the target is only stored.
    const char *symlink_rows[][2] = {
        {"f", "x/"}, {"d", "x/"}, {"f", "x//"}, {"d/", "x"}, {"f", "f/"}, {"f", "d/"}, {"f", "dangle/"},
    };
    PAIRS("symlink", symlink_rows, symlink_in_tree);

    // One path: unlink, rmdir, mkdir, stat, lstat, utimensat with and without following,
    // readlink, open for reading, open O_DIRECTORY and open O_CREAT.
    const char *paths[] = {"f/", "f//", "f/.", "f//.", "d/", "d//", "d/.", "fl/", "fl//.", "dl/", "dl//", "dl/.",
                           "dls", "dls/", "dangle/", "x/", "x//"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        const char *p = paths[i];
        char label[64];
#define ONE(what, call)                                       \
    do {                                                      \
        snprintf(label, sizeof label, "%s %s", (what), p);    \
        ROW(label, (call));                                   \
    } while (0)
        ONE("unlink", unlink(AT(p)));
        ONE("rmdir", rmdir(AT(p)));
        ONE("mkdir", mkdir(AT(p), 0755));
        ONE("stat", stat_of(AT(p), 1));
        ONE("lstat", stat_of(AT(p), 0));
        ONE("utimens", times_of(AT(p), 1));
        ONE("lutimens", times_of(AT(p), 0));
        ONE("readlink", readlink_of(AT(p)));
        ONE("open", open_close(AT(p), O_RDONLY));
        ONE("open nofollow", open_close(AT(p), O_RDONLY | O_NOFOLLOW));
        ONE("open dir", open_close(AT(p), O_RDONLY | O_DIRECTORY));
        ONE("open creat", open_close(AT(p), O_WRONLY | O_CREAT));
#undef ONE
    }
    return 0;
}
