/* kms_crypto.c — Encrypt, Decrypt, GenerateDataKey(WithoutPlaintext).
 *
 * A ciphertext blob names its key, so Decrypt needs no KeyId:
 *     "NK" | version 1 | key id (36 ASCII bytes) | nonce (12) | AES-256-GCM ciphertext | tag (16)
 * The associated data is the blob's first 39 bytes followed by the encryption
 * context in a canonical form (pairs sorted by key, each key and value preceded
 * by its 4-byte big-endian length), so the same context — in any order — is
 * needed to decrypt, and a blob cannot be re-labelled with another key id.
 * Nonces are 96 random bits per blob. */
#include "kms/kms.h"
#include "core/util.h"
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>

#define BLOB_HDR   39
#define NONCE_LEN  12
#define TAG_LEN    16
#define BLOB_MIN   (BLOB_HDR + NONCE_LEN + TAG_LEN)
#define MAX_PLAIN  4096

static void put_len(nb_buf_t *b, size_t n)
{
    unsigned char l[4] = { (unsigned char)(n >> 24), (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n };
    nb_buf_append(b, l, 4);
}

/* Canonical encryption context into aad (appended). 0, or -1 after replying. */
static int context_aad(nb_req_t *req, nb_buf_t *aad)
{
    json_t *ctx = json_object_get(req->json, "EncryptionContext");
    if (!ctx || json_is_null(ctx)) return 0;
    if (!json_is_object(ctx)) {
        nb_reply_error(req, NB_ERR_SERIALIZATION, "%s", "Start of structure or map found where not expected.");
        return -1;
    }
    size_t n = json_object_size(ctx), i = 0;
    const char **keys = nb_arena_alloc(req->arena, (n ? n : 1) * sizeof *keys);
    const char *k;
    json_t *v;
    json_object_foreach(ctx, k, v) {
        if (!json_is_string(v)) {
            nb_reply_error(req, NB_ERR_SERIALIZATION, "%s", "Unexpected value type in EncryptionContext");
            return -1;
        }
        keys[i++] = k;
    }
    qsort(keys, n, sizeof *keys, nb_cmp_str);
    for (i = 0; i < n; i++) {
        const char *val = json_string_value(json_object_get(ctx, keys[i]));
        put_len(aad, strlen(keys[i]));
        nb_buf_puts(aad, keys[i]);
        put_len(aad, strlen(val));
        nb_buf_puts(aad, val);
    }
    return 0;
}

/* 32 bytes of the key's material into out. 0 or -1. */
static int material(const kms_key_t *k, unsigned char out[32])
{
    const char *m = json_string_value(json_object_get(k->rec, "Material"));
    nb_buf_t b = NB_BUF_INIT;
    int ok = m && nb_base64_decode(&b, m, strlen(m)) == 0 && b.len == 32;
    if (ok) memcpy(out, b.data, 32);
    if (b.data) OPENSSL_cleanse(b.data, b.len);
    nb_buf_free(&b);
    return ok ? 0 : -1;
}

/* Seal pt under k into blob (appended). 0 or -1. */
static int seal(const kms_key_t *k, const nb_buf_t *ctx_aad, const void *pt, size_t n, nb_buf_t *blob)
{
    unsigned char key[32];
    if (material(k, key) != 0) return -1;
    size_t start = blob->len;
    nb_buf_append(blob, "NK\x01", 3);
    nb_buf_append(blob, k->id, 36);
    nb_buf_reserve(blob, NONCE_LEN + n + TAG_LEN);
    unsigned char *nonce = (unsigned char *)blob->data + blob->len;
    unsigned char *ct = nonce + NONCE_LEN;
    int ok = RAND_bytes(nonce, NONCE_LEN) == 1;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, fin = 0;
    ok = ok && c && EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
         EVP_EncryptInit_ex(c, NULL, NULL, key, nonce) == 1 &&
         EVP_EncryptUpdate(c, NULL, &outl, (unsigned char *)blob->data + start, BLOB_HDR) == 1 &&
         (!ctx_aad->len || EVP_EncryptUpdate(c, NULL, &outl, (unsigned char *)ctx_aad->data, (int)ctx_aad->len) == 1) &&
         EVP_EncryptUpdate(c, ct, &outl, pt, (int)n) == 1 &&
         EVP_EncryptFinal_ex(c, ct + outl, &fin) == 1 &&
         EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, TAG_LEN, ct + n) == 1;
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(key, sizeof key);
    if (!ok) return -1;
    blob->len += NONCE_LEN + n + TAG_LEN;
    return 0;
}

