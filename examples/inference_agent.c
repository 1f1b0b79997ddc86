/* Agents (seed: `agent.send_message("Hello!")`, then `send_message("Tell me a story",
 * on_message=...)` printing the reply as it is written): a plain message and its reply, then a
 * reply streamed a word at a time to a callback and joined by the SDK at the end (the spec's
 * @accumulate), then one stopped after five words: its text is what was written so far.
 *   inference_agent [BASE_URL] */
#include <stdio.h>
#include <string.h>

#include <inference/inference.h>

#include "example.h"

typedef struct story {
  int pieces, stop_after; /* stop_after 0: read it all */
} story;

static int on_message(const inference_reply_chunk *chunk, void *user_data)
{
  story *s = user_data;
  fputs(chunk->text, stdout); /* the reply as it is written */
  fflush(stdout);
  return ++s->pieces == s->stop_after; /* nonzero stops the reply here */
}

int main(int argc, char **argv)
{
  inference_client_options o = {.base_url = example_base(argc, argv)};
  inference_client *client = NULL;
  if (inference_client_new(&o, &client, NULL) != 0)
    return 1;
  const char *agent = "assistant@latest";
  inference_error *err = NULL;
  inference_message *reply = NULL;
  inference_send_message hello = {.text = "Hello!"};
  int rc = inference_agents_send_message(client, agent, &hello, NULL, &reply, &err);
  if (rc == 0)
    printf("reply to Hello!: message %s from %s\n", reply->id, reply->agent);
  inference_message_free(reply);

  story whole = {0, 0}, cut = {0, 5};
  char *text = NULL;
  inference_send_message tell = {.text = "Tell me a story"};
  if (rc == 0 && (rc = inference_agents_stream_message(client, agent, &tell, NULL, on_message, &whole, &text, &err)) == 0)
    printf("\nthe whole reply: %d pieces, %zu characters\n", whole.pieces, strlen(text));
  apic_free(text);
  text = NULL;
  if (rc == 0 && (rc = inference_agents_stream_message(client, agent, &tell, NULL, on_message, &cut, &text, &err)) == 0)
    printf("\nstopped after %d pieces: \"%s\"\n", cut.pieces, text);
  apic_free(text);
  if (rc != 0)
    inference_error_print(err, stderr);
  inference_error_free(err);
  inference_client_free(client, 0);
  return rc == 0 ? 0 : 1;
}
