// Isolation between requests. `?put=SECRET` leaves SECRET in the guest's static
// data, its heap (a grown memory), its environment and /scratch/secret;
// `?look=TERCES` (the secret reversed, so the request itself does not carry it)
// searches all of linear memory, the environment and /scratch for it and
// answers "clean" or what it found.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEAP (4 << 20)

static char kept[64];

static int memory_holds(const char *needle, const char *skip) {
    size_t n = strlen(needle);
    size_t end = __builtin_wasm_memory_size(0) * 65536;
    // Linear memory from address 1 (0 is the null pointer).
    const char *mem = (const char *)(uintptr_t)1;
    for (size_t i = 0; i + 1 + n <= end; i++) {
        if (mem + i == skip) continue;
        if (mem[i] == needle[0] && memcmp(mem + i, needle, n) == 0) return 1;
    }
    return 0;
}

int main(void) {
    const char *query = getenv("QUERY_STRING");
    if (!query) query = "";
    printf("Content-Type: text/plain\n\n");
    if (strncmp(query, "put=", 4) == 0) {
        const char *secret = query + 4;
        strncpy(kept, secret, sizeof kept - 1);
        char *heap = malloc(HEAP);
        for (size_t i = 0; heap && i + strlen(secret) < HEAP; i += 4096) memcpy(heap + i, secret, strlen(secret));
        setenv("LEFT_BEHIND", secret, 1);
        FILE *f = fopen("/scratch/secret", "w");
        if (f) {
            fputs(secret, f);
            fclose(f);
        }
        printf("put %s file=%s\n", secret, f ? "yes" : "no");
        return 0;
    }
    if (strncmp(query, "look=", 5) == 0) {
        static char needle[64];
        size_t n = strlen(query + 5);
        if (n >= sizeof needle) n = sizeof needle - 1;
        for (size_t i = 0; i < n; i++) needle[i] = query[5 + n - 1 - i];
        char *heap = malloc(HEAP);
        int found = 0;
        if (memory_holds(needle, needle)) { printf("memory "); found = 1; }
        if (heap && memchr(heap, needle[0], HEAP)) { printf("heap "); found = 1; }
        if (getenv("LEFT_BEHIND")) { printf("env "); found = 1; }
        FILE *f = fopen("/scratch/secret", "r");
        if (f) { printf("scratch "); found = 1; fclose(f); }
        printf("%s\n", found ? "found" : "clean");
        return 0;
    }
    printf("give ?put=SECRET or ?look=TERCES\n");
    return 0;
}
