#!/usr/bin/env python3
"""Credential stores under names that do not tell what they are, for `dormant secrets`: do they
get recognised by their content? Two sets, written by hand from the formats' published examples:

  --set tune     the files the recogniser was developed on
  --set heldout  other names and other variants of the formats (RecentServers, UTF-16 registry
                 exports, WinSCP in the registry, mRemoteNG 2.5 with containers, KeePass with
                 history and CDATA, Bitwarden organisation and encrypted exports, a 1pux of another
                 layout, 1Password 7 / LastPass CSV, netrc over several lines, ...), not looked at
                 while tuning

usage: gen-stores.py DIR --set tune|heldout
Writes DIR/* and DIR.truth.json: {"stores": {file: [kind, entries]}, "innocent": [file, ...],
"secrets": [every clear secret planted]}. kind is the evidence kind dormant must give.
"""
import base64
import io
import json
import os
import sys
import zipfile
from xml.sax.saxutils import escape as xesc

out = sys.argv[1]
which = sys.argv[sys.argv.index("--set") + 1]
os.makedirs(out, exist_ok=True)
stores, innocent, secrets = {}, [], []


def w(name, data, enc="utf-8"):
    with open(os.path.join(out, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode(enc))


def s(v):
    secrets.append(v)
    return v


def store(name, kind, n, data, enc="utf-8"):
    w(name, data, enc)
    stores[name] = [kind, n]


def filezilla(root, servers, encoded=True):
    body = "".join(
        "    <Server>\n      <Host>%s</Host>\n      <Port>21</Port>\n      <Protocol>0</Protocol>\n"
        "      <Type>0</Type>\n      <User>%s</User>\n      %s\n      <Logontype>1</Logontype>\n"
        "      <Name>%s</Name>\n    </Server>\n"
        % (h, u, ('<Pass encoding="base64">%s</Pass>' % base64.b64encode(p.encode()).decode()) if encoded
               else "<Pass>%s</Pass>" % p, h) for h, u, p in servers)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes" ?>\n<FileZilla3 version="3.63.2" '
            'platform="windows">\n  <%s>\n%s  </%s>\n</FileZilla3>\n' % (root, body, root))


def keepass(entries, history=False, cdata=False):
    e = ""
    for title, url, user, pw in entries:
        val = "<![CDATA[%s]]>" % pw if cdata else xesc(pw)
        hist = ("<History><Entry><UUID>b2xk</UUID><String><Key>Password</Key><Value ProtectInMemory=\"True\">"
                "%s</Value></String></Entry></History>" % xesc(s("Old-" + pw))) if history else ""
        e += ("\t\t\t<Entry>\n\t\t\t\t<UUID>AAECAwQFBgcICQoLDA0ODw==</UUID>\n"
              "\t\t\t\t<String><Key>Notes</Key><Value /></String>\n"
              "\t\t\t\t<String><Key>Password</Key><Value ProtectInMemory=\"True\">%s</Value></String>\n"
              "\t\t\t\t<String><Key>Title</Key><Value>%s</Value></String>\n"
              "\t\t\t\t<String><Key>URL</Key><Value>%s</Value></String>\n"
              "\t\t\t\t<String><Key>UserName</Key><Value>%s</Value></String>\n\t\t\t\t%s\n\t\t\t</Entry>\n"
              % (val, title, url, user, hist))
    return ('<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<KeePassFile>\n\t<Meta>\n'
            '\t\t<Generator>KeePass</Generator>\n\t\t<DatabaseName>Passwords</DatabaseName>\n\t</Meta>\n'
            '\t<Root>\n\t\t<Group>\n\t\t\t<UUID>l7x0</UUID>\n\t\t\t<Name>Database</Name>\n%s\t\t</Group>\n'
            '\t</Root>\n</KeePassFile>\n' % e)


