// Linux headers that `import Glibc` does not expose to Swift on this toolchain.
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/tcp.h>

// glibc declares accept4 only under _GNU_SOURCE, which would split libc's types from Glibc's module.
extern int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags);

static inline int csystem_accept4(int fd, struct sockaddr *address, socklen_t *length, int flags) {
    return accept4(fd, address, length, flags);
}
