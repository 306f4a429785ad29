/* Helpers shared by the reporters. */
#include "report/report.h"

void format_port_ranges(struct buf *b, const uint16_t *ports, size_t n)
{
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j + 1 < n && ports[j + 1] == ports[j] + 1) j++;
		if (i) buf_putc(b, ',');
		if (j > i) buf_printf(b, "%u-%u", ports[i], ports[j]);
		else buf_printf(b, "%u", ports[i]);
		i = j + 1;
	}
}
