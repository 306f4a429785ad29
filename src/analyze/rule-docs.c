/* The finding rules described for operators and managers: meaning, why it
 * matters, evidence, fix. The rule ids are those in asset-rules.c, rules.c,
 * vulnerable.c, default-credentials.c and plaintext-credentials.c; the cli
 * suite checks that every id the sources emit has an entry here. */
#include "analyze/rule-docs.h"
#include "base/util.h"
#include <string.h>

#define ACCEPT_REGISTER \
	"or, if it is meant to be so, record that in the asset register (dormant inventory import)"

const struct rule_doc rule_docs[] = {
	{ "idle-host", "audit with traffic (--flows) covering the usage window",
	  "medium when the host has open ports, else low",
	  "a live host that neither started nor received any traffic of its own in the usage window "
	  "(site policy [usage] window_days); DNS, NTP and DHCP chatter does not count as use",
	  "an idle machine is rarely patched or watched, yet still answers: the dormant asset an attacker "
	  "settles on",
	  "flows_in_window, window_days, window_from, window_to, last_used, records_cover_days, "
	  "peers_in_window, open_ports, register (the register's row: line, owner, role, status)",
	  "decommission the host (shut it down, remove its DNS and DHCP entries) " ACCEPT_REGISTER
	  " with a role that is expected to be quiet" },
	{ "unregistered-host", "audit with an asset register (--inventory or a stored one)",
	  "medium when it has open ports, else low",
	  "a host answered the scan (or holds a DHCP lease) but is not in the asset register",
	  "nobody owns what nobody knows about: it will not be patched, backed up or retired",
	  "register_entries, open_ports, dhcp_lease (file, line, format, mac, client_hostname, starts, "
	  "ends), seen, mac (mac_randomised when locally administered), seen_by (a router's ARP row: device, "
	  "device_address, table, mac, at) and plugged "
	  "(the switch port: device, interface, alias, vlan) when [netdev] devices know the host",
	  "find the owner (the DHCP lease's MAC and hostname help) and add the host to the register, or "
	  "remove it from the network" },
	{ "asset-readdressed", "audit (compared with the previous audit that covered the same targets)",
	  "info",
	  "a device the previous run saw at one address answers at another: the same globally administered "
	  "MAC (from the scan, a router's ARP table or its DHCP lease), or, when either run has no such MAC, "
	  "the same host name (DHCP client name, else NetBIOS name), or the same TLS certificate (SHA-256), "
	  "SNMPv3 engine ID or "
	  "SSH host key (SHA-256) shown by no other host of either run and not by two differently named "
	  "hosts; else, weaker, the same mDNS name (the host's own responder, on the scan's link) or "
	  "reverse DNS (PTR) name ([site] dns), never one made of the address or a pool's word (dhcp-17, "
	  "10-0-1-5.dyn.example), an mDNS name another host shares less a conflict suffix (iphone, "
	  "iphone-2), or the name of a host that a key "
	  "matches to another; two different SSH host keys or engine IDs without the same MAC, a match that "
	  "is not the "
	  "only one on both sides, or a device still seen at its old address, link nothing",
	  "a readdressed device is one device that moved, not a host gone and a new unknown one; rules, "
	  "firewall entries and monitoring keyed on the old address no longer follow it",
	  "old_ip, new_ip, matched_by (mac, hostname, cert, snmp, ssh, mdns, ptr), previous_run, "
	  "mac_randomised, "
	  "old_first_seen, old_last_seen, old_runs, before and now (ip, mac, mac_from, mac_randomised, "
	  "tls_sha256, snmp_engine_id, ssh_host_key, hostname, hostname_from, mdns_name, ptr_name, seen), "
	  "register (the row found "
	  "by MAC, host name or old address)",
	  "nothing if the move was expected; update the register's address and whatever still names the "
	  "old address, or give the device a DHCP reservation" },
	{ "decommissioned-alive", "audit with an asset register that marks hosts decommissioned", "high",
	  "the register says the host is decommissioned, but it answers the scan, holds a DHCP lease or "
	  "sends traffic",
	  "a retired machine gets no updates and no monitoring; if it still runs, someone still depends on "
	  "it or took it over",
	  "register (line, status, owner, role), answered_scan, matched_by_mac, dhcp_lease, open_ports",
	  "switch it off and remove it from the network; if it is in use after all, set its status in the "
	  "register back to active" },
	{ "expired-test-device", "audit with an asset register holding expiry dates",
	  "high when it has open ports, else medium",
	  "a device registered as a test device whose expiry date has passed still answers",
	  "test devices carry test passwords and debug services; past their date nobody looks after them",
	  "register (line, expires, owner, role), days_past_expiry, open_ports",
	  "remove the device, or extend its expiry date in the register if the test goes on" },
	{ "unused-port", "audit with traffic (--flows) covering the usage window", "low",
	  "an open port that no client connected to in the usage window",
	  "every open port is attack surface; one nobody uses can be closed at no cost",
	  "service, product, version, flows_in_window, last_used, window_days, seen",
	  "stop the service or firewall the port; if it serves rare but needed use (backups, failover), "
	  "accept it by adding the port to the role's baseline in the site policy" },
	{ "unexpected-service",
	  "audit with roles in the register and [role NAME] baselines in the site policy",
	  "high when user clients reach it, else medium",
	  "a service outside the baseline of the host's role (for example a web server on a camera), or a "
	  "device in a segment it does not belong to",
	  "services outside a role's baseline are usually left-overs or unauthorised; reachable from user "
	  "segments they widen the path into the device",
	  "role, role_from, baseline, service, product, version, segment, segment_cidrs, reached_from, "
	  "user_clients, user_client_hosts, user_flows_in_window, last_user_flow, seen",
	  "disable the service or move the host to its segment; if the role needs it, add it to the role's "
	  "baseline in the site policy" },
	{ "weak-tls", "audit or scan with service identification (the TLS probes run on every TLS service)",
	  "that of the worst weakness (high: expired certificate, SSLv3, EXPORT/NULL/anonymous suites, RSA "
	  "under 1024 bits; medium: TLS 1.0/1.1, RC4/3DES, RSA under 2048 bits, self-signed or untrusted "
	  "chain; low: expiring within 30 days), one step higher on a publicly routed address the site "
	  "config does not call internal (a private or reserved address outside the internal ranges is not "
	  "the internet's), one step lower on a service only machines and administrators reach",
	  "a TLS service has an expired or soon-to-expire certificate, a self-signed or untrusted chain (on "
	  "services users reach), accepts SSLv3, TLS 1.0 or 1.1, weak cipher suites (RC4, 3DES, EXPORT, "
	  "NULL, "
	  "anonymous) or has an RSA key under 2048 bits",
	  "clients either refuse such services or learn to click through warnings, and old versions and "
	  "suites let an attacker on the path read or alter the traffic",
	  "seen, passive, service, exposure (internet, users, internal), exposure_reason, weaknesses (code, "
	  "severity, detail), versions_accepted, versions_tested, weak_suites_accepted, subject, issuer, "
	  "not_after, key_type, key_bits, chain, chain_error, sha256",
	  "renew or replace the certificate (from the organisation's or a public CA, RSA 2048+ or ECDSA), "
	  "allow TLS 1.2 and 1.3 only and remove weak suites from the server's cipher list" },
	{ "vulnerable-service", "audit with service identification and vulnerability data (dormant vulndb)",
	  "from the worst CVSS score of the matched CVEs (medium when none is given), one step lower when "
	  "the "
	  "match is unsure",
	  "the identified product and version match published vulnerabilities (CVEs)",
	  "known vulnerabilities are what automated attacks try first",
	  "product, version, cpe, banner, confidence, why, cves (id, cvss, cvss_version, severity, epss, "
	  "epss_percentile, kev, fixed, criteria, source), count, distribution_build",
	  "update the product to a fixed version (the evidence names it when the data does); a distribution "
	  "build with back-ported fixes lowers the confidence, check the package changelog" },
	{ "known-exploited", "audit with vulnerability data including CISA KEV",
	  "critical; high when the version match is unsure",
	  "at least one matched CVE is in CISA's Known Exploited Vulnerabilities catalogue",
	  "these vulnerabilities are exploited in the wild now; KEV gives a due date for fixing them",
	  "product, version, cves (id, kev_added, kev_due, ransomware, exploit), count",
	  "update now, before the KEV due date; if that cannot be done, isolate the host until it can" },
	{ "default-credentials",
	  "audit or creds with credential checks enabled (opt-in); or a [netdev NAME] section whose "
	  "community is a published default (dormant netdev, or an audit with those sections)",
	  "critical when the login gives a shell, else high",
	  "a service accepted a login from a published default credential list (the password is never shown "
	  "in clear)",
	  "default passwords are the first thing every scanner and botnet tries",
	  "check, method, service, user, password (redacted), vendor, device, source, database, "
	  "database_line, attempts, negative_control_refused, answer",
	  "change the password (and the user name where possible) or disable the account; the "
	  "negative_control_refused key shows the service refused a wrong password, so this is no false "
	  "positive" },
	{ "anonymous-access", "audit or creds with credential checks enabled (opt-in)",
	  "critical for an open Redis or a shell, medium for anonymous FTP, else high",
	  "a service lets anyone in without credentials (anonymous FTP, open Redis, MQTT, SNMP read)",
	  "no password means anyone on the network can read, and often write, what the service holds",
	  "check, method, service, attempts, answer",
	  "require authentication or restrict the service to the hosts that need it; if it is meant to be "
	  "public, document that and firewall it from sensitive segments" },
	{ "plaintext-credentials", "secrets (the file scan of dormant secrets)",
	  "critical for large tables of clear passwords, high or medium for fewer or obfuscated ones",
	  "a file holds logins for other systems: password tables, browser or password-manager exports, "
	  "command lines with passwords, unprotected private keys",
	  "one such file opens every system it lists; copied tables of administrator passwords are a common "
	  "way into many organisations at once",
	  "kind, what, line, entries, hosts_total, obfuscated, fingerprint (a keyed tag, not the secret); "
	  "the "
	  "file's path is the finding's path",
	  "delete the file and its copies, move the secrets to a password manager or vault, and change every "
	  "password it held if it ever left the machine" },
	{ "beacon", "audit or flows with traffic",
	  "high when the periodicity score is at least 0.8, else medium",
	  "periodic connections from a host to one external destination (name or address), robust to "
	  "jitter and missed beats",
	  "regular call-backs are how malware reaches its command server; also how forgotten agents phone "
	  "home",
	  "dst, name, dport, proto, period_s, jitter, beats, missed_beats, fit, coverage, size_regularity, "
	  "score, connections, bytes_out, bytes_in, addresses, addresses_total, hosts_reaching, hosts_total, "
	  "countries, first, last",
	  "identify the process that connects (ss -tp, the host's logs); remove it if unknown; a known "
	  "updater or monitoring agent can be accepted and its destination noted" },
	{ "offhours-foreign-encrypted",
	  "audit or flows with traffic, site policy with business hours and home "
	  "countries, and a GeoIP database",
	  "high", "encrypted uploads to foreign countries outside business hours",
	  "data leaving at night for another country is the pattern of exfiltration",
	  "sessions, bytes_out, bytes_in, upload_ratio, largest_upload, addresses, addresses_total, names, "
	  "countries, dport (when every session went to one port), local_start, timezone, first, last",
	  "find what sent the data and where (names, addresses); if it is a backup or sync job, accept it by "
	  "adding the country to home_countries or moving the job into business hours" },
	{ "rotating-destinations", "audit or flows with traffic", "medium",
	  "sessions of the same shape to a different external address each time, more of them in a day "
	  "than chance allows given the host's one-off sessions that day and how common that shape is "
	  "among the other hosts' (a busy browser's small pages are common shapes)",
	  "rotating addresses (fast flux, domain generation) hide a command server from block lists",
	  "sessions, dport, proto, app, bytes_out, bytes_in, addresses, addresses_total, countries, "
	  "offhours_sessions, first, last",
	  "identify the process behind the sessions and remove it if unknown; a content-delivery client can "
	  "be accepted" },
	{ "exfil-volume", "audit or flows with traffic of several days (a baseline)", "high",
	  "a host's hourly (or daily) upload far above its own baseline; a destination the host reaches at "
	  "about this hour on 3 or more earlier days is routine and counts only at ten times its usual "
	  "volume at that hour (or on that weekday, when the same weekday's runs were larger: a Sunday full "
	  "backup); a new destination, and the first run on a weekday, are judged by where they go (home "
	  "countries and destinations many hosts use are not suspect)",
	  "a burst of uploads is the moment data leaves; the baseline makes it specific to the host",
	  "bytes_out, hours or days, baseline_p90_bytes, baseline_hours or baseline_days, "
	  "routine_destination, baseline_of, first, last, destinations (up to 16: dst, name, country, "
	  "dport; an allowlist entry covers the finding only when it covers every one) and destinations_n",
	  "check what was sent and to whom; accept planned transfers (migrations, backups) by noting them "
	  "or by an [allow] entry for their destinations" },
	{ "idle-device-active", "audit or flows with traffic covering the usage window", "medium",
	  "a host silent for the usage window starts opening connections; inside one input the silence "
	  "needs background chatter (NTP, DNS) before the day it woke, so a laptop coming back from a "
	  "week away, which looks up its first sites just before opening them, is not idle",
	  "a forgotten device that wakes up may have been taken over",
	  "quiet_since, quiet_days, quiet_since_records_began, window_days, woke, first_dst, first_dport, "
	  "flows_first_hour, peers, bytes_out, bytes_in",
	  "find out who or what woke it; if it was a planned use, nothing to do (the next audit will see it "
	  "as used)" },
	{ "lateral-from-idle", "audit or flows with traffic and a site policy marking protected segments",
	  "critical", "a woken idle host connecting into a protected segment",
	  "an idle host reaching into the core is the shape of lateral movement after a break-in",
	  "segment, from_segment, quiet_since, woke, targets, ports, connections, failed, bytes_out, first, "
	  "last",
	  "isolate the host and investigate; accept only if an administrator confirms the access" },
	{ "scheduled-transfer", "flows or audit with traffic covering several days",
	  "info; medium when a job is abnormal",
	  "a host's scheduled jobs learned from the traffic: connections to one destination name (else "
	  "network) starting at the same time of the local day, daily (on most days the host was seen), "
	  "on business days only, or weekly (one weekday, two weeks or more), closer in time than the "
	  "host's other traffic makes likely by chance (updates, antivirus signatures, backups, "
	  "exports); abnormal when the latest run sent ten times its usual volume (the same weekday's "
	  "runs when that is more), the destination's country changed, or it uploads at night to a "
	  "foreign destination few hosts use",
	  "routine is listed for review instead of alarmed; a job that changes is worth a look",
	  "jobs (name, dst, schedule, weekday, dport, local_time, days, flows, bytes_out_last_run, "
	  "bytes_out_median_run, country, abnormal), first, last",
	  "confirm the jobs are known; allowlist them in the site policy ([allow] entries) if so" },
	{ "long-connection", "audit or flows with traffic (pcap, NetFlow/IPFIX, Zeek conn.log)",
	  "medium; high when a session reaches 12 h, or is foreign and mostly outside business hours; info "
	  "when routine (the pair on 5 or more days, or a peer 3 or more internal hosts use)",
	  "a session of 4 h or more between an internal host and an external peer, or sessions with one "
	  "peer covering 24 h over the input; records cut by exporters' timeouts are stitched back",
	  "a remote shell, tunnel or remote-access tool holds its connection open for hours: the pattern of "
	  "hands-on intrusion and covert channels",
	  "peer, port, proto, direction, name, country, sessions, longest_seconds, total_seconds, "
	  "off_hours_seconds, bytes_out, bytes_in, days_with_long_sessions, hosts_with_this_peer, routine, "
	  "first, last",
	  "find the process holding the connection; stop and block it if nobody approved it; a known "
	  "service (VPN, jump host) is reported as routine at info" },
	{ "dns-tunnel", "audit or flows with DNS questions (pcap with UDP 53 queries, or Zeek dns.log)",
	  "high",
	  "an internal host asked for many unique, long, random-looking names under one parent domain, or "
	  "sent TXT/NULL queries in bulk",
	  "data carried in DNS questions passes most firewalls: DNS tunnels and exfiltration tools work so",
	  "parent_domain, unique_subdomains, queries, txt_null_queries, mean_subdomain_length, "
	  "mean_entropy_bits_per_char, examples (escaped), first, last",
	  "find and stop the process asking the names, block the parent domain at the resolvers, and let "
	  "only the site's resolvers send DNS out" },
	{ "intel-match",
	  "audit or flows with a site policy naming threat-intelligence lists ([intel] files =)",
	  "high; low when a listed address only knocked from outside without an answer",
	  "traffic of an internal host touched an indicator of the site's lists: the peer's address or "
	  "prefix, a name (SNI, DNS answer or question, and names under a listed domain), a JA3/JA4 client "
	  "fingerprint, a server certificate's SHA-1/SHA-256",
	  "a contact with known attacker infrastructure or tooling is the strongest single sign of "
	  "compromise",
	  "indicator, indicator_type, list, list_line, list_note, matched_on, flows, peer, port, direction, "
	  "name, bytes_out, bytes_in, first, last",
	  "treat the host as possibly compromised and block the indicator; if the list is wrong about it, "
	  "remove the line from the list" },
	{ "external-only", "dormant exposure, with exports imported by dormant exposure import",
	  "medium when no asset in the register has the address, low when the asset behind it does not "
	  "have the port open in the latest run; high when the external banner matches a KEV-listed or "
	  "critical CVE",
	  "an internet mapping platform (Shodan, Censys, FOFA, ZoomEye, Hunter) indexed a service on one of "
	  "your public addresses that nothing inside explains: no asset of the register sits behind the "
	  "address (public_ip column), or the asset behind it does not have that port open",
	  "what a platform indexes, every attacker can query: an unexplained service is usually a port "
	  "mapping someone (or UPnP) added on the edge, a forgotten device or a host outside the register",
	  "platform, indexed, service, product, version, cpe, hostnames, file, line (in the export), inside "
	  "(unexplained or closed-inside), asset, run, cves, cve_ids, kev",
	  "find what answers on the address (an edge port mapping or forward, a forgotten device, a cloud "
	  "host) and close it; if it is meant to be reachable, " ACCEPT_REGISTER
	  " with the asset's public_ip, and make sure the inside scan covers it" },
	{ "internet-exposed", "audit --upnp (or [site] edge = on): the gateways' own mapping tables",
	  "high when the run saw the mapped port open, medium when not (the mapping waits for whatever "
	  "takes the address), low when the gateway marks it disabled; every other finding on the same "
	  "host goes one severity up (its evidence gains internet_exposed)",
	  "an internet gateway of the LAN (UPnP IGD, read entry by entry; miniupnpd also lists what "
	  "NAT-PMP added) forwards an external port to this inside service",
	  "a forwarded service is reachable by every scanner on the internet, whatever the inside "
	  "firewall says: cameras and forgotten devices are exposed this way, often by UPnP without anyone "
	  "deciding it, and the mapping platforms index them within days",
	  "gateway, gateway_method, gateway_url, gateway_service, public_ip, external_port, proto, "
	  "internal, internal_port, description (the client's, untrusted), added_by (upnp or natpmp), "
	  "enabled, remote_host, lease_seconds (0: permanent), first_seen, age_days, inside (open, "
	  "not-open, not-scanned), service, product",
	  "remove the mapping on the gateway and turn UPnP/NAT-PMP off if nothing needs it; a service "
	  "that must be reachable goes behind a VPN or an authenticating reverse proxy" },
	{ "upnp-open-mapping", "audit --upnp --test-mapping", "high",
	  "the gateway's UPnP IGD added a port mapping asked for by dormant (60 s, a closed port of the "
	  "scanning host, deleted at once) without any authentication",
	  "any program on any LAN host, malware included, can open an inbound path from the internet to "
	  "any inside host (unless secure mode limits it to the asking host)",
	  "gateway, gateway_url, gateway_service, public_ip, test (the mapping asked for and the "
	  "answer), mappings (entries in its table)",
	  "turn UPnP IGD off on the gateway, or allow it only to the hosts that need it, in secure mode" },
	{ "natpmp-open-mapping", "audit --upnp --test-mapping", "high",
	  "the default gateway granted a NAT-PMP mapping asked for by dormant (60 s, a closed port of "
	  "the scanning host, deleted at once) without any authentication",
	  "NAT-PMP has no listing: the mappings others made cannot be read, but any LAN host can make "
	  "them",
	  "gateway, public_ip, test (the mapping asked for and the answer), mappings",
	  "turn NAT-PMP (and PCP) off on the gateway, or allow it only to the hosts that need it" },
	{ "pcp-open-mapping", "audit --upnp --test-mapping", "high",
	  "the default gateway granted a PCP (RFC 6887) MAP request sent by dormant (60 s, a closed UDP "
	  "port of the scanning host, deleted at once with the same nonce) without any authentication",
	  "PCP has no listing either, and the gateways that speak it take a MAP from any LAN host: "
	  "malware or a careless device opens a port to the internet without anyone deciding it",
	  "gateway, public_ip (the external address the MAP reply assigned), protocol, test (the "
	  "request and the answer, whether the deletion succeeded), mappings",
	  "turn PCP (and NAT-PMP) off on the gateway (miniupnpd: enable_natpmp=no, enable_pcp_pmp=no in "
	  "newer versions), or allow it only to "
	  "the hosts that need it" },
	{ "idle-switch-port", "dormant netdev (or an audit) with [netdev NAME] sections naming switches",
	  "low",
	  "an access port of a switch (Ethernet, no LLDP neighbour, at most four MACs) is administratively "
	  "up, has no MAC behind it, and its state has not changed for longer than the usage window while "
	  "its counters cannot have moved (no link) or did not move since an earlier stored walk",
	  "an enabled port nobody uses is where a visitor, a rogue access point or an intruder plugs in; "
	  "hygiene guidelines say to disable ports no longer in use",
	  "port (device, device_address, interface, ifindex, alias, vlan), admin, oper, days_idle, "
	  "window_days, in_octets, out_octets, counters_unchanged_since, walked",
	  "shut the port or move it to an unused VLAN until somebody needs it; use port security or "
	  "802.1X on access ports" },
	{ "unknown-device-on-port",
	  "dormant netdev (or an audit) with switches in [netdev NAME] sections and an asset register",
	  "medium",
	  "a switch learned a MAC address on an access port that the register knows neither by its MAC nor "
	  "by the address an ARP table gives that MAC",
	  "a device nobody registered is plugged into the network: a personal device, a rogue access point "
	  "or an implant",
	  "mac, plugged (device, device_address, interface, ifindex, alias, vlan), arp_address, "
	  "register_entries, walked",
	  "find who plugged it in and register it, or shut the port; port security or 802.1X keeps unknown "
	  "devices off access ports" },
	{ "device-moved", "dormant netdev (or an audit) with switches in [netdev NAME] sections, run twice",
	  "low",
	  "a MAC that the previous complete walk of a switch saw on one of its access ports is now learned "
	  "on another access port, of that switch or another one asked",
	  "a device was moved: wanted (a desk move) or not (a device taken elsewhere, a cloned MAC); the "
	  "register's location is out of date either way",
	  "mac, was (device, interface, ifindex, alias, vlan, walked), plugged (device, device_address, "
	  "interface, ifindex, alias, vlan), walked",
	  "check that the move was wanted and update the register's location" },
	{ "device-swapped", "dormant netdev (or an audit) with switches in [netdev NAME] sections, run twice",
	  "medium",
	  "a MAC that the previous complete walk of a switch saw on an access port is learned on no access "
	  "port now, and another MAC is on that port",
	  "the device on the port was swapped for another one: a replacement, or an intruder's device in "
	  "place of a printer or a camera",
	  "mac, replaced_mac, was (device, interface, ifindex, alias, vlan, walked), plugged (device, "
	  "device_address, interface, ifindex, alias, vlan), walked",
	  "find out why the device changed; register a replacement and retire the old entry, shut the port "
	  "to an unknown one" },
};
const size_t rule_docs_count = ARRAY_SIZE(rule_docs);

const struct rule_doc *rule_doc_find(const char *id)
{
	for (size_t i = 0; i < rule_docs_count; i++)
		if (!strcmp(rule_docs[i].id, id)) return &rule_docs[i];
	return NULL;
}
