/* Upload a pet's photo from a file on disk (the Swagger petstore's uploadFile): a multipart
 * body whose file part libapic streams from the path as it is sent (through libcurl's mime API:
 * never read whole into memory), beside a text part. The pet is added first (addPet); both
 * calls authenticate with OAuth2's access token, from $PETSTORE_OAUTH.
 *   petstore_upload [BASE_URL [PHOTO]]   (no PHOTO: a small one written to /tmp first) */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <petstore/petstore.h>

#include "example.h"

/* A stand-in photo on disk, when none is given: its path in buf. */
static const char *write_photo(char *buf)
{
  int fd = mkstemp(buf);
  FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
  if (f == NULL)
    return NULL;
  for (int i = 0; i < 1000; i++) /* 32 KB */
    fprintf(f, "%031d\n", i);
  fclose(f);
  return buf;
}

int main(int argc, char **argv)
{
  char made[] = "/tmp/petstore-photo-XXXXXX";
  const char *photo = argc > 2 ? argv[2] : write_photo(made);
  petstore_client_options o = {.base_url = example_base(argc, argv)};
  petstore_client *client = NULL;
  petstore_error *err = NULL;
  petstore_pet *pet = NULL;
  petstore_api_response *answer = NULL;
  struct stat st;
  int rc = 1;
  if (photo == NULL || stat(photo, &st) != 0 || petstore_client_new(&o, &client, &err) != 0)
    goto out;

  const char *urls[] = {"https://example.com/rex.jpg"};
  petstore_pet body = {.name = "Rex", .photo_urls = urls, .photo_urls_count = 1,
                       .status = APIC_ENUM(petstore_pet_status, PETSTORE_PET_STATUS_AVAILABLE)};
  if (petstore_pet_add(client, &body, NULL, &pet, &err) != 0)
    goto out;
  printf("added pet %lld: %s\n", (long long)*pet->id, pet->name);

  /* The file part: a path (read as it is sent), the name the server sees, its content type. */
  apic_file file = {.path = photo, .filename = "rex.jpg", .content_type = "image/jpeg"};
  petstore_pet_upload_file_body upload = {.additional_metadata = "Rex, front view", .file = &file};
  if (petstore_pet_upload_file(client, *pet->id, &upload, NULL, &answer, &err) != 0)
    goto out;
  printf("uploaded %s (%lld bytes, streamed from disk) as a multipart file part\n", photo, (long long)st.st_size);
  printf("the server answered: code %d, type \"%s\", message \"%s\"\n", answer->code ? *answer->code : 0,
         answer->type ? answer->type : "", answer->message ? answer->message : "");
  rc = 0;
out:
  if (err != NULL)
    petstore_error_print(err, stderr);
  if (photo == made)
    unlink(made);
  petstore_error_free(err);
  petstore_api_response_free(answer);
  petstore_pet_free(pet);
  petstore_client_free(client, 0);
  return rc;
}
