/* tls.c — OpenSSL server contexts, self-signed certificates, and the
 * memory-BIO connection engine of tls.h.
 *
 * Owns: SSL_CTX setup (TLS 1.2+, AEAD + forward secrecy only, no
 * renegotiation, tickets + a server session cache), certificate generation,
 * and per connection one SSL with two memory BIOs: rbio receives what the
 * socket read, wbio collects what must be sent. Nothing here touches a
 * socket. Invariant: after any call, everything OpenSSL wants to send is in
 * wbio, taken by nb_tls_take_output. */
#include "core/tls.h"
#include "core/edge.h"
#include "core/alloc.h"
#include "core/http_server.h"
#include "core/log.h"
#include "core/openssl_init.h"
#include "core/util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

struct nb_tls_ctx { SSL_CTX *ssl; };

struct nb_tls_conn {
    SSL *ssl;
    BIO *rbio, *wbio;          /* owned by ssl */
};

static void log_ssl_errors(const char *what)
{
    unsigned long e = ERR_get_error();
    char buf[256];
    if (e) ERR_error_string_n(e, buf, sizeof buf); else snprintf(buf, sizeof buf, "unknown error");
    nb_log_error("tls", "%s: %s", what, buf);
    ERR_clear_error();
}

/* ---- contexts ---------------------------------------------------------------- */

