/* Throwaway CA and localhost server certificate, generated at startup. */
#ifndef MOCK_CERTS_H
#define MOCK_CERTS_H

#include <openssl/ssl.h>

/* Generates the CA and server cert, writes the CA PEM to ca_path (atomically)
 * and returns a TLS 1.2+ server context, or NULL on failure. */
SSL_CTX *certs_make_server_ctx(const char *ca_path);

#endif
