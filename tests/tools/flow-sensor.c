/* A simulated sensor for bench/central-bench.sh: one run that saves a day
 * of hourly flow summaries (HOSTS internal hosts x 24 hours x PEERS peers)
 * through the store, in inputs of 1000 hours of rows each, as a collector
 * would. Prints "rows SECONDS". usage: flow-sensor DB NAME HOSTS PEERS DAY */
#include "store/store.h"
#include "base/timeutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	if (argc != 6) {
		fprintf(stderr, "usage: flow-sensor DB NAME HOSTS PEERS DAY\n");
		return 2;
	}
	int hosts = atoi(argv[3]), peers = atoi(argv[4]);
	long day = atol(argv[5]);
	struct dm_err e = { "" };
	struct store *st = NULL;
	int64_t run = 0;
	if (hosts <= 0 || peers <= 0 || hosts > 65000 || store_open(argv[1], &st, &e) < 0 ||
	    store_set_sensor(st, argv[2], &e) < 0 ||
	    store_run_begin(st, "collect", argv[2], now_real(), &run, &e) < 0) {
		fprintf(stderr, "flow-sensor: %s\n", e.msg);
		store_close(st);
		return 1;
	}
	uint32_t site = (uint32_t)(strlen(argv[2]) * 131 + (unsigned char)argv[2][strlen(argv[2]) - 1]) &
			0xff;
	size_t cap = 1000, n = 0, rows = 0;
	struct flow_hour *v = calloc(cap, sizeof(*v));
	double t0 = now_mono();
	int r = 0, input = 0;
	for (int h = 0; h < 24 && r == 0; h++)
		for (int i = 0; i < hosts && r == 0; i++)
			for (int p = 0; p < peers && r == 0; p++) {
				struct flow_hour *x = &v[n++];
				*x = (struct flow_hour){ .hour = day * 24 + h,
							 .host =
							     ipaddr_v4(0x0a000000 | site << 16 | (uint32_t)i),
							 .peer = ipaddr_v4(0xcb007100 | (uint32_t)p),
							 .port = 443,
							 .proto = 6,
							 .flows = 3,
							 .bytes_up = 1000,
							 .bytes_down = 9000,
							 .pkts_up = 10,
							 .pkts_down = 12 };
				bool last = h == 23 && i == hosts - 1 && p == peers - 1;
				if (n < cap && !last) continue;
				char digest[96];
				bool known;
				snprintf(digest, sizeof(digest), "%s-%ld-%d", argv[2], day, input++);
				r = store_flow_save_hours(st, run, digest, v, n, &known, &e);
				rows += n;
				n = 0;
			}
	if (r == 0) r = store_run_finish(st, run, "done", now_real(), &e);
	if (r < 0) fprintf(stderr, "flow-sensor: %s\n", e.msg);
	printf("%zu %.3f\n", rows, now_mono() - t0);
	free(v);
	store_close(st);
	return r < 0;
}