def bitwarden(items, org=False, encrypted=False):
    if encrypted:
        return json.dumps({"encrypted": True, "passwordProtected": True, "salt": "c2FsdA==", "kdfType": 0,
                           "kdfIterations": 600000, "encKeyValidation_DO_NOT_EDIT": "2.abc|def|ghi",
                           "data": "2.Zm9vYmFy|YmF6|cXV4"}, indent=2)
    doc = {"encrypted": False}
    if org:
        doc["collections"] = [{"id": "c1", "organizationId": "o1", "name": "Network", "externalId": None}]
    else:
        doc["folders"] = [{"id": "f1", "name": "Work"}]
    doc["items"] = [{"id": "i%d" % k, "organizationId": "o1" if org else None, "folderId": None, "type": 1,
                     "reprompt": 0, "name": name, "notes": None, "favorite": False,
                     "login": {"uris": [{"match": None, "uri": uri}], "username": user, "password": pw,
                               "totp": None}, "collectionIds": ["c1"] if org else None}
                    for k, (name, uri, user, pw) in enumerate(items)]
    doc["items"].append({"id": "note", "type": 2, "name": "wifi notes", "notes": "see the router",
                         "secureNote": {"type": 0}})
    return json.dumps(doc, indent=2)


def onepux(items, layout=1):
    vault_items = []
    for title, url, user, pw in items:
        if layout == 1:
            vault_items.append({"uuid": "u" + title, "favIndex": 0, "createdAt": 1700000000, "updatedAt": 1700000000,
                                "state": "active", "categoryUuid": "001",
                                "details": {"loginFields": [
                                    {"value": user, "id": "", "name": "username", "fieldType": "T", "designation": "username"},
                                    {"value": pw, "id": "", "name": "password", "fieldType": "P", "designation": "password"}],
                                    "notesPlain": "", "sections": [], "passwordHistory": []},
                                "overview": {"subtitle": user, "urls": [{"label": "", "url": url}], "title": title,
                                             "url": url, "ps": 80, "pbe": 90.0, "pgrng": True}})
        else:  # a Password item (category 005): the password in details.password, no login fields
            vault_items.append({"uuid": "p" + title, "favIndex": 1, "createdAt": 1700000000, "updatedAt": 1700000001,
                                "state": "active", "categoryUuid": "005",
                                "details": {"loginFields": [], "notesPlain": "for " + url, "sections": [],
                                            "passwordHistory": [], "password": pw},
                                "overview": {"subtitle": "", "title": title, "url": url}})
    data = {"accounts": [{"attrs": {"accountName": "Family", "name": "Alice", "avatar": "", "email": "a@example.org",
                                    "uuid": "ACC", "domain": "https://my.1password.com/"},
                          "vaults": [{"attrs": {"uuid": "V", "desc": "", "avatar": "", "name": "Private", "type": "P"},
                                      "items": vault_items}]}]}
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.attributes", json.dumps({"version": 3, "description": "1Password Unencrypted Export",
                                                    "createdAt": 1700000000}))
        z.writestr("export.data", json.dumps(data))
        z.writestr("files/", "")
    return b.getvalue()


def mremoteng(nodes, old=False):
    def node(h, u, p, name):
        return ('<Node Name="%s" Type="Connection" Descr="" Icon="mRemoteNG" Panel="General" Id="%s" '
                'Username="%s" Domain="CORP" Password="%s" Hostname="%s" Protocol="RDP" Port="3389" '
                'ConnectToConsole="false" UseCredSsp="true" />' % (name, name.lower(), u, p, h))
    inner = "\n    ".join(node(*n) for n in nodes)
    if old:
        return ('<?xml version="1.0" encoding="utf-8"?>\n<Connections Name="Connections" Export="False" '
                'Protected="GiUis20DIbnYzWPcdaQKfjE2H5jh//L5v4RGrJMGNXuIq2CttB/d/BxaBP2LwRhY" ConfVersion="2.5">\n'
                '  <Node Name="Servers" Type="Container" Expanded="True" Descr="" Icon="mRemoteNG" Panel="General" '
                'Username="" Domain="" Password="" Hostname="" Protocol="RDP">\n    %s\n  </Node>\n</Connections>\n'
                % inner)
    return ('<?xml version="1.0" encoding="utf-8"?>\n<mrng:Connections xmlns:mrng="http://mremoteng.org" '
            'Name="Connections" Export="false" EncryptionEngine="AES" BlockCipherMode="GCM" KdfIterations="1000" '
            'FullFileEncryption="false" Protected="QcMB21irFadMtSQvX5ONMEh7X+TSqRX3uXO5DKShwpWEgzQ2YBWgD/uQ86zbtNC65Kbu3LKEdedcgDNO6N41Srqe" '
            'ConfVersion="2.6">\n    %s\n</mrng:Connections>\n' % inner)


