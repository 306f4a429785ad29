# Sourced by the lab tests and the services benchmark: the versions the lab's
# servers really run, read from the installed Debian packages (never from dormant).
nginx=$(nginx -v 2>&1 | sed -E 's/.*nginx\/([0-9.]+).*/\1/')
lighttpd=$(lighttpd -v | sed -E 's/^lighttpd\/([0-9.]+).*/\1/')
openssh=$(ssh -V 2>&1 | sed -E 's/^OpenSSH_([0-9.]+p[0-9]+).*/\1/')
vsftpd=$(dpkg-query -W -f='${Version}' vsftpd | sed -E 's/^([0-9.]+).*/\1/')
redis=$(redis-server --version | sed -E 's/.*v=([0-9.]+).*/\1/')
mosquitto=$(mosquitto -h 2>&1 | sed -nE 's/^mosquitto version ([0-9.]+).*/\1/p')
