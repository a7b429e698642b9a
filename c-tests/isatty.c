// isatty(3) as a program sees it: for fds 0, 1 and 2, then for each path in argv opened for
// reading. Built twice by tests/isatty.rs, for wasm (run under capwasi) and natively with gcc
// (the oracle), and the two reports compared. Usage: isatty REPORT [PATH...]. The report goes to
// the file REPORT (beneath a preopen under capwasi), since stdio is what is being tested:
//   fd 0: isatty 0
//   /dev/null: isatty 0
//   /dev/pts/0: isatty 1
// (errno is not reported: natively it is what the device's ioctl answered, e.g. EINVAL for
// /dev/urandom, where wasi-libc always sets ENOTTY.)
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

static void report(FILE *out, const char *what, int fd) {
    fprintf(out, "%s: isatty %d\n", what, isatty(fd));
}

int main(int argc, char **argv) {
    if (argc < 2) {
        return 2;
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) {
        return 1;
    }
    for (int fd = 0; fd < 3; fd++) {
        char what[8];
        snprintf(what, sizeof what, "fd %d", fd);
        report(out, what, fd);
    }
    for (int i = 2; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY | O_NOCTTY);
        if (fd < 0) {
            fprintf(out, "%s: open failed, errno %d\n", argv[i], errno);
            continue;
        }
        report(out, argv[i], fd);
        close(fd);
    }
    return fclose(out) == 0 ? 0 : 1;
}
