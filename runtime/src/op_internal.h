/* Shared by op.c, op_stream.c and op_pager.c; never installed. */
#ifndef APIC_OP_INTERNAL_H
#define APIC_OP_INTERNAL_H

#include <uv.h>

#include "apic/op.h"
#include "apic/url.h"
#include "codec.h"

/* One auth scheme of an API client, with its credential as it stands (refreshed by the token
 * provider: under the client's lock). */
typedef struct apic__scheme {
  apic_api *api;
  char *name, *param;
  apic_auth_kind kind;
  char *credential; /* NULL: none yet */
} apic__scheme;

struct apic_api {
  apic_client *client;
  char *base_url;
  char **headers;   /* the default headers */
  size_t n_headers;
  apic__scheme *schemes;
  size_t n_schemes;
  apic_token_fn token_fn;
  void *token_data;
  uv_mutex_t lock;  /* the schemes' credentials, and calls to token_fn */
  size_t pending;   /* typed async calls, streams, page walks and waits not ended; loop thread only */
  struct apic_lro *lros; /* waits not ended (op_lro.c): cancelled when the client is freed */
  int freeing;      /* apic_api_free on a caller's loop while work was pending: see apic__api_done */
  unsigned running; /* apic__api_run_until is running the owned loop: it frees a freed API after */
};

/* One operation's request, built: it owns every string req points to, but the files and
 * in-memory file data of a multipart body, which are the caller's (borrowed for the call). */
typedef struct built {
  apic_url url, log;  /* log: the URL with @sensitive values masked */
  char **headers;
  size_t n_headers, cap;
  char *body;
  size_t body_len;
  apic_part *parts;   /* a multipart body */
  char **part_texts;  /* parts[i]'s data when made here (a field's text), else NULL */
  size_t n_parts, cap_parts;
  char *credential;   /* the operation's scheme's, when it has one */
  apic_url *form;     /* while a form body is built: where parameter values go instead */
  int to_parts;       /* while a multipart body is built: values become parts */
  apic_request req;
} built;

/* Validates args and builds the request (APIC_ERR_INVALID_ARG with *err: nothing to send). */
int apic__op_build(built *b, apic_api *a, const apic_op_desc *op, const apic_op_args *args,
                   const apic_call_options *o, apic_error **err);
void apic__op_built_clear(built *b);
/* Where the value of a parameter field of obj is, or NULL when it is left out (unset, null,
 * or obj NULL). */
const void *apic__op_param_value(const apic_field_desc *f, const void *obj);
/* Whether op's result is text (string, date-time, date): handed out as a string of its own
 * (apic_free), not as a value. */
int apic__op_text_result(const apic_op_desc *op);
/* Frees a result apic__op_decode made. */
void apic__op_result_free(const apic_op_desc *op, void *result);
/* Decodes a 2xx response into a new value of op->result (*out NULL for NONE and STREAM); a
 * text result is a string (apic__op_text_result). */
int apic__op_decode(const apic_op_desc *op, const apic_response *r, void **out, apic_error **err);
/* One piece of pending work ended, after its callback ran: the last one frees an API freed
 * meanwhile (apic_api_free on a caller's loop). */
void apic__api_done(apic_api *a);
/* Runs the owned loop until *flag is set (NULL: until nothing is pending). */
int apic__api_run_until(apic_api *a, const int *flag);
/* Cancels every wait of a (apic_lro_cancel). */
void apic__lro_cancel_all(apic_api *a);

#endif