def enc_pw(p):  # what mRemoteNG stores: base64 of salt+nonce+ciphertext; opaque here, not the clear value
    return base64.b64encode(b"\x11" * 16 + b"\x22" * 16 + p.encode()[::-1] + b"\x33" * 16).decode()


if which == "tune":
    store("clients-ftp.xml", "ftp-client-sites", 2, filezilla("Servers", [
        ("ftp.example.com", "webmaster", s("Summer2024!ftp")), ("10.4.0.7", "backup", s("Bk-Pass-77x"))]))
    store("winscp-settings.bak", "session-export", 1,
          "[Configuration\\Interface]\nRandomSeedFile=%%APPDATA%%\\winscp.rnd\n\n[Sessions\\admin@10.0.0.8]\n"
          "HostName=10.0.0.8\nUserName=admin\nPassword=%s\n" % s("A35C435B1E6D6E6C6B7A3D3C333D3B"))
    store("putty.txt", "session-export", 1,
          "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\router]\r\n"
          "\"HostName\"=\"10.0.0.1\"\r\n\"UserName\"=\"admin\"\r\n\"ProxyHost\"=\"proxy\"\r\n\"ProxyPassword\"=\"%s\"\r\n"
          % s("Proxy-Secret-2024"))
    store("servers.xml", "connection-manager", 2, mremoteng([
        ("10.1.1.10", "administrator", enc_pw(s("Dc01-Admin!")), "DC01"),
        ("10.1.1.11", "administrator", enc_pw(s("Fs01-Admin!")), "FS01")]))
    store("passwords.xml", "password-manager-export", 2, keepass([
        ("Mail", "https://mail.example.org", "bob", s("Tr0ub4dor&3")), ("NAS", "http://10.0.0.5", "admin", s("Nas-2023-pw"))]))
    store("vault-backup.json", "password-manager-export", 2, bitwarden([
        ("Router", "https://192.168.1.1", "admin", s("Rout3r!Pass")), ("Jira", "https://jira.corp.example", "jdoe", s("Xq7#mPw9vL2"))]))
    store("1p-export.zip", "password-manager-export", 1, onepux([("Mail", "https://mail.example.org", "alice", s("Alice-Mail-99"))]))
    store("bw.txt", "password-manager-export", 1,
          "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n"
          ",,login,Router,,,0,https://192.168.1.1,admin,%s,\n" % s("Rout3r!Csv1"))
    store("1p.txt", "password-manager-export", 2,
          "Title,Website,Username,Password,One-time password,Favorite status,Archived status,Tags,Notes\n"
          "Mail,https://mail.example.org,alice,%s,,Not favorite,Not archived,,\n"
          "VPN,vpn.example.org,alice.b,\"%s\",,Favorite,Not archived,work,\n" % (s("Tr0ub4dor&3x"), s("pa,ss;word77")))
    store("dashlane.dat", "password-manager-export", 2,
          "username,username2,username3,title,password,note,url,category,otpSecret\n"
          "bob@example.com,,,Amazon,%s,,https://www.amazon.com,Shopping,\n"
          "bob,,,\"NAS, home\",%s,,http://10.0.0.5:5000,Utilities,\n" % (s("Hunter2hunter2!"), s("K9!vQ2zP0wxy")))
    store("ftp-logins", "netrc", 2, "machine ftp.example.com login anonymous password %s\n"
          "machine 10.2.2.2 login deploy password %s\n" % (s("Guest-Pw-1"), s("Deploy-Pw-22")))
    store("db-access.txt", "pgpass", 2, "db1.corp:5432:sales:report:%s\n10.3.3.3:5432:*:postgres:%s\n"
          % (s("Rep0rt-Pw!"), s("Pg-Super-9")))
    store("settings.cfg", "env-file", 1, "APP_ENV=production\nDB_HOST=10.5.5.5\nDB_USER=app\nDB_PASSWORD=%s\n"
          % s("App-Db-Pw-2025"))
    store("jumphost.txt", "rdp-saved-password", 1, "screen mode id:i:2\r\nfull address:s:10.9.9.9\r\n"
          "username:s:CORP\\ops\r\npassword 51:b:%s\r\n" % s("01000000D08C9DDF0115D1118C7A00C04FC297EB0100"))
    # look-alikes: nothing to report
    w("feed.xml", '<?xml version="1.0"?>\n<rss version="2.0"><channel><title>News</title>'
      '<item><title>Password day</title></item></channel></rss>\n')
    w("package.json", json.dumps({"name": "app", "version": "1.0.0", "scripts": {"test": "jest"},
                                  "dependencies": {"express": "^4.18.2"}}, indent=2))
    w("app.ini", "[server]\nport=8080\nhost=0.0.0.0\n[log]\nlevel=info\n")
    w("users.csv", "id,name,email,department\n1,Alice,a@example.org,Sales\n2,Bob,b@example.org,IT\n")
    w("passwd.txt", "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n")
    w("policy.conf", "PASSWORD_MIN_LENGTH=12\nPASSWORD_MAX_AGE_DAYS=90\nLOCKOUT_THRESHOLD=5\n")
    innocent += ["feed.xml", "package.json", "app.ini", "users.csv", "passwd.txt", "policy.conf"]
