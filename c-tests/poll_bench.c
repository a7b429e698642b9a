// Measures poll_oneoff: argv[1] zero-timeout polls in a loop, then argv[2] sleeps of 1 ms and
// of 10 ms. Prints:
//   zero_timeout_polls=N total_ns=T
//   sleep_1ms max_over_ns=A mean_over_ns=B
//   sleep_10ms max_over_ns=C mean_over_ns=D
// or "FAIL ..." if a sleep ended early or a poll failed.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>

static __wasi_timestamp_t now(void) {
    __wasi_timestamp_t t = 0;
    if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t) != 0) return 0;
    return t;
}

static int sleep_ns(__wasi_timestamp_t ns) {
    __wasi_subscription_t sub;
    memset(&sub, 0, sizeof sub);
    sub.u.tag = __WASI_EVENTTYPE_CLOCK;
    sub.u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
    sub.u.u.clock.timeout = ns;
    __wasi_event_t event;
    __wasi_size_t n;
    return __wasi_poll_oneoff(&sub, &event, 1, &n) == 0 && n == 1 && event.error == 0;
}

static int measure(const char *name, __wasi_timestamp_t ns, int count) {
    __wasi_timestamp_t max = 0, sum = 0;
    for (int i = 0; i < count; i++) {
        __wasi_timestamp_t t0 = now();
        if (!sleep_ns(ns)) { printf("FAIL: %s poll failed\n", name); return 0; }
        __wasi_timestamp_t took = now() - t0;
        if (took < ns) { printf("FAIL: %s ended %llu ns early\n", name, (unsigned long long)(ns - took)); return 0; }
        __wasi_timestamp_t over = took - ns;
        if (over > max) max = over;
        sum += over;
    }
    printf("%s max_over_ns=%llu mean_over_ns=%llu\n", name, (unsigned long long)max,
           (unsigned long long)(sum / count));
    return 1;
}

int main(int argc, char **argv) {
    int polls = argc > 1 ? atoi(argv[1]) : 100000;
    int sleeps = argc > 2 ? atoi(argv[2]) : 20;
    __wasi_timestamp_t t0 = now();
    for (int i = 0; i < polls; i++) {
        if (!sleep_ns(0)) { printf("FAIL: zero-timeout poll %d failed\n", i); return 1; }
    }
    printf("zero_timeout_polls=%d total_ns=%llu\n", polls, (unsigned long long)(now() - t0));
    if (!measure("sleep_1ms", 1000000, sleeps)) return 1;
    if (!measure("sleep_10ms", 10000000, sleeps)) return 1;
    return 0;
}
