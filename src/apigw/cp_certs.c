/* cp_certs.c — client certificates (REST APIs): GenerateClientCertificate
 * makes a real self-signed X.509 certificate (RSA 2048, valid 365 days; its
 * PEM is what pemEncodedCertificate shows), Get/GetAll/Update (description)
 * and Delete. Recorded under "x/{id}" ({ClientCertificate shape}); the
 * private key is not kept: nimbus's HTTP integrations do not present client
 * certificates to their backends. */
#include "apigw/apigw_int.h"
#include "core/alloc.h"
#include "core/util.h"
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <string.h>

#define VALID_DAYS 365

/* A new self-signed certificate's PEM (caller frees), or NULL. */
static char *self_signed(const char *id)
{
    EVP_PKEY *key = EVP_RSA_gen(2048);
    X509 *x = key ? X509_new() : NULL;
    char *pem = NULL;
    if (x) {
        unsigned char serial[16];
        nb_random_bytes(serial, sizeof serial);
        serial[0] &= 0x7f;
        BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
        BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x));
        BN_free(bn);
        X509_set_version(x, 2);
        X509_gmtime_adj(X509_getm_notBefore(x), 0);
        X509_gmtime_adj(X509_getm_notAfter(x), (long)VALID_DAYS * 86400);
        X509_NAME *name = X509_get_subject_name(x);
        X509_NAME_add_entry_by_txt(name, "C", MBSTRING_ASC, (const unsigned char *)"US", -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"API Gateway (nimbus)", -1, -1, 0);
        X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)id, -1, -1, 0);
        X509_set_issuer_name(x, name);
        X509_set_pubkey(x, key);
        BIO *bio = BIO_new(BIO_s_mem());
        if (X509_sign(x, key, EVP_sha256()) > 0 && bio && PEM_write_bio_X509(bio, x)) {
            char *data;
            long n = BIO_get_mem_data(bio, &data);
            pem = nb_xmalloc((size_t)n + 1);
            memcpy(pem, data, (size_t)n);
            pem[n] = 0;
        }
        BIO_free(bio);
    }
    X509_free(x);
    EVP_PKEY_free(key);
    return pem;
}

void apigw__op_generate_client_certificate(nb_req_t *req)
{
    json_t *tags = json_object_get(req->json, "tags");
    if (tags && !json_is_object(tags)) {
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "Invalid tags");
        return;
    }
    char id[16];
    apigw__new_id(id, 6);
    char *pem = self_signed(id);
    if (!pem) {
        nb_reply_error(req, NB_ERR_INTERNAL, "could not generate the certificate");
        return;
    }
    json_int_t now = (json_int_t)(nb_wall_ms() / 1000);
    json_t *c = json_pack("{s:s,s:s,s:I,s:I}", "clientCertificateId", id, "pemEncodedCertificate", pem, "createdDate",
                          now, "expirationDate", now + (json_int_t)VALID_DAYS * 86400);
    free(pem);
    const char *desc = json_string_value(json_object_get(req->json, "description"));
    if (desc) json_object_set_new(c, "description", json_string(desc));
    if (tags) json_object_set(c, "tags", tags);
    json_object_set_new(apigw__svc.certs, id, c);
    apigw__save_reply(req, 'x', id, c, 201, json_copy(c));
}

static json_t *cert_or_404(nb_req_t *req, const char **id)
{
    return apigw__param_or_404(req, apigw__svc.certs, "clientcertificate_id", "Client Certificate", id);
}

void apigw__op_get_client_certificate(nb_req_t *req)
{
    const char *id;
    json_t *c = cert_or_404(req, &id);
    if (c) nb_reply_json(req, 200, json_copy(c));
}

void apigw__op_get_client_certificates(nb_req_t *req)
{
    nb_reply_json(req, 200, apigw__list(apigw__svc.certs, "item"));
}

void apigw__op_update_client_certificate(nb_req_t *req)
{
    const char *id, *msg;
    json_t *c = cert_or_404(req, &id);
    if (!c) return;
    json_t *ops = json_object_get(req->json, "patchOperations");
    static const char *const paths[] = {"/description", NULL};   /* all one may change */
    if (apigw__patch_paths_only(req, ops, paths) != 0) return;
    json_t *copy = json_deep_copy(c);
    if (apigw__patch(copy, ops, &msg) != 0) {
        json_decref(copy);
        nb_reply_error(req, APIGW_ERR_BAD_REQUEST, "%s", msg);
        return;
    }
    json_object_set_new(apigw__svc.certs, id, copy);
    apigw__save_reply(req, 'x', id, copy, 200, json_copy(copy));
}

void apigw__op_delete_client_certificate(nb_req_t *req)
{
    const char *id;
    if (!cert_or_404(req, &id)) return;
    json_object_del(apigw__svc.certs, id);
    apigw__save_reply(req, 'x', id, NULL, 202, NULL);
}
