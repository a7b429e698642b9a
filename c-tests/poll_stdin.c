// Polls stdin (fd 0) for reading, argv[2] rounds, each with a clock of argv[1] ms beside it.
// Each round prints one line and flushes it:
//   timeout                      the clock fired first
//   ready nbytes=N hangup=H      stdin is readable; then a read() of up to 64 bytes prints
//   read N                       or
//   eof                          (and the program ends)
// Driven by tests/poll_stdin.rs with stdin a pipe, a terminal, /dev/null, a file, or closed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(int argc, char **argv) {
    unsigned long long ms = argc > 1 ? strtoull(argv[1], NULL, 10) : 100;
    int rounds = argc > 2 ? atoi(argv[2]) : 1;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int round = 0; round < rounds; round++) {
        __wasi_subscription_t subs[2];
        memset(subs, 0, sizeof subs);
        subs[0].userdata = 1;
        subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
        subs[0].u.u.fd_read.file_descriptor = 0;
        subs[1].userdata = 2;
        subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
        subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        subs[1].u.u.clock.timeout = ms * 1000000ull;
        __wasi_event_t events[2];
        __wasi_size_t n = 0;
        __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &n);
        if (err != 0 || n == 0) {
            printf("FAIL: poll_oneoff errno %u n %lu\n", err, n);
            return 1;
        }
        if (events[0].userdata == 2) {
            printf("timeout\n");
            continue;
        }
        if (events[0].error != 0) {
            printf("error %u\n", events[0].error);
            return 1;
        }
        printf("ready nbytes=%llu hangup=%d\n", (unsigned long long)events[0].fd_readwrite.nbytes,
               (events[0].fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) ? 1 : 0);
        char buf[64];
        ssize_t got = read(0, buf, sizeof buf);
        if (got == 0) {
            printf("eof\n");
            return 0;
        }
        if (got < 0) {
            printf("read failed\n");
            return 1;
        }
        printf("read %zd\n", got);
    }
    return 0;
}
