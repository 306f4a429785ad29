#!/bin/sh
# A lab device that only greets: prints $BANNER with CRLF and holds the
# connection briefly, as a server announcing an old version would.
printf '%s\r\n' "$BANNER"
sleep 2
