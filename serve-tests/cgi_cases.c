// A CGI guest whose answer depends on PATH_INFO: the response kinds and the
// failures capwasi serve must turn into HTTP statuses.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
    const char *path = getenv("PATH_INFO");
    if (!path) path = "";
    if (strcmp(path, "/missing") == 0) {
        printf("Status: 404 Not Found\nContent-Type: text/plain\n\nno such thing\n");
    } else if (strcmp(path, "/redirect") == 0) {
        printf("Location: http://example.com/elsewhere\n\n");
    } else if (strcmp(path, "/local") == 0) {
        // A local redirect: the server answers with what /cookies answers.
        printf("Location: /cases/cookies?from=local\n\n");
    } else if (strcmp(path, "/cookies") == 0) {
        printf("Content-Type: text/plain\nSet-Cookie: a=1\nSet-Cookie: b=2\n\nquery=%s\n",
               getenv("QUERY_STRING") ? getenv("QUERY_STRING") : "");
    } else if (strcmp(path, "/noheader") == 0) {
        printf("just text, no header block\n");
    } else if (strcmp(path, "/trap") == 0) {
        printf("Content-Type: text/plain\n\n");
        fflush(stdout);
        __builtin_trap();
    } else if (strcmp(path, "/loop") == 0) {
        fprintf(stderr, "looping\n");
        for (volatile unsigned i = 0;; i++) {
        }
    } else if (strcmp(path, "/big") == 0) {
        // 1 MiB in 64 writes, with no Content-Length: chunked.
        static char block[16384];
        memset(block, 'x', sizeof block);
        printf("Content-Type: text/plain\n\n");
        fflush(stdout);
        for (int i = 0; i < 64; i++) write(1, block, sizeof block);
    } else if (strcmp(path, "/flood") == 0) {
        // Writes until a write fails: the response cap, or a client gone away
        // (EPIPE). A client that stops reading leaves a write waiting.
        static char block[16384];
        memset(block, 'y', sizeof block);
        printf("Content-Type: text/plain\n\n");
        fflush(stdout);
        while (write(1, block, sizeof block) > 0) {
        }
        perror("flood: a write failed");
    } else if (strcmp(path, "/stderr") == 0) {
        fprintf(stderr, "a line for the server log\n");
        printf("Content-Type: text/plain\n\nlogged\n");
    } else {
        printf("Content-Type: text/plain\n\ncase %s\n", path);
    }
    return 0;
}
