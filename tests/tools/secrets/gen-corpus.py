#!/usr/bin/env python3
"""A labelled corpus for `dormant secrets`: password stores of every kind
the finder reads, innocent look-alikes, and hostile files. Writes DIR/ and
DIR/../truth.json: {"items": [[path, kind, entries], ...], "secrets": [...]}
(every clear secret planted, so tests can check no output holds one).
Deterministic (seeded). Usage: gen-corpus.py DIR [--scale N]"""
import base64, io, json, os, random, subprocess, sys, zipfile
from xml.sax.saxutils import escape as x

out = sys.argv[1]
scale = int(sys.argv[sys.argv.index("--scale") + 1]) if "--scale" in sys.argv else 0
rnd = random.Random(7)
os.makedirs(out, exist_ok=True)
items, secrets = [], []

def pw():
    w = rnd.choice(["Summer", "Winter", "Spring", "Autumn", "Beijing", "Welcome", "Dragon", "Tiger"])
    s = f"{w}{rnd.randint(2015, 2026)}{rnd.choice('!#$%&*@')}{rnd.choice('abcdefghkmnpqrstuvwxyz')}{rnd.randint(10,99)}"
    secrets.append(s)
    return s

def ip():
    return f"10.{rnd.randint(0, 255)}.{rnd.randint(0, 255)}.{rnd.randint(1, 254)}"

def user():
    return rnd.choice(["admin", "root", "administrator", "ops", "svc_backup", "dbadmin", "netadmin", "sa"])

def w(path, data, mode="w"):
    p = os.path.join(out, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    with open(p, mode + ("b" if isinstance(data, bytes) else ""), **({} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""})) as f:
        f.write(data)
    return p

def item(path, kind, n):
    items.append([path, kind, n])

# --- credential tables in text ---
rows = [(ip(), user(), pw()) for _ in range(30)]
w("ops/clients.csv", "host,username,password,notes\r\n" + "".join(f"{h},{u},{p},client {i}\r\n" for i, (h, u, p) in enumerate(rows)))
item("ops/clients.csv", "password-table", 30)
rows = [(ip(), user(), pw()) for _ in range(12)]
w("ops/servers.txt", "".join(f"{h}   {u}   {p}\n" for h, u, p in rows))
item("ops/servers.txt", "password-table", 12)
rows = [(ip(), user(), pw()) for _ in range(5)]
w("ops/客户密码.csv", "主机,用户名,密码\n" + "".join(f"{h},{u},{p}\n" for h, u, p in rows))
item("ops/客户密码.csv", "password-table", 5)
rows = [(f"sw{i:02d}.corp.example", user(), pw()) for i in range(8)]
w("ops/switches.tsv", "Device\tLogin\tPwd\n" + "".join(f"{h}\t{u}\t{p}\n" for h, u, p in rows))
item("ops/switches.tsv", "password-table", 8)
# --- exports ---
rows = [(f"site{i}", f"https://s{i}.example.com", f"u{i}@example.com", pw()) for i in range(6)]
w("Downloads/Chrome Passwords.csv", "name,url,username,password,note\n" + "".join(f"{a},{b},{c},{d},\n" for a, b, c, d in rows))
item("Downloads/Chrome Passwords.csv", "browser-export", 6)
rows = [(f"https://m{i}.example.org", f"u{i}", pw()) for i in range(4)]
w("Downloads/logins.csv", '"url","username","password","httpRealm","formActionOrigin","guid","timeCreated","timeLastUsed","timePasswordChanged"\n'
  + "".join(f'"{a}","{b}","{c}",,"{a}","{{{i}}}","1","1","1"\n' for i, (a, b, c) in enumerate(rows)))
