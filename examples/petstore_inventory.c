/* Print the inventory map (the Swagger petstore's getInventory): a map<int32> result, status to
 * count, handed out as an apic_int32_map (its entries in the server's order, one allocation,
 * freed with apic_value_free). The call authenticates with the API key, from $PETSTORE_API_KEY.
 *   petstore_inventory [BASE_URL] */
#include <stdio.h>

#include <petstore/petstore.h>

#include "example.h"

int main(int argc, char **argv)
{
  petstore_client_options o = {.base_url = example_base(argc, argv)};
  petstore_client *client = NULL;
  petstore_error *err = NULL;
  apic_int32_map *inventory = NULL;
  int rc = 1;
  if (petstore_client_new(&o, &client, &err) != 0)
    goto out;

  if (petstore_store_inventory(client, NULL, &inventory, &err) != 0)
    goto out;
  int64_t total = 0;
  printf("inventory: %zu statuses\n", inventory->count);
  for (size_t i = 0; i < inventory->count; i++) {
    printf("  %-12s %6d\n", inventory->items[i].key, (int)inventory->items[i].value);
    total += inventory->items[i].value;
  }
  printf("  %-12s %6lld\n", "(total)", (long long)total);
  rc = 0;
out:
  if (err != NULL)
    petstore_error_print(err, stderr);
  petstore_error_free(err);
  apic_value_free(inventory);
  petstore_client_free(client, 0);
  return rc;
}