int nb_tls_ctx_new(nb_tls_ctx_t **out, const char *cert_file, const char *key_file)
{
    *out = NULL;
    nb_openssl_load_config();  /* TLS defaults may come from the system's configuration */
    SSL_CTX *s = SSL_CTX_new(TLS_server_method());
    if (!s) { log_ssl_errors("SSL_CTX_new"); return -1; }
    SSL_CTX_set_min_proto_version(s, TLS1_2_VERSION);
    SSL_CTX_set_options(s, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE |
                           SSL_OP_NO_COMPRESSION);
    /* TLS 1.2: ECDHE only, AEAD only. TLS 1.3 suites are all AEAD (defaults). */
    if (SSL_CTX_set_cipher_list(s, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
        log_ssl_errors("cipher list");
        SSL_CTX_free(s);
        return -1;
    }
    SSL_CTX_set_session_cache_mode(s, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(s, 20000);
    static const unsigned char sid_ctx[] = "nimbus";
    SSL_CTX_set_session_id_context(s, sid_ctx, sizeof sid_ctx - 1);
    SSL_CTX_set_num_tickets(s, 1);
    if (SSL_CTX_use_certificate_chain_file(s, cert_file) != 1) {
        log_ssl_errors(cert_file);
        SSL_CTX_free(s);
        return -1;
    }
    if (SSL_CTX_use_PrivateKey_file(s, key_file, SSL_FILETYPE_PEM) != 1 || SSL_CTX_check_private_key(s) != 1) {
        log_ssl_errors(key_file);
        SSL_CTX_free(s);
        return -1;
    }
    nb_tls_ctx_t *t = nb_xcalloc(1, sizeof *t);
    t->ssl = s;
    *out = t;
    return 0;
}

void nb_tls_ctx_free(nb_tls_ctx_t *t)
{
    if (!t) return;
    SSL_CTX_free(t->ssl);
    free(t);
}

/* ---- self-signed certificate --------------------------------------------------- */

static int add_ext(X509 *x, int nid, const char *value)
{
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
    X509_EXTENSION *e = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
    if (!e) return -1;
    int ok = X509_add_ext(x, e, -1);
    X509_EXTENSION_free(e);
    return ok ? 0 : -1;
}

static int write_pem(const char *path, int mode, int (*wr)(BIO *, void *), void *obj)
{
    BIO *b = BIO_new(BIO_s_mem());
    int ok = b && wr(b, obj) == 1;
    char *data = NULL;
    long n = ok ? BIO_get_mem_data(b, &data) : 0;
    ok = ok && n > 0 && nb_write_file_atomic(path, data, (size_t)n, mode) == 0;
    BIO_free(b);
    return ok ? 0 : -1;
}

static int wr_key(BIO *b, void *k) { return PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL); }
static int wr_cert(BIO *b, void *x) { return PEM_write_bio_X509(b, x); }

int nb_tls_selfsigned(const char *dir)
{
    char cert[4200], key[4200];
    nb_openssl_load_config();
    snprintf(cert, sizeof cert, "%s/cert.pem", dir);
    snprintf(key, sizeof key, "%s/key.pem", dir);
    struct stat st;
    if (stat(cert, &st) == 0 && stat(key, &st) == 0) return 0;
    if (nb_mkdir_p(dir) != 0) {
        nb_log_error("tls", "cannot create %s: %s", dir, strerror(errno));
        return -1;
    }
    EVP_PKEY *pk = EVP_EC_gen("P-256");
    X509 *x = X509_new();
    int rc = -1;
    if (!pk || !x) goto out;
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1) goto out;
    serial[0] &= 0x7f;
    BIGNUM *bn = BN_bin2bn(serial, sizeof serial, NULL);
    if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(x))) { BN_free(bn); goto out; }
    BN_free(bn);
    X509_set_version(x, 2);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 825L * 24 * 3600);
    X509_set_pubkey(x, pk);
    X509_NAME *name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, (const unsigned char *)"nimbus (self-signed)", -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"localhost", -1, -1, 0);
    X509_set_issuer_name(x, name);
    if (add_ext(x, NID_basic_constraints, "critical,CA:TRUE") != 0 ||
        add_ext(x, NID_key_usage, "critical,digitalSignature,keyCertSign") != 0 ||
        add_ext(x, NID_ext_key_usage, "serverAuth") != 0 ||
        add_ext(x, NID_subject_key_identifier, "hash") != 0 ||
        add_ext(x, NID_authority_key_identifier, "keyid:always") != 0 ||
        add_ext(x, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1") != 0)
        goto out;
    if (!X509_sign(x, pk, EVP_sha256())) goto out;
    if (write_pem(key, 0600, wr_key, pk) != 0 || write_pem(cert, 0644, wr_cert, x) != 0) {
        nb_log_error("tls", "cannot write %s / %s: %s", cert, key, strerror(errno));
        goto out;
    }
    nb_log_info("tls", "generated a self-signed certificate for localhost: %s", cert);
    rc = 0;
out:
    if (rc != 0 && ERR_peek_error()) log_ssl_errors("self-signed certificate");
    X509_free(x);
    EVP_PKEY_free(pk);
    return rc;
}

/* ---- connections ------------------------------------------------------------------ */

nb_tls_conn_t *nb_tls_conn_new(nb_tls_ctx_t *t)
{
    nb_tls_conn_t *c = nb_xcalloc(1, sizeof *c);
    c->ssl = SSL_new(t->ssl);
    c->rbio = BIO_new(BIO_s_mem());
    c->wbio = BIO_new(BIO_s_mem());
    if (!c->ssl || !c->rbio || !c->wbio) abort();   /* allocation failure */
    BIO_set_mem_eof_return(c->rbio, -1);            /* empty = "retry", not EOF */
    SSL_set_bio(c->ssl, c->rbio, c->wbio);
    SSL_set_accept_state(c->ssl);
    return c;
}

void nb_tls_conn_free(nb_tls_conn_t *c)
{
    if (!c) return;
    SSL_free(c->ssl);                               /* frees both BIOs */
    free(c);
}

void nb_tls_feed(nb_tls_conn_t *c, const void *in, size_t n)
{
    if (n) BIO_write(c->rbio, in, (int)n);
}

int nb_tls_read(nb_tls_conn_t *c, char *buf, size_t cap)
{
    int n = SSL_read(c->ssl, buf, (int)cap);
    if (n > 0) return n;
    int e = SSL_get_error(c->ssl, n);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return NB_TLS_AGAIN;
    if (e == SSL_ERROR_ZERO_RETURN) return NB_TLS_CLOSED;
    if (nb_log_level() >= NB_LOG_DEBUG) {
        unsigned long err = ERR_peek_error();
        char msg[256];
        ERR_error_string_n(err, msg, sizeof msg);
        nb_log_debug("tls", "connection refused: %s", err ? msg : "protocol error");
    }
    ERR_clear_error();
    return NB_TLS_ERROR;
}

int nb_tls_write(nb_tls_conn_t *c, const void *p, size_t n)
{
    const char *s = p;
    while (n) {
        int chunk = n > (1u << 30) ? (1 << 30) : (int)n;
        int w = SSL_write(c->ssl, s, chunk);
        if (w <= 0) {
            ERR_clear_error();
            return -1;
        }
        s += w;
        n -= (size_t)w;
    }
    return 0;
}

void nb_tls_shutdown(nb_tls_conn_t *c)
{
    if (SSL_is_init_finished(c->ssl)) SSL_shutdown(c->ssl);
    ERR_clear_error();
}

size_t nb_tls_take_output(nb_tls_conn_t *c, nb_buf_t *out)
{
    size_t n = BIO_ctrl_pending(c->wbio);
    if (!n) return 0;
    nb_buf_reserve(out, n);
    int r = BIO_read(c->wbio, out->data + out->len, (int)n);
    if (r <= 0) return 0;
    out->len += (size_t)r;
    return (size_t)r;
}

const char *nb_tls_version(const nb_tls_conn_t *c) { return SSL_get_version(c->ssl); }
int nb_tls_resumed(const nb_tls_conn_t *c) { return SSL_session_reused(c->ssl); }

/* ---- the daemon's HTTPS edge --------------------------------------------------------- */

static int parse_hostport(const char *v, char *host, size_t hcap, int *port)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v) return -1;
    char *end;
    long p = strtol(colon + 1, &end, 10);
    if (*end || p < 0 || p > 65535 || end == colon + 1) return -1;
    size_t hl = (size_t)(colon - v);
    if (v[0] == '[' && hl >= 2 && v[hl - 1] == ']') { v++; hl -= 2; }
    if (hl >= hcap) return -1;
    memcpy(host, v, hl);
    host[hl] = 0;
    *port = (int)p;
    return 0;
}

