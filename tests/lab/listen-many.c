/* Lab helper: listens on COUNT pseudo-random (address, port) pairs drawn
 * from CIDR x PORTS with SEED, writes them to TRUTH ("ip port" lines) once
 * every socket listens, then waits to be killed. Run inside a namespace
 * that has a local route for CIDR, this gives a scan a known truth set. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

static uint64_t next(uint64_t *s) /* splitmix64 */
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: listen-many SEED COUNT PORTS(comma) CIDR TRUTH\n");
		return 2;
	}
	uint64_t seed = strtoull(argv[1], NULL, 10);
	long count = strtol(argv[2], NULL, 10);
	int ports[64], np = 0;
	for (char *t = strtok(argv[3], ","); t && np < 64; t = strtok(NULL, ",")) ports[np++] = atoi(t);
	char net[64];
	snprintf(net, sizeof(net), "%s", argv[4]);
	char *slash = strchr(net, '/');
	if (!slash || np == 0 || count <= 0) return 2;
	*slash = 0;
	int plen = atoi(slash + 1);
	struct in_addr base;
	if (inet_pton(AF_INET, net, &base) != 1 || plen < 8 || plen > 30) return 2;
	uint32_t b = ntohl(base.s_addr) & ~((1u << (32 - plen)) - 1), size = 1u << (32 - plen);
	struct rlimit rl = { (rlim_t)count + 64, (rlim_t)count + 64 };
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0) {
		perror("setrlimit");
		return 1;
	}
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s.tmp", argv[5]);
	FILE *out = fopen(tmp, "w");
	if (!out) return 1;
	uint8_t *used = calloc((size_t)size * np / 8 + 1, 1);
	for (long made = 0; made < count;) {
		uint64_t r = next(&seed);
		uint32_t host = 1 + (uint32_t)(r % (size - 2)); /* not the network or broadcast address */
		int pi = (int)((r >> 32) % (uint64_t)np);
		uint64_t bit = (uint64_t)host * np + pi;
		if (used[bit / 8] & (1u << (bit % 8))) continue;
		used[bit / 8] |= (uint8_t)(1u << (bit % 8));
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		int one = 1;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)ports[pi]),
					 .sin_addr.s_addr = htonl(b + host) };
		if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(fd, 1024) < 0) {
			fprintf(stderr, "listen-many: %s:%d: %s\n", inet_ntoa(a.sin_addr), ports[pi],
				strerror(errno));
			return 1;
		}
		fprintf(out, "%s %d\n", inet_ntoa(a.sin_addr), ports[pi]);
		made++;
	}
	fclose(out);
	rename(tmp, argv[5]);
	for (;;) pause();
}
