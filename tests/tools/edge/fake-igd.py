#!/usr/bin/env python3
"""A UPnP IGD on the loopback device for the cli suite: a root description with one
WANIPConnection:1 service and a mapping table holding a hostile description, an entry whose
internal client is a name (not an address) and a disabled UDP mapping; AddPortMapping is refused
(606), so the mapping test is refused. Prints its port, serves until killed.

With --entries N the table holds N plain TCP mappings instead (external port 10000 + i to
127.0.0.1:i+1), and every index asked for is written to standard error ("asked I"): a reader with a
cap must stop asking at its cap.

usage: fake-igd.py [--entries N]
"""
import http.server
import re
import sys

ENTRIES = [  # external port, proto, internal client, internal port, description, enabled, lease
    ("8443", "TCP", "127.0.0.1", "443", "web &lt;script&gt;alert(1)&lt;/script&gt;\x1b[2J\x07", "1", "0"),
    ("8080", "TCP", "evil.example", "80", "a name, not an address", "1", "0"),
    ("5353", "UDP", "127.0.0.2", "53", "dns", "0", "100"),
]
if sys.argv[1:2] == ["--entries"]:
    ENTRIES = [(str(10000 + i), "TCP", "127.0.0.1", str(i + 1), "m%d" % i, "1", "0")
               for i in range(int(sys.argv[2]))]
DESC = """<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major>
<minor>0</minor></specVersion><device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:1</deviceType>
<friendlyName>fake</friendlyName><deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:1</deviceType>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANCommonInterfaceConfig:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANCommonIFC1</serviceId><controlURL>/ctl/CmnIfCfg</controlURL>
<eventSubURL>/evt/CmnIfCfg</eventSubURL><SCPDURL>/WANCfg.xml</SCPDURL></service></serviceList><deviceList><device>
<deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:1</deviceType><serviceList><service>
<serviceType>urn:schemas-upnp-org:service:WANIPConnection:1</serviceType>
<serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId><controlURL>/ctl/IPConn</controlURL>
<eventSubURL>/evt/IPConn</eventSubURL><SCPDURL>/WANIPCn.xml</SCPDURL></service></serviceList></device>
</deviceList></device></deviceList></device></root>"""


def envelope(body):
    return ('<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
            's:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>' + body + "</s:Body></s:Envelope>")


def fault(code, text):
    return envelope('<s:Fault><faultcode>s:Client</faultcode><faultstring>UPnPError</faultstring><detail>'
                    '<UPnPError xmlns="urn:schemas-upnp-org:control-1-0"><errorCode>%d</errorCode>'
                    "<errorDescription>%s</errorDescription></UPnPError></detail></s:Fault>" % (code, text))


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, code, body):
        data = body.encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", 'text/xml; charset="utf-8"')
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.send(200, DESC) if self.path == "/rootDesc.xml" else self.send(404, "")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode("utf-8", "replace")
        action = self.headers.get("SOAPAction", "").strip('"').split("#")[-1]
        ns = "urn:schemas-upnp-org:service:WANIPConnection:1"
        if action == "GetExternalIPAddress":
            self.send(200, envelope('<u:GetExternalIPAddressResponse xmlns:u="%s"><NewExternalIPAddress>'
                                    "203.0.113.9</NewExternalIPAddress></u:GetExternalIPAddressResponse>" % ns))
        elif action == "GetGenericPortMappingEntry":
            i = int(re.search(r"<NewPortMappingIndex>(\d+)<", body)[1])
            print("asked %d" % i, file=sys.stderr, flush=True)
            if i >= len(ENTRIES):
                return self.send(500, fault(713, "SpecifiedArrayIndexInvalid"))
            e = ENTRIES[i]
            self.send(200, envelope(
                '<u:GetGenericPortMappingEntryResponse xmlns:u="%s"><NewRemoteHost></NewRemoteHost>'
                "<NewExternalPort>%s</NewExternalPort><NewProtocol>%s</NewProtocol><NewInternalPort>%s"
                "</NewInternalPort><NewInternalClient>%s</NewInternalClient><NewEnabled>%s</NewEnabled>"
                "<NewPortMappingDescription>%s</NewPortMappingDescription><NewLeaseDuration>%s"
                "</NewLeaseDuration></u:GetGenericPortMappingEntryResponse>"
                % (ns, e[0], e[1], e[3], e[2], e[5], e[4], e[6])))
        elif action == "AddPortMapping":
            self.send(500, fault(606, "Action not authorized"))
        else:
            self.send(500, fault(401, "Invalid Action"))


srv = http.server.HTTPServer(("127.0.0.1", 0), H)
print(srv.server_address[1], flush=True)
srv.serve_forever()