else:
    store("recent.bak", "ftp-client-sites", 1, filezilla("RecentServers", [("files.example.net", "upload", s("Up-Load-2022"))],
                                                          encoded=False))
    store("export.reg.txt", "session-export", 2, "\ufeffWindows Registry Editor Version 5.00\r\n\r\n"
          "[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\root@10.6.0.2]\r\n"
          "\"HostName\"=\"10.6.0.2\"\r\n\"UserName\"=\"root\"\r\n\"Password\"=\"%s\"\r\n\r\n"
          "[HKEY_CURRENT_USER\\Software\\Martin Prikryl\\WinSCP 2\\Sessions\\web@10.6.0.3]\r\n"
          "\"HostName\"=\"10.6.0.3\"\r\n\"UserName\"=\"web\"\r\n\"Password\"=\"%s\"\r\n"
          % (s("A35C4E5B6F6C6D3E3D3F3A3B3C6E6F6C"), s("A35C4D5A6B6C6F3E3D303132333435")), "utf-16-le")
    store("sessions-backup.dat", "session-export", 1, "\ufeffWindows Registry Editor Version 5.00\r\n\r\n"
          "[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\core%%20switch]\r\n\"Present\"=dword:00000001\r\n"
          "\"HostName\"=\"10.6.1.1\"\r\n\"ProxyMethod\"=dword:00000003\r\n\"ProxyUsername\"=\"netops\"\r\n"
          "\"ProxyPassword\"=\"%s\"\r\n" % s("Sw1tch-Proxy!"), "utf-16-le")
    store("conns-2023.xml", "connection-manager", 3, mremoteng([
        ("10.7.0.%d" % k, "svc_rdp", enc_pw(s("Rdp-Host-%d!" % k)), "HOST%d" % k) for k in (1, 2, 3)], old=True))
    store("kp_export.txt", "password-manager-export", 2, keepass([
        ("Bank", "https://bank.example", "carol", s("B4nk-<Secret>&")), ("Wiki", "https://wiki.corp", "carol", s("W1ki-Pw-x"))],
        history=True, cdata=True))
    store("org-backup.dat", "password-manager-export", 3, bitwarden([
        ("core-sw", "ssh://10.8.0.1", "netadmin", s("Core-Sw-Pw1")), ("fw", "https://10.8.0.2", "admin", s("Fw-Admin-Pw2")),
        ("vcenter", "https://vc.corp", "administrator@vsphere.local", s("Vc-Pw-3!"))], org=True))
    w("bw-encrypted.json", bitwarden([], encrypted=True))
    store("archive.zip", "password-manager-export", 2, onepux([
        ("Door code", "office", None, s("Door-Code-4711")), ("Safe", "basement", None, s("Safe-Pw-0815"))], layout=2))
    store("pm.txt", "password-manager-export", 2, "Title,Url,Username,Password,Notes,Type\n"
          "Mail,https://mail.example.org,dave,%s,,Login\nShop,https://shop.example,dave,%s,,Login\n"
          % (s("Dave-Mail-1"), s("Dave-Shop-2")))
    store("lp.log", "password-manager-export", 2, "url,username,password,totp,extra,name,grouping,fav\n"
          "https://git.corp,erin,%s,,,Git,Work,0\nhttp://10.9.1.1,admin,%s,,,Printer,Devices,0\n"
          % (s("Erin-Git-7"), s("Printer-Pw-8")))
    store("auth", "netrc", 2, "machine backup.corp\n    login rsync\n    password %s\n\nmachine 10.2.3.4\n"
          "  login ftpuser\n  password %s\n" % (s("Rsync-Pw-33"), s("Ftp-User-44")))
    store("pg.conf", "pgpass", 1, "# reporting replica\n*:*:warehouse:etl:%s\n" % s("Etl-Pw-55"))
    store("deploy.properties", "env-file", 2, "export REDIS_HOST=10.4.4.4\nexport REDIS_PASSWORD=%s\n"
          "export API_TOKEN=%s\n" % (s("Redis-Pw-66"), s("tok-77-abcdef-1234567890")))
    store("server.rdp.txt", "rdp-saved-password", 1, "\ufeffscreen mode id:i:1\r\nuse multimon:i:0\r\n"
          "full address:s:rds.corp:3389\r\npassword 51:b:%s\r\n" % s("01000000D08C9DDF0115D1118C7A00C04FC297EB0200"),
          "utf-16-le")
    # look-alikes
    w("strings.xml", '<?xml version="1.0" encoding="utf-8"?>\n<resources>\n  <string name="password">Password</string>\n'
      '  <string name="login">Log in</string>\n</resources>\n')
    w("pom.xml", '<?xml version="1.0"?>\n<project><modelVersion>4.0.0</modelVersion><groupId>corp</groupId>'
      '<artifactId>app</artifactId><version>1.0</version></project>\n')
    w("shop.json", json.dumps({"items": [{"login": "alice", "qty": 2}], "total": 3}))
    w("app.service", "[Unit]\nDescription=App\n[Service]\nExecStart=/usr/bin/app\nEnvironment=MODE=prod\n"
      "[Install]\nWantedBy=multi-user.target\n")
    w("staff.csv", "name,login,phone\nAlice,alice,555-0101\nBob,bob,555-0102\n")
    w("limits.env", "MAX_CONNECTIONS=100\nTIMEOUT=30\n")
    innocent += ["bw-encrypted.json", "strings.xml", "pom.xml", "shop.json", "app.service", "staff.csv", "limits.env"]

with open(out.rstrip("/") + ".truth.json", "w") as f:
    json.dump({"stores": stores, "innocent": innocent, "secrets": secrets}, f, indent=1)
