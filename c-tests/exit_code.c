// Exits with the code given as argv[1], via exit(), so proc_exit carries it to the host.
// Prints nothing. Without an argument: a usage line on stderr and exit code 2.
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s <code>\n", argc > 0 ? argv[0] : "exit_code");
        return 2;
    }
    exit(atoi(argv[1]));
}
