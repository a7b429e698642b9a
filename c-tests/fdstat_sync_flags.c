// The sync flags fcntl(F_GETFL) reports for what a descriptor was opened with, files and
// directories, as Linux reports them (O_SYNC also sets O_DSYNC; O_RSYNC is O_SYNC there), and
// F_SETFL adding O_NONBLOCK to what F_GETFL said. Built twice by tests/fdstat_sync_flags.rs, for
// wasm (run under capwasi, DIR preopened under its own name) and natively with gcc (the oracle);
// the two outputs must be the same. Usage: fdstat_sync_flags DIR (holding a file f and a
// directory d). Prints one line per open:
//   dir O_DSYNC: DSYNC 1 SYNC 0 RSYNC 0
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static int has(int flags, int flag) {
    return (flags & flag) == flag;
}

static void show(const char *dir, const char *what, const char *name, int flags) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, flags);
    if (fd < 0) {
        printf("%s: open errno %d\n", what, errno);
        return;
    }
    int got = fcntl(fd, F_GETFL);
    printf("%s: DSYNC %d SYNC %d RSYNC %d", what, has(got, O_DSYNC), has(got, O_SYNC), has(got, O_RSYNC));
    if (name[0] == 'f') {
        int set = fcntl(fd, F_SETFL, got | O_NONBLOCK);
        printf(", F_SETFL +O_NONBLOCK %s, NONBLOCK %d", set == 0 ? "ok" : "failed",
               has(fcntl(fd, F_GETFL), O_NONBLOCK));
    }
    printf("\n");
    close(fd);
}

int main(int argc, char **argv) {
    if (argc != 2) {
        return 2;
    }
    const char *dir = argv[1];
    static const struct {
        const char *name;
        int flag;
    } syncs[] = {{"none", 0}, {"O_DSYNC", O_DSYNC}, {"O_SYNC", O_SYNC}, {"O_RSYNC", O_RSYNC},
                 {"O_DSYNC|O_RSYNC", O_DSYNC | O_RSYNC}};
    for (size_t i = 0; i < sizeof syncs / sizeof syncs[0]; i++) {
        char what[64];
        snprintf(what, sizeof what, "dir %s", syncs[i].name);
        show(dir, what, "d", O_RDONLY | O_DIRECTORY | syncs[i].flag);
        snprintf(what, sizeof what, "dir without O_DIRECTORY %s", syncs[i].name);
        show(dir, what, "d", O_RDONLY | syncs[i].flag);
        snprintf(what, sizeof what, "file for reading %s", syncs[i].name);
        show(dir, what, "f", O_RDONLY | syncs[i].flag);
        snprintf(what, sizeof what, "file for writing %s", syncs[i].name);
        show(dir, what, "f", O_WRONLY | syncs[i].flag);
    }
    return 0;
}
