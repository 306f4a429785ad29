/* Pieces of the HTML report that stand on their own (report-html-parts.c):
 * a finding's evidence as readable lists, and the command line with its
 * file arguments cut to base names. Both write escaped HTML into b. */
#pragma once
#include "base/buf.h"

/* The evidence JSON object as a <dl class="evidence">: member names as
 * terms (underscores as spaces), nested objects as nested lists, arrays of
 * plain values joined with commas, others as <ol>. Text that is not a JSON
 * object is shown as an escaped paragraph. */
void html_evidence(struct buf *b, const char *evidence);
/* args with every path reduced to its last component: "--flows
 * /srv/cap/mon.pcap" becomes "--flows mon.pcap"; addresses and prefixes
 * such as 10.0.0.0/24 stay as they are. */
void html_short_args(struct buf *b, const char *args);
