// Opens argv[1] (a FIFO or a terminal beneath a preopen) and does what argv[2] says, for
// tests/timeout_devices.rs:
//   read   open for reading, read once, print "read N: BYTES"
//   write  open for writing, write "ping", print "wrote N"
//   poll   open for reading, poll(2) for input for 300 ms, print "poll N", then as read
// Prints why and exits 10 if the open fails, 11 if the read or write does, 12 if poll does.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc != 3) {
        fprintf(stderr, "usage: fifo_io PATH read|write|poll\n");
        return 2;
    }
    int writing = strcmp(argv[2], "write") == 0;
    int fd = open(argv[1], writing ? O_WRONLY : O_RDONLY);
    if (fd < 0) {
        printf("open: %s\n", strerror(errno));
        return 10;
    }
    if (writing) {
        ssize_t n = write(fd, "ping", 4);
        if (n < 0) {
            printf("write: %s\n", strerror(errno));
            return 11;
        }
        printf("wrote %zd\n", n);
        return 0;
    }
    if (strcmp(argv[2], "poll") == 0) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int n = poll(&p, 1, 300);
        if (n < 0) {
            printf("poll: %s\n", strerror(errno));
            return 12;
        }
        printf("poll %d\n", n);
    }
    char buf[64];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
        printf("read: %s\n", strerror(errno));
        return 11;
    }
    printf("read %zd: %.*s\n", n, (int)n, buf);
    return 0;
}