/* Open blob (raw bytes) under k into pt (n = blob length - BLOB_MIN). 0 or -1. */
static int open_blob(const kms_key_t *k, const nb_buf_t *ctx_aad, const unsigned char *blob, size_t blen,
                     unsigned char *pt)
{
    unsigned char key[32];
    if (material(k, key) != 0) return -1;
    size_t n = blen - BLOB_MIN;
    const unsigned char *nonce = blob + BLOB_HDR, *ct = nonce + NONCE_LEN;
    unsigned char tag[TAG_LEN];
    memcpy(tag, ct + n, TAG_LEN);
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    int outl = 0, fin = 0;
    int ok = c && EVP_DecryptInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, NONCE_LEN, NULL) == 1 &&
             EVP_DecryptInit_ex(c, NULL, NULL, key, nonce) == 1 &&
             EVP_DecryptUpdate(c, NULL, &outl, blob, BLOB_HDR) == 1 &&
             (!ctx_aad->len || EVP_DecryptUpdate(c, NULL, &outl, (unsigned char *)ctx_aad->data, (int)ctx_aad->len) == 1) &&
             (n == 0 || EVP_DecryptUpdate(c, pt, &outl, ct, (int)n) == 1) &&
             EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, TAG_LEN, tag) == 1 &&
             EVP_DecryptFinal_ex(c, pt + outl, &fin) == 1;
    EVP_CIPHER_CTX_free(c);
    OPENSSL_cleanse(key, sizeof key);
    return ok ? 0 : -1;
}

int kms__blob_key_id(const char *b64, char id[40])
{
    nb_buf_t b = NB_BUF_INIT;
    int ok = b64 && nb_base64_decode(&b, b64, strlen(b64)) == 0 && b.len >= BLOB_MIN &&
             memcmp(b.data, "NK\x01", 3) == 0;
    if (ok) {
        memcpy(id, b.data + 3, 36);
        id[36] = 0;
        ok = kms__is_uuid(id);   /* else raw bytes would be looked up and quoted back */
    }
    nb_buf_free(&b);
    return ok ? 0 : -1;
}

static json_t *b64_string(const void *p, size_t n)
{
    nb_buf_t b = NB_BUF_INIT;
    nb_base64_encode(&b, p, n);
    json_t *s = json_stringn(b.data ? b.data : "", b.len);
    if (b.data) OPENSSL_cleanse(b.data, b.len);
    nb_buf_free(&b);
    return s;
}

/* Resolve KeyId for an encryption (key must be Enabled). txn aborted on return. 0 or -1 after replying. */
static int key_for_encrypt(nb_req_t *req, kms_key_t *k)
{
    const char *id = kms__required(req, "KeyId", "keyId");
    if (!id) return -1;
    store_txn_t *t = kms__begin(req, STORE_READ);
    if (!t) return -1;
    int rc = kms__resolve(req, t, id, 1, k);
    store_abort(t);
    if (rc != 0) return -1;
    if (kms__caller_may_change(req, k) != 0 || kms__usable(req, k) != 0) { json_decref(k->rec); return -1; }
    return 0;
}

