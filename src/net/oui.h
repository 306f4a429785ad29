/* MAC address vendors from the IEEE registry as Debian's ieee-data ships
 * it (/usr/share/ieee-data/oui.txt): the 24-bit OUI assignments. */
#pragma once
#include <stddef.h>
#include <stdint.h>
#include "base/err.h"

struct oui_db {
	uint32_t *prefix; /* sorted */
	char **vendor;
	size_t n;
};

#define OUI_DEFAULT_PATH "/usr/share/ieee-data/oui.txt"

int oui_load(struct oui_db *db, const char *path, struct dm_err *e);
/* The registered vendor of mac, or NULL (unknown or locally administered). */
const char *oui_vendor(const struct oui_db *db, const uint8_t mac[6]);
void oui_release(struct oui_db *db);
