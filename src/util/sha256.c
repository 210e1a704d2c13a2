/*
 * sha256.c — SHA-256 through libsodium, as lowercase hex: file fingerprints for imports,
 * evidence content addresses, the data fingerprint of score snapshots.
 */
#include <sodium.h>

#include "util.h"

_Static_assert(sizeof(crypto_hash_sha256_state) <= sizeof(((cs__sha256 *)0)->state), "sha256 state fits");

void cs__sha256_hex(const void *bytes, size_t n, char out[65])
{
    cs__sha256 h;
    cs__sha256_init(&h);
    cs__sha256_update(&h, bytes, n);
    cs__sha256_final(&h, out);
}

void cs__sha256_init(cs__sha256 *h)
{
    crypto_hash_sha256_init((crypto_hash_sha256_state *)h->state);
}

void cs__sha256_update(cs__sha256 *h, const void *bytes, size_t n)
{
    crypto_hash_sha256_update((crypto_hash_sha256_state *)h->state, bytes, n);
}

void cs__sha256_final(cs__sha256 *h, char out[65])
{
    unsigned char d[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final((crypto_hash_sha256_state *)h->state, d);
    sodium_bin2hex(out, 65, d, sizeof d);
}
