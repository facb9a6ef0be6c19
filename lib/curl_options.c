/* libcurl settings shared by both legs (token request and WebSocket TCP leg):
 * timeouts, proxy, and error capture. Proxies are explicit: curl's own
 * environment lookup is off so both legs always take the same route. */
#include "internal.h"

void curl__common(zws_client *c, CURL *e)
{
    c->curl_err[0] = '\0';
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, (long)c->connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, c->curl_err);
    curl_easy_setopt(e, CURLOPT_PROXY, c->proxy ? c->proxy : "");
    if (c->proxy && c->no_proxy)
        curl_easy_setopt(e, CURLOPT_NOPROXY, c->no_proxy);
}

bool curl__is_tls_verify_error(CURLcode res)
{
    return res == CURLE_PEER_FAILED_VERIFICATION || res == CURLE_SSL_CACERT_BADFILE ||
           res == CURLE_SSL_ISSUER_ERROR || res == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}
