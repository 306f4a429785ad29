/* Packet socket sender and libpcap receiver. */
#include "scan/netio.h"
#include "base/util.h"
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

int netio_open(struct netio *io, const char *ifname, struct dm_err *e)
{
	memset(io, 0, sizeof(*io));
	io->fd = -1;
	int r = iface_lookup(ifname, &io->ri, e);
	if (r < 0) return r;
	io->fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (io->fd < 0) return dm_fail(e, -errno, "raw socket: %s", strerror(errno));
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_ifindex = io->ri.ifindex };
	if (bind(io->fd, (struct sockaddr *)&sll, sizeof(sll)) < 0)
		return dm_fail(e, -errno, "bind raw socket to %s: %s", ifname, strerror(errno));
	/* Bypassing the qdisc is ~10% faster; the cost is that taps on this
	 * interface (tcpdump) do not see our probes: capture on the peer. */
	int one = 1, sndbuf = 8 << 20;
	setsockopt(io->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
	setsockopt(io->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf));

	char err[PCAP_ERRBUF_SIZE] = "";
	io->pcap = pcap_create(ifname, err);
	if (!io->pcap) return dm_fail(e, DM_ECAPTURE, "capture on %s: %s", ifname, err);
	pcap_set_snaplen(io->pcap, 256);
	pcap_set_immediate_mode(io->pcap, 1);
	pcap_set_buffer_size(io->pcap, 128 << 20);
	pcap_set_timeout(io->pcap, 10);
	r = pcap_activate(io->pcap);
	if (r < 0) return dm_fail(e, DM_ECAPTURE, "capture on %s: %s", ifname, pcap_geterr(io->pcap));
	pcap_setdirection(io->pcap, PCAP_D_IN);
	if (pcap_setnonblock(io->pcap, 1, err) < 0)
		return dm_fail(e, DM_ECAPTURE, "capture on %s: %s", ifname, err);
	io->linktype = pcap_datalink(io->pcap);
	if (io->linktype != DLT_EN10MB && io->linktype != DLT_LINUX_SLL)
		return dm_fail(e, DM_ECAPTURE, "%s: link type %d is not Ethernet", ifname, io->linktype);
	return 0;
}

int netio_set_filter(struct netio *io, const char *bpf, struct dm_err *e)
{
	struct bpf_program prog;
	if (pcap_compile(io->pcap, &prog, bpf, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return dm_fail(e, DM_ECAPTURE, "capture filter \"%s\": %s", bpf, pcap_geterr(io->pcap));
	int r = pcap_setfilter(io->pcap, &prog);
	pcap_freecode(&prog);
	if (r < 0) return dm_fail(e, DM_ECAPTURE, "capture filter: %s", pcap_geterr(io->pcap));
	return 0;
}

int netio_flush(struct netio *io)
{
	struct mmsghdr msgs[NETIO_BATCH];
	struct iovec iov[NETIO_BATCH];
	unsigned done = 0;
	for (unsigned i = 0; i < io->n; i++) {
		iov[i] = (struct iovec){ io->frames[i], io->lens[i] };
		msgs[i] = (struct mmsghdr){ .msg_hdr = { .msg_iov = &iov[i], .msg_iovlen = 1 } };
	}
	while (done < io->n) {
		int r = sendmmsg(io->fd, msgs + done, io->n - done, 0);
		if (r < 0) {
			if (errno == EINTR) continue;
			if (errno == ENOBUFS || errno == EAGAIN) { /* device queue full: yield and retry */
				struct timespec ts = { 0, 50000 };
				nanosleep(&ts, NULL);
				continue;
			}
			io->send_errors += io->n - done;
			int err = -errno;
			io->n = 0;
			return err;
		}
		done += (unsigned)r;
	}
	io->sent += io->n;
	io->n = 0;
	return (int)done;
}

struct pcap_ctx {
	void (*cb)(void *, const uint8_t *, size_t);
	void *ctx;
};

static void on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct pcap_ctx *c = (struct pcap_ctx *)user;
	c->cb(c->ctx, bytes, h->caplen);
}

int netio_poll(struct netio *io, int timeout_ms, void (*cb)(void *, const uint8_t *, size_t), void *ctx)
{
	struct pcap_ctx c = { cb, ctx };
	int total = 0;
	for (;;) {
		int r = pcap_dispatch(io->pcap, 4096, on_packet, (u_char *)&c);
		if (r < 0) return DM_ECAPTURE;
		total += r;
		if (r > 0) continue;
		if (total > 0 || timeout_ms <= 0) return total;
		struct pollfd pfd = { .fd = pcap_get_selectable_fd(io->pcap), .events = POLLIN };
		int pr = poll(&pfd, 1, timeout_ms);
		if (pr <= 0) return total;
		timeout_ms = 0;
	}
}

uint64_t netio_drops(struct netio *io)
{
	struct pcap_stat st;
	if (pcap_stats(io->pcap, &st) < 0) return 0;
	return (uint64_t)st.ps_drop + st.ps_ifdrop;
}

void netio_close(struct netio *io)
{
	if (io->pcap) pcap_close(io->pcap);
	if (io->fd >= 0) close(io->fd);
	io->pcap = NULL;
	io->fd = -1;
}
