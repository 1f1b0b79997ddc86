/* Producer and consumers (seed: an asyncio.Queue of 20 items, three consumers each awaiting
 * `client.run` for the next item): the producer fills a queue; three consumers each start a
 * run for the next item and take another when it completes, until the queue is empty. All of
 * it on one loop: a consumer is a chain of callbacks, not a thread.
 *   inference_queue [BASE_URL] */
#include <stdio.h>

#include <inference/inference.h>

#include "example.h"

#define ITEMS 20
#define CONSUMERS 3

typedef struct queue {
  int items[ITEMS], head, tail, processed;
  inference_client *client;
} queue;

typedef struct consumer {
  queue *q;
  int id, item, handled;
} consumer;

static void take_next(consumer *c);

static void on_done(apic_lro *lro, int status, const inference_run *run, const inference_error *err, void *user_data)
{
  consumer *c = user_data;
  (void)lro, (void)run, (void)err;
  if (status == 0) {
    printf("Consumer %d processed %d\n", c->id, c->item);
    c->handled++;
    c->q->processed++;
  }
  take_next(c);
}

/* The consumer's next item, if the queue has one. */
static void take_next(consumer *c)
{
  queue *q = c->q;
  if (q->head == q->tail)
    return; /* the queue is empty: this consumer stops */
  c->item = q->items[q->head++];
  cJSON *input = cJSON_CreateObject();
  cJSON_AddNumberToObject(input, "data", c->item);
  inference_run_request req = {.app = "processor", .input = input};
  inference_runs_run_and_wait_async(q->client, &req, NULL, NULL, on_done, c, NULL, NULL);
  cJSON_Delete(input);
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  queue q = {.head = 0};
  if (inference_client_new(&o, &q.client, NULL) != 0)
    return 1;
  for (int i = 0; i < ITEMS; i++) /* the producer */
    q.items[q.tail++] = i;
  consumer consumers[CONSUMERS];
  for (int k = 0; k < CONSUMERS; k++) {
    consumers[k] = (consumer){&q, k + 1, -1, 0};
    take_next(&consumers[k]);
  }
  inference_client_run(q.client); /* until the consumers have emptied the queue */
  for (int k = 0; k < CONSUMERS; k++)
    printf("consumer %d handled %d items\n", consumers[k].id, consumers[k].handled);
  printf("%d of %d items processed\n", q.processed, ITEMS);
  inference_client_free(q.client, 0);
  return q.processed == ITEMS ? 0 : 1;
}
