/* Version ordering that is right for the products dormant meets: dotted
 * numbers of unequal length (1.0 = 1.0.0 < 1.0.1), OpenSSH's portable
 * releases (7.7p1 > 7.7, and NVD's 7.7 + update p1), OpenSSL's letter
 * releases (1.0.2k > 1.0.2 and < 1.0.2l), pre-releases (1.0-rc1 < 1.0,
 * alpha < beta < rc), and Debian epochs ("1:2.3", ignored). */
#pragma once

/* <0, 0, >0 like strcmp. */
int version_cmp(const char *a, const char *b);
/* Compares version and update together, as "version" followed by "update". */
int version_cmp_update(const char *va, const char *ua, const char *vb, const char *ub);
