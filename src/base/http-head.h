/* The head of an HTTP/1.x request as a tiny server reads it (`dormant
 * watch`'s /metrics): the request line's method and target, once the blank
 * line that ends the head has arrived. The bytes are the peer's: hostile. */
#pragma once
#include <stddef.h>

/* 1: the head is complete and method/target are filled (NUL-terminated,
 * cut to their sizes); 0: more bytes are needed; -1: not an HTTP request. */
int http_head_parse(const char *p, size_t n, char *method, size_t method_n, char *target, size_t target_n);
