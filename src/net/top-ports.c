/* dormant's own port ranking for --top-ports and the service names shown
 * beside ports. The order starts with the ports most often found open on
 * enterprise and Internet-facing hosts, then the management, database,
 * camera/NVR and IoT ports that matter to dormant's questions. */
#include "net/ports.h"
#include "base/util.h"
#include <netdb.h>
#include <arpa/inet.h>

const uint16_t top_tcp_ports[] = {
	80, 23, 443, 21, 22, 25, 3389, 110, 445, 139, 143, 53, 135, 3306, 8080, 1723, 111, 995, 993,
	5900, 1025, 587, 8888, 199, 1720, 465, 548, 113, 81, 6001, 10000, 514, 5060, 179, 1026, 2000,
	8443, 8000, 32768, 554, 26, 1433, 49152, 2001, 515, 8008, 49154, 1027, 5666, 646, 5000, 5631,
	631, 49153, 8081, 2049, 88, 79, 5800, 106, 2121, 1110, 49155, 6000, 513, 990, 5357, 427,
	49156, 543, 544, 5101, 144, 7, 389, 8009, 3128, 444, 9999, 5009, 7070, 5190, 3000, 5432,
	1900, 3986, 13, 1029, 9, 5051, 6646, 49157, 1028, 873, 1755, 2717, 4899, 9100, 119, 37,
	/* management, remote access, databases, message brokers, containers */
	8291, 8728, 8729, 2222, 2323, 5985, 5986, 6379, 27017, 27018, 9200, 9300, 11211, 1883, 8883,
	5672, 15672, 61616, 2375, 2376, 6443, 10250, 10255, 2379, 9090, 9091, 9443, 8086, 5601, 3000,
	8500, 8600, 7001, 7002, 9001, 9000, 9002, 50000, 50070, 8020, 8042, 8088, 4848, 8161, 1521,
	1522, 5984, 7474, 9042, 26257, 28017, 6000, 3260, 3690, 9418, 5555, 7547, 4567, 1080, 3129,
	8118, 8123, 8181, 8222, 8333, 8834, 9392, 10443, 4443, 7443, 8010, 8060, 8082, 8083, 8084,
	8085, 8087, 8089, 8090, 8098, 8200, 8800, 8880, 8889, 9080, 9081, 9191, 9443, 10001, 12345,
	/* cameras, NVRs, DVRs and their vendor protocols */
	37777, 37778, 34567, 34599, 8899, 8554, 8001, 8002, 7000, 7777, 6036, 9010, 9020, 5150,
	5554, 10554, 1935, 8091, 8099, 85, 82, 83, 84, 86, 88, 8180, 8280, 3702, 49160,
	/* industrial and building control exposed by mistake */
	502, 102, 20000, 44818, 47808, 1911, 4911, 2404, 789, 18245, 1962, 9600,
	/* mail, directory, file sharing, legacy */
	109, 465, 636, 3268, 3269, 2525, 4190, 1194, 1701, 500, 4500, 1812, 1813, 161, 162, 69,
	177, 512, 6667, 6697, 5222, 5269, 5353, 5355, 5938, 6568, 3283, 5500, 5901, 5902, 5903,
	2082, 2083, 2086, 2087, 2095, 2096, 4000, 4444, 4786, 5001, 5002, 6002, 6443, 7071, 8069,
	9093, 9094, 9999, 10050, 10051, 11111, 16992, 16993, 17988, 18080, 20547, 30000, 31337,
};
const size_t top_tcp_ports_count = ARRAY_SIZE(top_tcp_ports);

const uint16_t top_udp_ports[] = {
	631, 161, 137, 123, 138, 1434, 445, 135, 67, 53, 139, 500, 68, 520, 1900, 4500, 514, 49152,
	162, 69, 5353, 111, 49154, 1701, 998, 996, 997, 999, 3283, 49153, 1812, 136, 2222, 2049,
	3702, 5060, 1645, 1646, 1813, 177, 5683, 47808, 502, 10001, 37020, 34569, 11211, 27015, 389,
};
const size_t top_udp_ports_count = ARRAY_SIZE(top_udp_ports);

static const struct {
	uint16_t port;
	const char *name;
} extra_names[] = {
	{ 554, "rtsp" },       { 8554, "rtsp-alt" },  { 37777, "dahua-dvr" }, { 34567, "xiongmai-dvr" },
	{ 8291, "winbox" },    { 8728, "mikrotik-api" }, { 6379, "redis" },   { 27017, "mongodb" },
	{ 9200, "elasticsearch" }, { 1883, "mqtt" },  { 8883, "mqtts" },      { 2375, "docker" },
	{ 10250, "kubelet" },  { 5985, "wsman" },     { 5986, "wsmans" },     { 3702, "ws-discovery" },
	{ 1900, "ssdp" },      { 5353, "mdns" },      { 8000, "http-alt" },   { 8080, "http-proxy" },
	{ 8443, "https-alt" }, { 8888, "http-alt" },  { 502, "modbus" },      { 47808, "bacnet" },
	{ 7547, "cwmp" },      { 5555, "adb" },       { 11211, "memcached" }, { 5683, "coap" },
	{ 1521, "oracle-tns" }, { 9042, "cassandra" }, { 5984, "couchdb" },
};

const char *port_service_name(enum proto p, uint16_t port)
{
	for (size_t i = 0; i < ARRAY_SIZE(extra_names); i++)
		if (extra_names[i].port == port) return extra_names[i].name;
	struct servent *se = getservbyport(htons(port), p == PROTO_UDP ? "udp" : "tcp");
	return se ? se->s_name : NULL;
}
