/* Web applications behind an HTTP(S) service: the page (and its favicon)
 * matched against Recog's page databases (html_title, favicon.md5,
 * http_header.cookie, http_header.x-powered-by) and Wappalyzer's rules;
 * each application found goes into obs_service.apps with a CPE when the
 * rule names one, so the vulnerability matcher sees it. */
#pragma once
#include "model/obs.h"
#include "probe/fingerprint.h"
#include "probe/wappalyzer.h"
#include "probe/webpage.h"

/* Wappalyzer hits under this confidence are not reported. */
#define WEBAPPS_MIN_CONFIDENCE 50

/* fps and wa may be NULL (that database is not consulted). */
void webapps_from_page(const struct fp_set *fps, const struct wa_db *wa, const struct webpage *pg,
		       struct obs_service *o);
void webapps_from_favicon(const struct fp_set *fps, const char *md5_hex, struct obs_service *o);
/* Adds an application, or completes the one of that name (version, CPE). */
void webapps_add(struct obs_service *o, const char *name, const char *version, const char *cpe,
		 const char *source);