static int check_algorithm(nb_req_t *req)
{
    const char *alg = json_string_value(json_object_get(req->json, "EncryptionAlgorithm"));
    if (!alg || strcmp(alg, "SYMMETRIC_DEFAULT") == 0) return 0;
    if (strcmp(alg, "RSAES_OAEP_SHA_1") == 0 || strcmp(alg, "RSAES_OAEP_SHA_256") == 0 || strcmp(alg, "SM2PKE") == 0)
        nb_reply_error(req, NB_ERR_KMS_INVALID_KEY_USAGE, "The encryption algorithm %s is not compatible "
                       "with the type of key specified.", alg);
    else
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'encryptionAlgorithm' "
                       "failed to satisfy constraint: Member must satisfy enum value set: [SYMMETRIC_DEFAULT, "
                       "RSAES_OAEP_SHA_1, RSAES_OAEP_SHA_256, SM2PKE]", alg);
    return -1;
}

void kms_op_encrypt(nb_req_t *req)
{
    const char *p64 = json_string_value(json_object_get(req->json, "Plaintext"));
    if (!p64) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value null at 'plaintext' failed to "
                       "satisfy constraint: Member must not be null");
        return;
    }
    nb_buf_t pt = NB_BUF_INIT, aad = NB_BUF_INIT, blob = NB_BUF_INIT;
    if (nb_base64_decode(&pt, p64, strlen(p64)) != 0) {
        nb_reply_error(req, NB_ERR_SERIALIZATION, "%s", "Could not decode Plaintext as base64");
        goto out;
    }
    if (pt.len < 1 || pt.len > MAX_PLAIN) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value at 'plaintext' failed to "
                       "satisfy constraint: Member must have length %s",
                       pt.len ? "less than or equal to 4096" : "greater than or equal to 1");
        goto out;
    }
    if (check_algorithm(req) != 0 || context_aad(req, &aad) != 0) goto out;
    kms_key_t k;
    if (key_for_encrypt(req, &k) != 0) goto out;
    int rc = seal(&k, &aad, pt.data, pt.len, &blob);
    const char *arn = kms__key_arn(req, k.id);
    json_decref(k.rec);
    if (rc != 0) { nb_reply_error(req, NB_ERR_KMS_INTERNAL, "%s", "Internal error"); goto out; }
    nb_reply_json(req, 200, json_pack("{s:o, s:s, s:s}", "CiphertextBlob", b64_string(blob.data, blob.len),
                                      "KeyId", arn, "EncryptionAlgorithm", "SYMMETRIC_DEFAULT"));
out:
    if (pt.data) OPENSSL_cleanse(pt.data, pt.len);
    nb_buf_free(&pt);
    nb_buf_free(&aad);
    nb_buf_free(&blob);
}

