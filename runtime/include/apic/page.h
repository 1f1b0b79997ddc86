/* libapic: lazy page iteration. A pager holds the request for the next page; after each page a
 * caller-supplied function derives the following request from the response (a cursor in the body,
 * a Link header, an offset), or says it was the last. Generated paginated operations sit on it. */
#ifndef APIC_PAGE_H
#define APIC_PAGE_H

#include "apic/client.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct apic_pager apic_pager;

/** Fills *next with the request for the page after `page` and returns 1; returns 0 when `page`
 *  was the last, or a negative APIC_ERR_* code. `prev` is the request that fetched `page`.
 *  Strings in *next need only live until the function returns (the pager copies them). */
typedef int (*apic_page_next_fn)(void *user_data, const apic_response *page, const apic_request *prev,
                                 apic_request *next);

/** @brief A pager starting at `first` (copied). Nothing is sent until the first next call. */
APIC_EXPORT int apic_pager_new(apic_client *c, const apic_request *first, apic_page_next_fn next,
                               void *user_data, apic_pager **out);
/** 1 when the last page has been fetched (or a fetch or the next function failed). */
APIC_EXPORT int apic_pager_done(const apic_pager *p);
/** @brief Sync: fetches the next page (*page, caller frees). At the end returns 0 with *page NULL. */
APIC_EXPORT int apic_pager_next(apic_pager *p, apic_response **page, apic_error **err);
/** @brief Async: starts fetching the next page; cb gets it as apic_call_start's callback does. The
 *  following request is derived before cb runs, so cb may start the next fetch.
 *  @retval APIC_ERR_INVALID_ARG the pager is done, or a fetch is already running. */
APIC_EXPORT int apic_pager_next_async(apic_pager *p, apic_call_cb cb, void *user_data, apic_call **out,
                                      apic_error **err);
/** Frees the pager. Not while an async fetch is running (cancel it and let it complete). NULL ok. */
APIC_EXPORT void apic_pager_free(apic_pager *p);

#ifdef __cplusplus
}
#endif
#endif
