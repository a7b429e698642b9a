// Opens the preopened directory /d again and again until an open fails, then prints how
// many succeeded and why the next one failed. With `--max-fds N` (stdio and the preopen
// count too) it prints "opened N-4, then: No file descriptors available" (EMFILE in wasi-libc).
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    int opened = 0;
    while (opened < 100000 && open("/d", O_RDONLY | O_DIRECTORY) >= 0) {
        opened++;
    }
    printf("opened %d, then: %s\n", opened, strerror(errno));
    return 0;
}
