// poll_oneoff on directories: a read or a write subscription on a directory
// is ready at once, as Linux poll(2) reports a directory (POLLIN|POLLOUT);
// a closed descriptor still gets its own EBADF event (which wasi-libc's poll()
// turns into POLLNVAL), beside the ready ones. The preopen (fd 3) holds dir/.
#include <poll.h>

#include "fs_util.h"

static __wasi_subscription_t fd_sub(__wasi_userdata_t userdata, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t sub = {.userdata = userdata, .u = {.tag = type}};
    sub.u.u.fd_read.file_descriptor = fd;  // fd_read and fd_write share the layout
    return sub;
}

int main(void) {
    __wasi_fd_t dir;
    open_at(PRE, "dir", 0, __WASI_OFLAGS_DIRECTORY, 0, 0, &dir);
    __wasi_subscription_t subs[] = {
        fd_sub(1, __WASI_EVENTTYPE_FD_READ, PRE),
        fd_sub(2, __WASI_EVENTTYPE_FD_WRITE, PRE),
        fd_sub(3, __WASI_EVENTTYPE_FD_READ, dir),
        fd_sub(4, __WASI_EVENTTYPE_FD_WRITE, dir),
        fd_sub(5, __WASI_EVENTTYPE_FD_READ, 77),
    };
    __wasi_event_t events[5];
    __wasi_size_t n = 0;
    CHECK("poll_oneoff", __wasi_poll_oneoff(subs, events, 5, &n));
    printf("events: %u\n", (unsigned)n);
    for (__wasi_size_t i = 0; i < n; i++) {
        printf("userdata %llu type %u error %s nbytes %llu\n", (unsigned long long)events[i].userdata,
               events[i].type, errno_name(events[i].error), (unsigned long long)events[i].fd_readwrite.nbytes);
    }
    // Through wasi-libc's poll().
    struct pollfd fds[] = {{.fd = dir, .events = POLLIN | POLLOUT}, {.fd = 77, .events = POLLIN}};
    int ready = poll(fds, 2, 1000);
    printf("poll: %d, dir revents IN %d OUT %d, closed revents NVAL %d\n", ready, !!(fds[0].revents & POLLIN),
           !!(fds[0].revents & POLLOUT), !!(fds[1].revents & POLLNVAL));
    return 0;
}