item("Downloads/logins.csv", "browser-export", 4)
rows = [(f"acct{i}", f"user{i}", pw(), f"https://k{i}.example.net") for i in range(7)]
w("Downloads/keepass.csv", '"Account","Login Name","Password","Web Site","Comments"\n' + "".join(f'"{a}","{b}","{c}","{d}",""\n' for a, b, c, d in rows))
item("Downloads/keepass.csv", "password-manager-export", 7)
rows = [(f"b{i}", f"https://b{i}.example.com", f"bu{i}", pw()) for i in range(3)]
w("Downloads/bitwarden_export.csv", "folder,favorite,type,name,notes,fields,reprompt,login_uri,login_username,login_password,login_totp\n"
  + "".join(f",,login,{a},,,0,{b},{c},{d},\n" for a, b, c, d in rows))
item("Downloads/bitwarden_export.csv", "password-manager-export", 3)
# --- inline and command lines ---
p1, p2 = pw(), pw()
w("notes/handover.txt", f"Handover notes\n\nThe backup NAS is at 10.1.2.3\nuser: backup\npassword: {p1}\n\nFirewall: see wiki.\nThe root password is {p2}\n")
item("notes/handover.txt", "inline-credentials", 2)
p1, p2, p3 = pw(), pw(), pw()
w("home/ops/.bash_history", f"ls -la\nsshpass -p '{p1}' ssh -o StrictHostKeyChecking=no root@10.9.8.7\nmysql -u root -p{p2} -h db1.corp.example\ncurl -u admin:{p3} https://10.9.8.8/api\ncd /tmp\n")
item("home/ops/.bash_history", "command-line-passwords", 3)
p1 = pw()
w("notes/deploy.md", f"Deploy with `git push`.\nDatabase: postgresql://app:{p1}@db2.corp.example:5432/app\n")
item("notes/deploy.md", "inline-credentials", 1)
# --- connection files ---
p1, p2 = pw(), pw()
w("home/ops/.netrc", f"machine ftp.corp.example login upload password {p1}\nmachine 10.3.3.3\n  login backup\n  password {p2}\n")
item("home/ops/.netrc", ".netrc", 0); items.pop(); item("home/ops/.netrc", "netrc", 2)
p1 = pw()
w("home/ops/.pgpass", f"# comment\ndb3.corp.example:5432:*:postgres:{p1}\n")
item("home/ops/.pgpass", "pgpass", 1)
p1, p2 = pw(), pw()
w("app/.env", f"DB_HOST=db4.corp.example\nDB_USER=app\nDB_PASSWORD={p1}\nSTRIPE_API_KEY={p2}\nDEBUG=true\nREDIS_PASSWORD=${{REDIS_PASS}}\n")
item("app/.env", "env-file", 2)
w("home/ops/jump.rdp", "full address:s:10.4.4.4\r\nusername:s:CORP\\ops\r\nprompt for credentials:i:0\r\npassword 51:b:01000000D08C9DDF0115D1118C7A00C04FC297EB01000000\r\n")
item("home/ops/jump.rdp", "rdp-saved-password", 1)
p1 = pw()
reg = ("Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\Software\\SimonTatham\\PuTTY\\Sessions\\core]\r\n"
       f'"HostName"="10.5.5.5"\r\n"UserName"="root"\r\n"ProxyPassword"="{p1}"\r\n')
w("home/ops/putty-sessions.reg", b"\xff\xfe" + reg.encode("utf-16-le"))
item("home/ops/putty-sessions.reg", "session-export", 1)
w("home/ops/WinSCP.ini", "[Sessions\\backup@10.6.6.6]\nHostName=10.6.6.6\nUserName=backup\nPassword=A35C435B9556B1237C2B0D8E1A333D322E3C\n")
item("home/ops/WinSCP.ini", "session-export", 1)
p1 = pw()
w("home/ops/.config/filezilla/sitemanager.xml", f'<?xml version="1.0"?>\n<FileZilla3><Servers><Server><Host>ftp.corp.example</Host><Port>21</Port><User>web</User>'
  f'<Pass encoding="base64">{base64.b64encode(p1.encode()).decode()}</Pass></Server></Servers></FileZilla3>\n')
