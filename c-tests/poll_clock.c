// poll_oneoff with clock subscriptions and call-level errors. Prints "ok" or the first failure.
//   zero subscriptions -> EINVAL; events or subscriptions out of bounds -> EFAULT, nothing written;
//   the earliest of several relative clocks fires alone, with its userdata;
//   absolute monotonic and realtime deadlines fire; a zero timeout fires at once;
//   a bad fd is an EBADF event (not a failed call) and does not wait for the clock;
//   a CPU-time clock is an ENOTSUP event.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

#define MS 1000000ull

#include "check.h"

static __wasi_timestamp_t now(__wasi_clockid_t id) {
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(id, 1, &t) != 0) return 0;
    return t;
}

static __wasi_subscription_t clock_sub(__wasi_userdata_t ud, __wasi_clockid_t id, __wasi_timestamp_t timeout,
                                       int abs) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = __WASI_EVENTTYPE_CLOCK;
    s.u.u.clock.id = id;
    s.u.u.clock.timeout = timeout;
    s.u.u.clock.flags = abs ? __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME : 0;
    return s;
}

static __wasi_subscription_t fd_sub(__wasi_userdata_t ud, __wasi_eventtype_t type, __wasi_fd_t fd) {
    __wasi_subscription_t s;
    memset(&s, 0, sizeof s);
    s.userdata = ud;
    s.u.tag = type;
    s.u.u.fd_read.file_descriptor = fd;
    return s;
}

