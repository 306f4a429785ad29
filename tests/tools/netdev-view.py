#!/usr/bin/python3
"""Prints what `dormant netdev --json` said of each device as one sorted
line per fact (device, port, ARP, FDB and LLDP rows; findings when given),
for comparison with tests/data/netdev/truth.txt. Usage: netdev-view.py FILE..."""
import json
import sys

out = []
for path in sys.argv[1:]:
    for line in open(path):
        r = json.loads(line)
        t, d = r["type"], r.get("device", "")
        if t == "netdev":
            out.append(f"device {d} name={r['sys_name']} oid={r['sys_object_id']} uptime={r['uptime_ticks']} "
                       f"complete={r['complete']} descr={r['sys_descr']}")
        elif t == "netdev-port":
            out.append(f"port {d} {r['name']} ifindex={r['ifindex']} alias={r['alias']!r} admin={r['admin']} "
                       f"oper={r['oper']} speed={r['speed']} pvid={r['pvid']} bridge_port={r['bridge_port']} "
                       f"days={r['days_since_change']:.1f} in={r['in_octets']} out={r['out_octets']} "
                       f"macs={r['macs']} access={r['access']}")
        elif t == "netdev-arp":
            out.append(f"arp {d} {r['ip']} {r['mac']} on={r['interface']}")
        elif t == "netdev-fdb":
            out.append(f"fdb {d} {r['mac']} vlan={r['vlan']} on={r['interface']} status={r['status']}")
        elif t == "netdev-lldp":
            out.append(f"lldp {d} port={r['local_port']} chassis={r['chassis']} port_id={r['port_id']} "
                       f"name={r['sys_name']}")
        elif t == "finding":
            ev = r.get("evidence", {})
            where = ev.get("plugged") or ev.get("port") or {}
            out.append(f"finding {r['rule']} {r['severity']} ip={r.get('ip', '-')} "
                       f"at={where.get('device', '-')}/{where.get('interface', '-')}/vlan{where.get('vlan', '-')}")
print("\n".join(sorted(out)))
