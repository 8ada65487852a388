/* sigv4_int.h — internal helpers shared by the src/auth/ files (not for
 * other modules). */
#ifndef NB_AUTH_SIGV4_INT_H
#define NB_AUTH_SIGV4_INT_H
#include <openssl/evp.h>

/* A digest context initialised for SHA-256 (caller frees with EVP_MD_CTX_free). */
EVP_MD_CTX *auth__sha256_begin(void);
/* Finish ctx into 32 bytes; ctx can be re-begun with auth__sha256_restart. */
void auth__sha256_end(EVP_MD_CTX *ctx, unsigned char out[32]);
void auth__sha256_restart(EVP_MD_CTX *ctx);

#endif