void kms_op_decrypt(nb_req_t *req)
{
    const char *c64 = json_string_value(json_object_get(req->json, "CiphertextBlob"));
    if (!c64) {
        nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value null at 'ciphertextBlob' "
                       "failed to satisfy constraint: Member must not be null");
        return;
    }
    nb_buf_t blob = NB_BUF_INIT, aad = NB_BUF_INIT;
    unsigned char *pt = NULL;
    size_t n = 0;
    if (check_algorithm(req) != 0 || context_aad(req, &aad) != 0) goto out;
    char id[40];
    if (nb_base64_decode(&blob, c64, strlen(c64)) != 0 || blob.len < BLOB_MIN ||
        memcmp(blob.data, "NK\x01", 3) != 0 || kms__blob_key_id(c64, id) != 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_CIPHERTEXT, "%s", "");
        goto out;
    }
    store_txn_t *t = kms__begin(req, STORE_READ);
    if (!t) goto out;
    const char *want = json_string_value(json_object_get(req->json, "KeyId"));
    kms_key_t k, wk = {0};
    if (want && kms__resolve(req, t, want, 1, &wk) != 0) { store_abort(t); goto out; }
    int rc = kms__resolve(req, t, id, 0, &k);
    store_abort(t);
    if (rc != 0) { json_decref(wk.rec); goto out; }   /* replied NotFound */
    if (wk.rec && strcmp(wk.id, k.id) != 0) {
        json_decref(wk.rec);
        json_decref(k.rec);
        nb_reply_error(req, NB_ERR_KMS_INCORRECT_KEY, "%s",
                       "The key ID in the request does not identify a CMK that can perform this operation.");
        goto out;
    }
    json_decref(wk.rec);
    if (kms__caller_may_change(req, &k) != 0 || kms__usable(req, &k) != 0) { json_decref(k.rec); goto out; }
    n = blob.len - BLOB_MIN;
    pt = malloc(n ? n : 1);
    rc = open_blob(&k, &aad, (unsigned char *)blob.data, blob.len, pt);
    const char *arn = kms__key_arn(req, k.id);
    json_decref(k.rec);
    if (rc != 0) {
        nb_reply_error(req, NB_ERR_KMS_INVALID_CIPHERTEXT, "%s", "");
        goto out;
    }
    nb_reply_json(req, 200, json_pack("{s:s, s:o, s:s}", "KeyId", arn, "Plaintext", b64_string(pt, n),
                                      "EncryptionAlgorithm", "SYMMETRIC_DEFAULT"));
out:
    if (pt) { OPENSSL_cleanse(pt, n); free(pt); }
    nb_buf_free(&blob);
    nb_buf_free(&aad);
}

static void generate(nb_req_t *req, int with_plaintext)
{
    json_t *nb = json_object_get(req->json, "NumberOfBytes");
    const char *spec = json_string_value(json_object_get(req->json, "KeySpec"));
    long n = 0;
    if ((nb && spec) || (!nb && !spec)) {
        nb_reply_error(req, NB_ERR_VALIDATION, "%s", "Please specify either number of bytes or key spec.");
        return;
    }
    if (spec) {
        if (strcmp(spec, "AES_256") == 0) n = 32;
        else if (strcmp(spec, "AES_128") == 0) n = 16;
        else {
            nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%s' at 'keySpec' failed "
                           "to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]", spec);
            return;
        }
    } else {
        n = json_is_integer(nb) ? (long)json_integer_value(nb) : 0;
        if (n < 1 || n > 1024) {
            nb_reply_error(req, NB_ERR_VALIDATION, "1 validation error detected: Value '%ld' at 'numberOfBytes' "
                           "failed to satisfy constraint: Member must have value %s", n,
                           n < 1 ? "greater than or equal to 1" : "less than or equal to 1024");
            return;
        }
    }
    nb_buf_t aad = NB_BUF_INIT, blob = NB_BUF_INIT;
    unsigned char dk[1024];
    if (context_aad(req, &aad) != 0) goto out;
    kms_key_t k;
    if (key_for_encrypt(req, &k) != 0) goto out;
    int rc = RAND_bytes(dk, (int)n) == 1 ? seal(&k, &aad, dk, (size_t)n, &blob) : -1;
    const char *arn = kms__key_arn(req, k.id);
    json_decref(k.rec);
    if (rc != 0) { nb_reply_error(req, NB_ERR_KMS_INTERNAL, "%s", "Internal error"); goto out; }
    json_t *body = json_pack("{s:o, s:s}", "CiphertextBlob", b64_string(blob.data, blob.len), "KeyId", arn);
    if (with_plaintext) json_object_set_new(body, "Plaintext", b64_string(dk, (size_t)n));
    nb_reply_json(req, 200, body);
out:
    OPENSSL_cleanse(dk, sizeof dk);
    nb_buf_free(&aad);
    nb_buf_free(&blob);
}

void kms_op_generate_data_key(nb_req_t *req) { generate(req, 1); }
void kms_op_generate_data_key_without_plaintext(nb_req_t *req) { generate(req, 0); }
