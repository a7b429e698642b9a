/* hello: prints "hello, world" and exits 0. bench/run times the whole process (start-up,
 * compile or cache load, exit) and reads its peak RSS; the program times nothing. */
#include <stdio.h>

int main(void) {
    puts("hello, world");
    return 0;
}
