// Lists the preopened directory /data (the names sorted, one line) and tries
// to create /data/new, answering with the errno: a read-only preopen answers
// ENOTCAPABLE (76). Each request's guest must see the whole directory, however
// many requests listed it before (tests/serve.rs: the server opens a route's
// preopens once and hands each request a duplicate).
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    printf("Content-Type: text/plain\n\n");
    DIR *dir = opendir("/data");
    if (!dir) {
        printf("opendir: errno %d\n", errno);
        return 0;
    }
    char *names[64];
    size_t n = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) && n < 64) {
        if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, "..")) names[n++] = strdup(entry->d_name);
    }
    closedir(dir);
    qsort(names, n, sizeof names[0], by_name);
    for (size_t i = 0; i < n; i++) printf("%s%s", i ? " " : "", names[i]);
    int fd = open("/data/new", O_WRONLY | O_CREAT, 0644);
    printf("\ncreate: errno %d\n", fd < 0 ? errno : 0);
    return 0;
}
