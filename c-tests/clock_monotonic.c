// Checks the clocks: CLOCK_MONOTONIC never goes backwards over a million reads;
// CLOCK_REALTIME is after 2020; the process and thread CPU-time clocks can be read
// and never go backwards; clock_getres of each is > 0. Prints "ok".
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        printf("FAIL: " __VA_ARGS__);                                                              \
        printf("\n");                                                                              \
        exit(1);                                                                                   \
    } while (0)

static int64_t ns(const struct timespec *ts) {
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

static int64_t now(clockid_t clock, const char *name) {
    struct timespec ts;
    if (clock_gettime(clock, &ts) != 0) {
        FAIL("clock_gettime(%s) failed", name);
    }
    return ns(&ts);
}

static void check_non_decreasing(clockid_t clock, const char *name, long reads) {
    int64_t prev = now(clock, name);
    for (long i = 0; i < reads; i++) {
        int64_t t = now(clock, name);
        if (t < prev) {
            FAIL("%s went backwards at read %ld: %lld -> %lld", name, i, (long long)prev,
                 (long long)t);
        }
        prev = t;
    }
}

static void check_resolution(clockid_t clock, const char *name) {
    struct timespec res;
    if (clock_getres(clock, &res) != 0) {
        FAIL("clock_getres(%s) failed", name);
    }
    if (ns(&res) <= 0) {
        FAIL("clock_getres(%s) = %lld, want > 0", name, (long long)ns(&res));
    }
}

int main(void) {
    check_non_decreasing(CLOCK_MONOTONIC, "CLOCK_MONOTONIC", 1000000);
    check_non_decreasing(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID", 1000);
    check_non_decreasing(CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID", 1000);

    const int64_t jan_1_2020 = INT64_C(1577836800) * 1000000000;
    int64_t realtime = now(CLOCK_REALTIME, "CLOCK_REALTIME");
    if (realtime <= jan_1_2020) {
        FAIL("CLOCK_REALTIME = %lld ns, want after 2020-01-01", (long long)realtime);
    }

    check_resolution(CLOCK_REALTIME, "CLOCK_REALTIME");
    check_resolution(CLOCK_MONOTONIC, "CLOCK_MONOTONIC");
    check_resolution(CLOCK_PROCESS_CPUTIME_ID, "CLOCK_PROCESS_CPUTIME_ID");
    check_resolution(CLOCK_THREAD_CPUTIME_ID, "CLOCK_THREAD_CPUTIME_ID");

    printf("ok\n");
    return 0;
}