int main(void) {
    __wasi_subscription_t subs[4];
    __wasi_event_t events[4];
    __wasi_size_t n = 99;
    __wasi_errno_t err;

    // Zero subscriptions.
    err = __wasi_poll_oneoff(subs, events, 0, &n);
    CHECK(err == __WASI_ERRNO_INVAL, "nsubscriptions=0: errno %u, want INVAL", err);

    // Events out of bounds, with a sentinel where the first event would go: nothing written.
    unsigned long mem_end = __builtin_wasm_memory_size(0) * 65536ul;
    unsigned char *tail = (unsigned char *)(mem_end - 40);  // room for one event, not two
    memset(tail, 0xAA, 40);
    subs[0] = clock_sub(1, __WASI_CLOCKID_MONOTONIC, 0, 0);
    subs[1] = clock_sub(2, __WASI_CLOCKID_MONOTONIC, 0, 0);
    err = __wasi_poll_oneoff(subs, (__wasi_event_t *)tail, 2, &n);
    CHECK(err == __WASI_ERRNO_FAULT, "events out of bounds: errno %u, want FAULT", err);
    int untouched = 1;
    for (int i = 0; i < 40; i++) untouched &= tail[i] == 0xAA;
    CHECK(untouched, "events out of bounds: guest memory was written");
    // Subscriptions out of bounds.
    err = __wasi_poll_oneoff((__wasi_subscription_t *)(mem_end - 8), events, 1, &n);
    CHECK(err == __WASI_ERRNO_FAULT, "subscriptions out of bounds: errno %u, want FAULT", err);

    // The earliest of three relative clocks fires alone.
    __wasi_timestamp_t t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(10, __WASI_CLOCKID_MONOTONIC, 200 * MS, 0);
    subs[1] = clock_sub(11, __WASI_CLOCKID_MONOTONIC, 20 * MS, 0);
    subs[2] = clock_sub(12, __WASI_CLOCKID_REALTIME, 400 * MS, 0);
    err = __wasi_poll_oneoff(subs, events, 3, &n);
    __wasi_timestamp_t waited = now(__WASI_CLOCKID_MONOTONIC) - t0;
    CHECK(err == 0, "three clocks: errno %u", err);
    CHECK(n == 1, "three clocks: %lu events, want 1", n);
    CHECK(events[0].userdata == 11 && events[0].error == 0 && events[0].type == __WASI_EVENTTYPE_CLOCK,
          "three clocks: event userdata=%llu error=%u type=%u", (unsigned long long)events[0].userdata,
          events[0].error, events[0].type);
    CHECK(waited >= 20 * MS && waited < 150 * MS, "three clocks: waited %llu ns, want ~20ms",
          (unsigned long long)waited);

    // Absolute deadlines on both clocks.
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(20, __WASI_CLOCKID_MONOTONIC, t0 + 10 * MS, 1);
    err = __wasi_poll_oneoff(subs, events, 1, &n);
    waited = now(__WASI_CLOCKID_MONOTONIC) - t0;
    CHECK(err == 0 && n == 1 && events[0].userdata == 20, "abs monotonic: errno %u n %lu", err, n);
    CHECK(waited >= 10 * MS && waited < 150 * MS, "abs monotonic: waited %llu ns", (unsigned long long)waited);
    __wasi_timestamp_t r0 = now(__WASI_CLOCKID_REALTIME);
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(21, __WASI_CLOCKID_REALTIME, r0 + 10 * MS, 1);
    err = __wasi_poll_oneoff(subs, events, 1, &n);
    waited = now(__WASI_CLOCKID_MONOTONIC) - t0;
    CHECK(err == 0 && n == 1 && events[0].userdata == 21, "abs realtime: errno %u n %lu", err, n);
    CHECK(waited >= 9 * MS && waited < 150 * MS, "abs realtime: waited %llu ns", (unsigned long long)waited);
    // An absolute deadline in the past fires at once.
    subs[0] = clock_sub(22, __WASI_CLOCKID_MONOTONIC, 1, 1);
    err = __wasi_poll_oneoff(subs, events, 1, &n);
    CHECK(err == 0 && n == 1 && events[0].userdata == 22, "past deadline: errno %u n %lu", err, n);

    // Two clocks that are both due are both reported, in subscription order.
    subs[0] = clock_sub(30, __WASI_CLOCKID_MONOTONIC, 0, 0);
    subs[1] = clock_sub(31, __WASI_CLOCKID_REALTIME, 0, 0);
    err = __wasi_poll_oneoff(subs, events, 2, &n);
    CHECK(err == 0 && n == 2 && events[0].userdata == 30 && events[1].userdata == 31,
          "two due clocks: errno %u n %lu", err, n);

    // A bad fd is an event, and the clock does not delay it.
    t0 = now(__WASI_CLOCKID_MONOTONIC);
    subs[0] = clock_sub(40, __WASI_CLOCKID_MONOTONIC, 5000 * MS, 0);
    subs[1] = fd_sub(41, __WASI_EVENTTYPE_FD_READ, 99);
    subs[2] = fd_sub(42, __WASI_EVENTTYPE_FD_WRITE, 98);
    err = __wasi_poll_oneoff(subs, events, 3, &n);
    waited = now(__WASI_CLOCKID_MONOTONIC) - t0;
    CHECK(err == 0, "bad fd: errno %u, want SUCCESS", err);
    CHECK(n == 2, "bad fd: %lu events, want 2", n);
    CHECK(events[0].userdata == 41 && events[0].error == __WASI_ERRNO_BADF &&
              events[0].type == __WASI_EVENTTYPE_FD_READ,
          "bad fd read: userdata %llu error %u type %u", (unsigned long long)events[0].userdata, events[0].error,
          events[0].type);
    CHECK(events[1].userdata == 42 && events[1].error == __WASI_ERRNO_BADF &&
              events[1].type == __WASI_EVENTTYPE_FD_WRITE,
          "bad fd write: userdata %llu error %u", (unsigned long long)events[1].userdata, events[1].error);
    CHECK(waited < 1000 * MS, "bad fd: waited %llu ns for the clock", (unsigned long long)waited);

    // Reading stdout or writing stdin is EBADF.
    subs[0] = fd_sub(50, __WASI_EVENTTYPE_FD_READ, 1);
    subs[1] = fd_sub(51, __WASI_EVENTTYPE_FD_WRITE, 0);
    err = __wasi_poll_oneoff(subs, events, 2, &n);
    CHECK(err == 0 && n == 2 && events[0].error == __WASI_ERRNO_BADF && events[1].error == __WASI_ERRNO_BADF,
          "wrong direction: errno %u n %lu", err, n);

    // A CPU-time clock cannot be waited on.
    subs[0] = clock_sub(60, __WASI_CLOCKID_PROCESS_CPUTIME_ID, 1 * MS, 0);
    err = __wasi_poll_oneoff(subs, events, 1, &n);
    CHECK(err == 0 && n == 1 && events[0].userdata == 60 && events[0].error == __WASI_ERRNO_NOTSUP,
          "cpu clock: errno %u n %lu error %u", err, n, events[0].error);

    if (failures == 0) printf("ok\n");
    return failures ? 1 : 0;
}