secrets.append(base64.b64encode(p1.encode()).decode())
item("home/ops/.config/filezilla/sitemanager.xml", "ftp-client-sites", 1)
# --- keys ---
def keygen(path, pw_=""):
    p = os.path.join(out, path)
    os.makedirs(os.path.dirname(p), exist_ok=True)
    if os.path.exists(p): os.unlink(p)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", pw_, "-f", p], check=True)
    os.unlink(p + ".pub")
keygen("home/ops/.ssh/id_ed25519")
item("home/ops/.ssh/id_ed25519", "private-key", 1)
keygen("home/ops/.ssh/id_protected", "a passphrase")
os.makedirs(os.path.join(out, "certs"), exist_ok=True)
subprocess.run(["openssl", "genrsa", "-out", os.path.join(out, "certs/server.key"), "2048"], check=True, capture_output=True)
item("certs/server.key", "private-key", 1)
subprocess.run(["openssl", "genrsa", "-aes256", "-passout", "pass:secret1", "-out", os.path.join(out, "certs/locked.key"), "2048"], check=True, capture_output=True)

# --- office documents ---
def xlsx(path, table):
    strings, idx = [], {}
    def si(v):
        if v not in idx:
            idx[v] = len(strings); strings.append(v)
        return idx[v]
    rows_xml = []
    for r, row in enumerate(table, 1):
        cells = "".join(f'<c r="{chr(65 + c)}{r}" t="s"><v>{si(v)}</v></c>' for c, v in enumerate(row))
        rows_xml.append(f'<row r="{r}">{cells}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
             f'<sheetData>{"".join(rows_xml)}</sheetData></worksheet>')
    sst = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
           + "".join(f"<si><t>{x(s)}</t></si>" for s in strings) + "</sst>")
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/sharedStrings.xml", sst)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return w(path, b.getvalue())

def ods(path, table):
    rows_xml = "".join("<table:table-row>" + "".join(f"<table:table-cell office:value-type=\"string\"><text:p>{x(v)}</text:p></table:table-cell>" for v in row)
                       + "</table:table-row>" for row in table)
    content = ('<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0">'
               f'<office:body><office:spreadsheet><table:table table:name="Sheet1">{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>')
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("content.xml", content)
    return w(path, b.getvalue())

