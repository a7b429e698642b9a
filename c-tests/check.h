// CHECK(cond, fmt, ...): on failure prints "FAIL line N: <message>" and counts it in
// `failures`, so a guest reports every failed check and exits non-zero at the end.
#pragma once
#include <stdio.h>

static int failures;
#define CHECK(cond, ...)                        \
    do {                                        \
        if (!(cond)) {                          \
            printf("FAIL line %d: ", __LINE__); \
            printf(__VA_ARGS__);                \
            printf("\n");                       \
            failures++;                         \
        }                                       \
    } while (0)
