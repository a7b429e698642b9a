// Prints the arguments and the environment exactly as the host passed them:
//   argc=N
//   argv[i]=...      one line per argument
//   env:K=V          one line per environ entry, in the order given
#include <stdio.h>

extern char **environ;

int main(int argc, char **argv) {
    printf("argc=%d\n", argc);
    for (int i = 0; i < argc; i++) {
        printf("argv[%d]=%s\n", i, argv[i]);
    }
    for (char **e = environ; *e != NULL; e++) {
        printf("env:%s\n", *e);
    }
    return 0;
}
