// A CGI guest that echoes what capwasi serve handed it: the CGI meta-variables,
// every HTTP_* variable, and the request body from stdin.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static const char *VARS[] = {
    "GATEWAY_INTERFACE", "REQUEST_METHOD", "SCRIPT_NAME", "PATH_INFO", "QUERY_STRING",
    "CONTENT_TYPE", "CONTENT_LENGTH", "SERVER_NAME", "SERVER_PORT", "SERVER_PROTOCOL",
    "SERVER_SOFTWARE", "REMOTE_ADDR", "REMOTE_PORT",
};

int main(void) {
    printf("Content-Type: text/plain\nX-Guest: c\n\n");
    for (size_t i = 0; i < sizeof VARS / sizeof *VARS; i++) {
        const char *value = getenv(VARS[i]);
        printf("%s=%s\n", VARS[i], value ? value : "(unset)");
    }
    for (char **e = environ; *e; e++) {
        if (strncmp(*e, "HTTP_", 5) == 0) printf("%s\n", *e);
    }
    char buf[4096];
    size_t n, total = 0;
    printf("body=");
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        fwrite(buf, 1, n, stdout);
        total += n;
    }
    printf("\nbody_bytes=%zu\n", total);
    return 0;
}
