// WAMR GHSA-wj3p-xhqm-pffc (2026): poll_oneoff overflowed the host heap. The host sized its
// buffers from nsubscriptions * the size of a subscription or event, which wraps in 32 bits,
// then copied nsubscriptions entries into them. A host must refuse counts it will not take
// (EINVAL), check both arrays against guest memory before reading or writing either (EFAULT),
// and write no byte past the events it reports.
//
// Each row prints poll_oneoff's errno, how many events it reported, and whether the bytes after
// the reported events (filled with 0xAA before the call) are untouched.
#include <stdint.h>
#include <string.h>

#include "fs_util.h"

int32_t raw_poll_oneoff(int32_t in, int32_t out, int32_t nsubscriptions, int32_t nevents)
    __attribute__((import_module("wasi_snapshot_preview1"), import_name("poll_oneoff")));

static __wasi_subscription_t subs[4];
static _Alignas(8) uint8_t events[4 * sizeof(__wasi_event_t) + 64];
static __wasi_size_t nevents;

// `count` clock subscriptions that have already expired.
static void expired_clocks(int count) {
    memset(subs, 0, sizeof subs);
    for (int i = 0; i < count; i++) {
        subs[i].userdata = 100 + i;
        subs[i].u.tag = __WASI_EVENTTYPE_CLOCK;
        subs[i].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
        subs[i].u.u.clock.timeout = 0;
    }
}

static void row(const char *label, int32_t in, int32_t out, uint32_t n, int32_t nevents_ptr) {
    memset(events, 0xAA, sizeof events);
    nevents = 0xAAAAAAAA;
    __wasi_errno_t e = (__wasi_errno_t)raw_poll_oneoff(in, out, (int32_t)n, nevents_ptr);
    size_t written = e == 0 ? nevents * sizeof(__wasi_event_t) : 0;
    int clean = 1;
    for (size_t i = written; i < sizeof events; i++) clean &= events[i] == 0xAA;
    printf("%s: %s, events %u, bytes after them %s\n", label, errno_name(e), e == 0 ? (unsigned)nevents : 0u,
           clean ? "untouched" : "WRITTEN");
}

int main(void) {
    int32_t in = (int32_t)(uintptr_t)subs, out = (int32_t)(uintptr_t)events, ne = (int32_t)(uintptr_t)&nevents;
    uint32_t end = (uint32_t)__builtin_wasm_memory_size(0) * 65536;
    expired_clocks(3);
    row("3 expired clocks", in, out, 3, ne);
    row("nsubscriptions 0", in, out, 0, ne);
    // 0x05555556 * 48 = 2^32 + 32 and * 32 = 0xAAAAAAC0: a 32-bit product wraps to 32 bytes.
    row("nsubscriptions 0x05555556 (48 * n wraps)", in, out, 0x05555556u, ne);
    // 0x08000000 * 32 = 2^32: the events' size wraps to 0.
    row("nsubscriptions 0x08000000 (32 * n wraps)", in, out, 0x08000000u, ne);
    row("nsubscriptions 0xffffffff", in, out, 0xffffffffu, ne);
    row("nsubscriptions 65536, arrays past memory", in, out, 65536, ne);
    row("subscriptions straddle the end of memory", (int32_t)(end - 48), out, 2, ne);
    row("events straddle the end of memory", in, (int32_t)(end - 32), 2, ne);
    row("events beyond memory", in, (int32_t)(end + 64), 1, ne);
    row("events misaligned", in, out + 4, 1, ne);
    // Events written over the subscriptions they answer: the subscriptions were read first.
    expired_clocks(3);
    memset(events, 0xAA, sizeof events);
    __wasi_errno_t e = (__wasi_errno_t)raw_poll_oneoff(in, in, 3, ne);
    const __wasi_event_t *ev = (const __wasi_event_t *)subs;
    int ok = e == 0 && nevents >= 1;
    for (__wasi_size_t i = 0; ok && i < nevents; i++) ok = ev[i].userdata >= 100 && ev[i].userdata < 103;
    printf("events over their own subscriptions: %s, userdata %s\n", errno_name(e), ok ? "as subscribed" : "WRONG");
    return 0;
}
