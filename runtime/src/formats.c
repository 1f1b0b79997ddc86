/* UUIDs and base64: the two text forms the codec checks besides RFC 3339 (datetime.c). */
#include "apic/formats.h"

#include <string.h>

static int is_hex(char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int apic_uuid_valid(const char *text)
{
  for (int i = 0; i < 36; i++) {
    int dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i]))
      return 0;
  }
  return text[36] == '\0';
}

static const char ALPHABET[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t apic_base64_encode(const uint8_t *data, size_t len, char *out)
{
  size_t n = 0;
  for (size_t i = 0; i < len; i += 3) {
    uint32_t v = (uint32_t)data[i] << 16 | (i + 1 < len ? (uint32_t)data[i + 1] << 8 : 0) |
                 (i + 2 < len ? data[i + 2] : 0);
    out[n++] = ALPHABET[v >> 18];
    out[n++] = ALPHABET[v >> 12 & 63];
    out[n++] = i + 1 < len ? ALPHABET[v >> 6 & 63] : '=';
    out[n++] = i + 2 < len ? ALPHABET[v & 63] : '=';
  }
  out[n] = '\0';
  return n;
}

/* The 6 bits a base64 character stands for (both alphabets), or -1. */
static int sextet(char c)
{
  if (c >= 'A' && c <= 'Z')
    return c - 'A';
  if (c >= 'a' && c <= 'z')
    return c - 'a' + 26;
  if (c >= '0' && c <= '9')
    return c - '0' + 52;
  return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
}

int apic_base64_decode(const char *text, size_t len, uint8_t *out, size_t *out_len)
{
  size_t pad = 0;
  while (pad < 2 && len > 0 && text[len - 1] == '=') /* padding only at the end */
    len--, pad++;
  if (len % 4 == 1 || (pad > 0 && (len + pad) % 4 != 0))
    return APIC_ERR_INVALID_ARG;
  size_t n = 0;
  uint32_t acc = 0;
  for (size_t i = 0; i < len; i++) {
    int s = sextet(text[i]);
    if (s < 0)
      return APIC_ERR_INVALID_ARG;
    acc = acc << 6 | (uint32_t)s;
    if (i % 4 == 3) {
      if (out != NULL)
        out[n] = (uint8_t)(acc >> 16), out[n + 1] = (uint8_t)(acc >> 8), out[n + 2] = (uint8_t)acc;
      n += 3;
    }
  }
  size_t rest = len % 4; /* 2 or 3 characters left: 1 or 2 bytes (unused low bits ignored) */
  if (rest >= 2 && out != NULL)
    out[n] = (uint8_t)(rest == 2 ? acc >> 4 : acc >> 10);
  if (rest == 3 && out != NULL)
    out[n + 1] = (uint8_t)(acc >> 2);
  n += rest == 0 ? 0 : rest - 1;
  *out_len = n;
  return 0;
}
