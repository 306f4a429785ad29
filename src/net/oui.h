/* MAC address vendors from the IEEE registry as Debian's ieee-data ships
 * it (/usr/share/ieee-data/oui.txt): the 24-bit OUI assignments. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

struct oui_db {
	uint32_t *prefix; /* sorted */
	char **vendor;
	size_t n;
};

#define OUI_DEFAULT_PATH "/usr/share/ieee-data/oui.txt"

/* A locally administered MAC (bit 1 of the first octet): set by software,
 * randomised per network by phones and laptops, so it has no registry entry
 * and says nothing durable about the device. */
static inline bool oui_mac_is_local(const uint8_t mac[6]) { return (mac[0] & 0x02) != 0; }

int oui_load(struct oui_db *db, const char *path, struct dm_err *e);
/* The registered vendor of mac, or NULL (unknown or locally administered). */
const char *oui_vendor(const struct oui_db *db, const uint8_t mac[6]);
void oui_release(struct oui_db *db);
