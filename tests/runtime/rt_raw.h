/* A bare TCP server on 127.0.0.1 (ephemeral port) for replies libmicrohttpd will not send: a
 * connection reset in the middle of a body, a header line of many megabytes. Each connection
 * gets the same bytes whatever it asked; the server stops after a few connections or at
 * rt_raw_stop. */
#ifndef RT_RAW_H
#define RT_RAW_H

#include <stddef.h>

typedef struct rt_raw rt_raw;

/* Answers each connection, once its request head arrived, with head, then fill bytes of 'x',
 * then closes: with a reset (RST, SO_LINGER 0) when reset is set. head must outlive the server. */
rt_raw *rt_raw_start(const char *head, size_t fill, int reset);
void rt_raw_stop(rt_raw *r);
const char *rt_raw_url(rt_raw *r);      /* "http://127.0.0.1:PORT" */
unsigned rt_raw_count(rt_raw *r);       /* connections answered so far */

#endif
