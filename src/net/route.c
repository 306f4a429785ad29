/* rtnetlink route lookup (RTM_GETROUTE for one destination), interface
 * details from getifaddrs/ioctl, neighbours from /proc/net/arp. */
#include "net/route.h"
#include "base/util.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* Six bytes as twelve hex digits with any of ':', '-', '.' between them
 * (aa:bb:cc:dd:ee:ff, aa-bb-..., aabb.ccdd.eeff), or colon-separated octets
 * of one or two digits as some tools print them (a:b:c:d:e:f). */
int mac_parse(const char *s, uint8_t mac[6])
{
	int n = 0;
	const char *p = s;
	for (; *p && n < 12; p++) {
		if (*p == ':' || *p == '-' || *p == '.') continue;
		int v = isdigit((unsigned char)*p)    ? *p - '0'
			: isxdigit((unsigned char)*p) ? tolower((unsigned char)*p) - 'a' + 10
						      : -1;
		if (v < 0) break;
		if (n % 2 == 0)
			mac[n / 2] = (uint8_t)(v << 4);
		else
			mac[n / 2] |= (uint8_t)v;
		n++;
	}
	if (n == 12 && !*p) return 0;
	unsigned v[6];
	char tail;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &tail) != 6)
		return DM_EINPUT;
	for (int i = 0; i < 6; i++) mac[i] = (uint8_t)v[i];
	return 0;
}

void mac_fmt(const uint8_t m[6], char *out, size_t n)
{
	snprintf(out, n, "%02X:%02X:%02X:%02X:%02X:%02X", m[0], m[1], m[2], m[3], m[4], m[5]);
}

int iface_lookup(const char *name, struct route_info *ri, struct dm_err *e)
{
	memset(ri, 0, sizeof(*ri));
	ri->prefixlen = -1;
	if (strlen(name) >= IF_NAMESIZE)
		return dm_fail(e, DM_EINPUT, "interface \"%s\": name too long", name);
	snprintf(ri->ifname, sizeof(ri->ifname), "%s", name);
	ri->ifindex = (int)if_nametoindex(name);
	if (!ri->ifindex) return dm_fail(e, DM_EINPUT, "interface \"%s\" does not exist", name);
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) return dm_fail(e, -errno, "socket: %s", strerror(errno));
	struct ifreq ifr = { 0 };
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == 0) memcpy(ri->mac, ifr.ifr_hwaddr.sa_data, 6);
	if (ioctl(fd, SIOCGIFMTU, &ifr) == 0) ri->mtu = ifr.ifr_mtu;
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) ri->loopback = (ifr.ifr_flags & IFF_LOOPBACK) != 0;
	struct ifaddrs *ifa = NULL;
	if (getifaddrs(&ifa) == 0) {
		for (struct ifaddrs *i = ifa; i; i = i->ifa_next) {
			if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || strcmp(i->ifa_name, name))
				continue;
			ri->if_addr = ntohl(((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr);
			uint32_t mask = i->ifa_netmask
					    ? ntohl(((struct sockaddr_in *)i->ifa_netmask)->sin_addr.s_addr)
					    : 0;
			ri->prefixlen = __builtin_popcount(mask);
			break;
		}
		freeifaddrs(ifa);
	}
	return 0;
}

int route_lookup_v4(uint32_t dst, struct route_info *ret, struct dm_err *e)
{
	char ds[16];
	snprintf(ds, sizeof(ds), "%u.%u.%u.%u", dst >> 24, (dst >> 16) & 255, (dst >> 8) & 255, dst & 255);
	_cleanup_close_ int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd < 0) return dm_fail(e, -errno, "netlink socket: %s", strerror(errno));
	struct {
		struct nlmsghdr nh;
		struct rtmsg rt;
		char attrs[64];
	} req = { 0 };
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
	req.nh.nlmsg_type = RTM_GETROUTE;
	req.nh.nlmsg_flags = NLM_F_REQUEST;
	req.nh.nlmsg_seq = 1;
	req.rt.rtm_family = AF_INET;
	req.rt.rtm_dst_len = 32;
	struct rtattr *rta = (struct rtattr *)((char *)&req + NLMSG_ALIGN(req.nh.nlmsg_len));
	rta->rta_type = RTA_DST;
	rta->rta_len = RTA_LENGTH(4);
	uint32_t ndst = htonl(dst);
	memcpy(RTA_DATA(rta), &ndst, 4);
	req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_LENGTH(4);
	if (send(fd, &req, req.nh.nlmsg_len, 0) < 0)
		return dm_fail(e, -errno, "netlink send: %s", strerror(errno));
	char resp[8192];
	ssize_t n = recv(fd, resp, sizeof(resp), 0);
	if (n < 0) return dm_fail(e, -errno, "netlink recv: %s", strerror(errno));
	struct nlmsghdr *nh = (struct nlmsghdr *)resp;
	if (!NLMSG_OK(nh, (unsigned)n)) return dm_fail(e, DM_ENOROUTE, "%s: bad netlink answer", ds);
	if (nh->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *err = NLMSG_DATA(nh);
		return dm_fail(e, DM_ENOROUTE, "no route to %s: %s", ds, strerror(-err->error));
	}
	struct rtmsg *rt = NLMSG_DATA(nh);
	int oif = 0;
	uint32_t gw = 0, src = 0;
	int len = (int)RTM_PAYLOAD(nh);
	for (struct rtattr *a = RTM_RTA(rt); RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == RTA_OIF)
			memcpy(&oif, RTA_DATA(a), 4);
		else if (a->rta_type == RTA_GATEWAY)
			memcpy(&gw, RTA_DATA(a), 4), gw = ntohl(gw);
		else if (a->rta_type == RTA_PREFSRC)
			memcpy(&src, RTA_DATA(a), 4), src = ntohl(src);
	}
	if (rt->rtm_type == RTN_UNREACHABLE || rt->rtm_type == RTN_BLACKHOLE ||
	    rt->rtm_type == RTN_PROHIBIT || !oif)
		return dm_fail(e, DM_ENOROUTE, "no route to %s", ds);
	char name[IF_NAMESIZE];
	if (!if_indextoname((unsigned)oif, name))
		return dm_fail(e, DM_ENOROUTE, "%s: route names a vanished interface", ds);
	int r = iface_lookup(name, ret, e);
	if (r < 0) return r;
	ret->gateway = gw;
	ret->src = src ? src : ret->if_addr;
	return 0;
}

int neigh_lookup_v4(const char *ifname, uint32_t ip, uint8_t mac[6])
{
	_cleanup_fclose_ FILE *f = fopen("/proc/net/arp", "r");
	if (!f) return -errno;
	char line[256], want[16];
	snprintf(want, sizeof(want), "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
	while (fgets(line, sizeof(line), f)) {
		char ips[64], hw[64], dev[64];
		unsigned type, flags;
		if (sscanf(line, "%63s 0x%x 0x%x %63s %*s %63s", ips, &type, &flags, hw, dev) != 5) continue;
		if (strcmp(ips, want) || strcmp(dev, ifname) || !(flags & 0x2)) continue;
		return mac_parse(hw, mac);
	}
	return -ENOENT;
}
