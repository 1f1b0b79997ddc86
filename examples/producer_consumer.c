/* Producer/consumer (seed: an asyncio.Queue with three consumer tasks): a producer fills a queue
 * of 30 ids; three consumers each take the next id when their previous call completes, so at
 * most three calls run at once, and the work spreads over them. (Starting all 30 on a client
 * with max_concurrency = 3 also runs three at a time, see limited_concurrency.c; consumers are
 * for when each job's result decides what a consumer does next.)
 *   producer_consumer [BASE_URL] */
#include <stdio.h>

#include <torale/torale.h>

#include "example.h"

#define ITEMS 30
#define CONSUMERS 3

typedef struct queue {
  char ids[ITEMS][16];
  int head, tail;
} queue;

typedef struct consumer {
  int number, handled;
  queue *q;
  torale_client *client;
} consumer;

static void take_next(consumer *c);

static void on_execution(apic_call *call, int status, const torale_execution *e, const torale_error *err,
                         void *user_data)
{
  consumer *c = user_data;
  (void)call, (void)e, (void)err;
  c->handled += status == 0;
  take_next(c); /* this consumer is free again */
}

static void take_next(consumer *c)
{
  if (c->q->head == c->q->tail)
    return; /* the queue is empty: this consumer stops */
  const char *id = c->q->ids[c->q->head++];
  if (torale_executions_get_async(c->client, id, NULL, on_execution, c, NULL, NULL) != 0)
    take_next(c);
}

int main(int argc, char **argv)
{
  torale_client_options o = {.base_url = example_base(argc, argv)};
  torale_client *client = NULL;
  if (torale_client_new(&o, &client, NULL) != 0)
    return 1;
  queue q = {.head = 0, .tail = 0};
  for (int i = 0; i < ITEMS; i++) /* the producer */
    snprintf(q.ids[q.tail++], sizeof q.ids[0], "job-%d", i);
  consumer consumers[CONSUMERS];
  for (int i = 0; i < CONSUMERS; i++) {
    consumers[i] = (consumer){i + 1, 0, &q, client};
    take_next(&consumers[i]);
  }
  torale_client_run(client); /* until every consumer has stopped */
  int total = 0;
  for (int i = 0; i < CONSUMERS; i++) {
    printf("consumer %d handled %d jobs\n", consumers[i].number, consumers[i].handled);
    total += consumers[i].handled;
  }
  printf("%d of %d jobs done\n", total, ITEMS);
  torale_client_free(client, 0);
  return total == ITEMS ? 0 : 1;
}