int nb_tls_edge_start(struct nb_http_server **out, nb_tls_ctx_t **tls_out, nb_ctx_t *ctx,
                      const nb_config_t *cfg, void (*dispatch)(nb_req_t *, void *))
{
    *out = NULL;
    *tls_out = NULL;
    const char *listen = nb_config_get(cfg, "tls.listen");
    if (!listen || !*listen) return 0;
    char host[256];
    int port;
    if (parse_hostport(listen, host, sizeof host, &port) != 0) {
        fprintf(stderr, "nimbus: --tls-listen wants HOST:PORT, got '%s'\n", listen);
        return -1;
    }
    const char *cert = nb_config_get(cfg, "tls.cert"), *key = nb_config_get(cfg, "tls.key");
    char dir[PATH_MAX + 8], cbuf[PATH_MAX + 32], kbuf[PATH_MAX + 32];
    snprintf(dir, sizeof dir, "%s/tls", cfg->data_dir);
    if ((cert && !key) || (!cert && key)) {
        fprintf(stderr, "nimbus: tls.cert and tls.key go together\n");
        return -1;
    }
    int generated = 0;
    if (!cert) {
        if (nb_tls_selfsigned(dir) != 0) {
            fprintf(stderr, "nimbus: cannot create a self-signed certificate in %s\n", dir);
            return -1;
        }
        snprintf(cbuf, sizeof cbuf, "%s/cert.pem", dir);
        snprintf(kbuf, sizeof kbuf, "%s/key.pem", dir);
        cert = cbuf;
        key = kbuf;
        generated = 1;
    }
    nb_tls_ctx_t *t;
    if (nb_tls_ctx_new(&t, cert, key) != 0) {
        fprintf(stderr, "nimbus: cannot use the certificate %s and key %s\n", cert, key);
        return -1;
    }
    nb_http_limits_t limits;
    nb_http_limits_default(&limits);
    limits.body_limit = nb_edge_body_limit;   /* Lambda's code uploads */
    int bound = 0;
    struct nb_http_server *srv;
    int rc = nb_http_server_start(&srv, ctx, host, port, &limits, dispatch, NULL, &bound);
    if (rc != 0) {
        fprintf(stderr, "nimbus: cannot listen (TLS) on %s: %s\n", listen, uv_strerror(rc));
        nb_tls_ctx_free(t);
        return -1;
    }
    nb_http_server_use_tls(srv, t);
    int v6 = strchr(host, ':') != NULL;
    char url[400];
    int n = snprintf(url, sizeof url, "https://%s%s%s:%d", v6 ? "[" : "",
                     strcmp(host, "0.0.0.0") == 0 ? "127.0.0.1" : host, v6 ? "]" : "", bound);
    if (nb_mkdir_p(dir) == 0) {
        char path[PATH_MAX + 32], line[420];
        snprintf(path, sizeof path, "%s/endpoint", dir);
        int ln = snprintf(line, sizeof line, "%.*s\n", n, url);
        nb_write_file_replace(path, line, (size_t)ln, 0644, 0);
    }
    printf("nimbus HTTPS endpoint %s (certificate %s%s)\n", url, cert,
           generated ? "; self-signed: export AWS_CA_BUNDLE=<that path>" : "");
    *out = srv;
    *tls_out = t;
    return 0;
}
