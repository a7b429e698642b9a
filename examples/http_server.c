// A tiny HTTP/1.0 server on the listening socket the host preopened at fd 3.
//
//   capwasi run --tcplisten 127.0.0.1:8080 build/guests/examples/http_server.wasm [N]
//   curl http://127.0.0.1:8080/hello
//
// It accepts connections one at a time, reads each request up to the blank line that ends its
// headers, and answers "200 OK" with a plain-text body naming the request number, method and
// path, then closes the connection. With N it exits (status 0) after N requests; without, it
// serves forever. Requests it cannot parse get "400 Bad Request". It says "http_server: ready" on
// stderr when it starts, which is after capwasi has bound the listener. Build: scripts/build-guests.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

#define LISTENER 3

/// Writes all of `buf` to `fd`; 0 on success.
static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n <= 0) return -1;
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

/// Reads the request head (up to "\r\n\r\n") into buf; returns its length, or -1.
static int read_head(int fd, char *buf, size_t cap) {
    size_t len = 0;
    while (len + 1 < cap) {
        ssize_t n = read(fd, buf + len, cap - 1 - len);
        if (n <= 0) return -1;
        len += (size_t)n;
        buf[len] = 0;
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n")) return (int)len;
    }
    return -1;
}

static void serve(int conn, unsigned long number) {
    char req[4096], method[16], path[1024], body[1200], resp[1600];
    int ok = read_head(conn, req, sizeof req) > 0 && sscanf(req, "%15s %1023s HTTP/", method, path) == 2;
    if (ok) {
        snprintf(body, sizeof body, "hello from capwasi: request %lu %s %s\n", number, method, path);
        snprintf(resp, sizeof resp,
                 "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n\r\n%s",
                 strlen(body), body);
    } else {
        snprintf(resp, sizeof resp,
                 "HTTP/1.0 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: 12\r\n\r\nbad request\n");
    }
    write_all(conn, resp, strlen(resp));
    (void)__wasi_sock_shutdown(conn, __WASI_SDFLAGS_WR);
}

int main(int argc, char **argv) {
    unsigned long limit = argc > 1 ? strtoul(argv[1], NULL, 10) : 0;
    fprintf(stderr, "http_server: ready\n");
    for (unsigned long served = 0; limit == 0 || served < limit; served++) {
        __wasi_fd_t conn;
        __wasi_errno_t err = __wasi_sock_accept(LISTENER, 0, &conn);
        if (err != 0) {
            fprintf(stderr, "http_server: sock_accept(fd %d) failed with errno %u; was the server "
                            "started with --tcplisten?\n", LISTENER, err);
            return 1;
        }
        serve((int)conn, served + 1);
        close((int)conn);
    }
    fprintf(stderr, "http_server: served %lu requests\n", limit);
    return 0;
}