def docx(path, paras, table=None):
    body = "".join(f"<w:p><w:r><w:t>{x(p)}</w:t></w:r></w:p>" for p in paras)
    if table:
        body += "<w:tbl>" + "".join("<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{x(v)}</w:t></w:r></w:p></w:tc>" for v in row) + "</w:tr>" for row in table) + "</w:tbl>"
    doc = ('<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           f"<w:body>{body}</w:body></w:document>")
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", doc)
    return w(path, b.getvalue())

xlsx("ops/customers.xlsx", [["Customer", "Management IP", "Username", "Password"]] + [[f"Bank {i}", ip(), user(), pw()] for i in range(40)])
item("ops/customers.xlsx!xl/worksheets/sheet1.xml", "password-table", 40)
ods("ops/routers.ods", [["Router", "Address", "Login", "Kennwort"]] + [[f"r{i}", ip(), user(), pw()] for i in range(9)])
item("ops/routers.ods!content.xml", "password-table", 9)
docx("ops/runbook.docx", ["Runbook for the billing cluster.", "Access the console with the credentials below."],
     [["Host", "User", "Password"]] + [[ip(), user(), pw()] for _ in range(4)])
item("ops/runbook.docx!word/document.xml", "password-table", 4)
p1 = pw()
docx("notes/letter.docx", ["Dear admin,", f"your new password: {p1}", "Regards"])
item("notes/letter.docx!word/document.xml", "inline-credentials", 1)
# --- archives ---
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("old/creds.csv", "ip,user,password\n" + "".join(f"{ip()},{user()},{pw()}\n" for _ in range(3)))
    z.writestr("old/readme.txt", "nothing here\n")
inner = b.getvalue()
w("backup/old-laptop.zip", inner)
item("backup/old-laptop.zip!old/creds.csv", "password-table", 3)
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("inner.zip", inner)
w("backup/nested.zip", b.getvalue())
item("backup/nested.zip!inner.zip!old/creds.csv", "password-table", 3)

# --- innocent look-alikes (no item) ---
w("lookalike/phones.csv", "name,phone,email\n" + "".join(f"Person {i},+86-10-{rnd.randint(10000000, 99999999)},p{i}@example.com\n" for i in range(50)))
w("lookalike/inventory.csv", "hostname,ip,location,owner\n" + "".join(f"web{i:02d},{ip()},rack{i % 5},alice\n" for i in range(50)))
w("lookalike/access.log", "".join(f'{ip()} - - [01/Jan/2026:00:00:{i % 60:02d} +0000] "GET /login HTTP/1.1" 200 512\n' for i in range(200)))
w("lookalike/README.md", "# Setup\n\nForgot your password? Reset it at the portal.\nPasswords must be 12 characters.\n")
w("lookalike/app.conf", "[db]\nhost = db.example\nuser = app\npassword = ${DB_PASSWORD}\n# password: <your password here>\npassword_min_length = 12\n")
xlsx("lookalike/assets.xlsx", [["Asset", "IP", "Location", "Owner"]] + [[f"pc{i}", ip(), f"floor {i % 3}", "bob"] for i in range(20)])
docx("lookalike/policy.docx", ["Password policy", "Passwords are changed every 90 days.", "Never write a password down."])
w("lookalike/versions.txt", "".join(f"10.0.0.{i} nginx 1.{i}.0\n" for i in range(1, 30)))

# --- hostile files (no item; the scan must go on) ---
w("hostile/binary.csv", bytes(rnd.getrandbits(8) for _ in range(4096)))
w("hostile/truncated.xlsx", open(os.path.join(out, "ops/customers.xlsx"), "rb").read()[:300])
w("hostile/notzip.docx", b"PK\x03\x04 this is not really a zip")
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.txt", b"\0" * (300 << 20))   # 300 MB of zeros: past the member cap
w("hostile/bomb.zip", b.getvalue())
# the same, but both headers claim 1000 bytes: what is decompressed must count
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("zeros.txt", b"\0" * (100 << 20))
liar = bytearray(b.getvalue())
for sig, at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
    o = liar.find(sig)
    liar[o + at:o + at + 4] = (1000).to_bytes(4, "little")
w("hostile/liar.zip", bytes(liar))
lol = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)) + ']>'
b = io.BytesIO()
with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", "<workbook/>")
    z.writestr("xl/sharedStrings.xml", lol + '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t>&lol9;</t></si></sst>')
    z.writestr("xl/worksheets/sheet1.xml", lol + '<worksheet><sheetData><row><c t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>')
w("hostile/xmlbomb.xlsx", b.getvalue())
w("hostile/hugeline.txt", "password: " + "x" * (8 << 20) + "\n")
b = io.BytesIO()
deep = b"ip,user,password\n10.0.0.1,admin,NotReached2024!x1\n"
with zipfile.ZipFile(b, "w") as z: z.writestr("t.csv", deep)
for _ in range(5):
    d = b.getvalue(); b = io.BytesIO()
    with zipfile.ZipFile(b, "w") as z: z.writestr("d.zip", d)
w("hostile/deep.zip", b.getvalue())
secrets.append("NotReached2024!x1")

# --- bulk for the benchmark: innocent text and some tables ---
for i in range(scale):
    lines = []
    for k in range(20000):
        lines.append(f"{k} the quick brown fox {rnd.randint(0, 1 << 30)} jumps over the lazy dog; report line {i}.{k}\n")
    w(f"bulk/doc{i:04d}.txt", "".join(lines))
    if i % 50 == 0:
        rows = [(ip(), user(), pw()) for _ in range(10)]
        w(f"bulk/table{i:04d}.csv", "host,user,password\n" + "".join(f"{h},{u},{p}\n" for h, u, p in rows))
        item(f"bulk/table{i:04d}.csv", "password-table", 10)

json.dump({"items": items, "secrets": secrets}, open(os.path.join(os.path.dirname(os.path.abspath(out)), "truth.json"), "w"), ensure_ascii=False, indent=0)
