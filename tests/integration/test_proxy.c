/* Both legs (token request and WebSocket) through real proxies on loopback:
 * Debian's squid for HTTP CONNECT (with and without Basic auth) and a small
 * SOCKS5 server (tests/proxy/socks5.py, with and without username auth). The
 * proxies' logs prove the traffic went through them. */
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static mock m;
static char dir[64];
static int squid_port, squid_auth_port, socks_port, socks_auth_port, tls_port;
static pid_t squid, socks, socks_auth, stunnel;
static char bundle[128]; /* the mock's CA + the HTTPS proxy's certificate */

static int free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    bind(s, (struct sockaddr *)&a, sizeof a);
    getsockname(s, (struct sockaddr *)&a, &len);
    close(s);
    return ntohs(a.sin_port);
}

static bool port_open(int port)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                            .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    bool ok = connect(s, (struct sockaddr *)&a, sizeof a) == 0;
    close(s);
    return ok;
}

static char *slurp(const char *name)
{
    static char buf[1 << 16];
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    return buf;
}

static int count(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

/* Successful tunnels to the mock in squid's log. Squid writes a tunnel's line
 * when it closes, so wait until the count settles at want (or 5 s). */
static int squid_tunnels(int want)
{
    char needle[64];
    snprintf(needle, sizeof needle, "TCP_TUNNEL/200 ");
    int n = 0;
    for (int i = 0; i < 50; i++) {
        n = 0;
        char target[64];
        snprintf(target, sizeof target, "CONNECT 127.0.0.1:%d", m.port);
        for (const char *line = slurp("access.log"); line && *line;) {
            const char *eol = strchr(line, '\n');
            size_t len = eol ? (size_t)(eol - line) : strlen(line);
            char buf[512];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < sizeof buf ? len : sizeof buf - 1), line);
            if (strstr(buf, needle) && strstr(buf, target))
                n++;
            line = eol ? eol + 1 : NULL;
        }
        if (n >= want)
            break;
        usleep(100000);
    }
    return n;
}

static int start_all(void **state)
{
    (void)state;
    if (!mock_start(&m, "--count", "0", NULL))
        return -1;
    snprintf(dir, sizeof dir, "/tmp/zws-proxy-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    chmod(dir, 0777); /* squid drops root for the "proxy" user */
    char cmd[2048], conf[128];
    snprintf(cmd, sizeof cmd, "htpasswd -bc %s/passwd proxyuser 'proxy pass' >/dev/null 2>&1 && chmod 644 %s/passwd",
             dir, dir);
    if (system(cmd) != 0)
        return -1;
    squid_port = free_port();
    squid_auth_port = free_port();
    snprintf(conf, sizeof conf, "%s/squid.conf", dir);
    FILE *f = fopen(conf, "w");
    fprintf(f,
            "http_port 127.0.0.1:%d\nhttp_port 127.0.0.1:%d\n"
            "acl open_port localport %d\nacl auth_port localport %d\n"
            "auth_param basic program /usr/lib/squid/basic_ncsa_auth %s/passwd\n"
            "acl authed proxy_auth REQUIRED\n"
            "http_access allow open_port localhost\nhttp_access allow auth_port authed\n"
            "http_access deny all\n"
            "pid_filename %s/squid.pid\naccess_log stdio:%s/access.log\ncache_log %s/cache.log\n"
            "cache_store_log none\ncache deny all\ncoredump_dir %s\nshutdown_lifetime 0 seconds\n",
            squid_port, squid_auth_port, squid_port, squid_auth_port, dir, dir, dir, dir, dir);
    fclose(f);
    const char *squid_argv[] = {"squid", "-N", "-f", conf, NULL};
    char line[256];
    /* squid prints nothing on stdout: wait for its ports instead */
    squid = spawn_ready(squid_argv, line, sizeof line, 1);
    for (int i = 0; i < 100 && !(port_open(squid_port) && port_open(squid_auth_port)); i++)
        usleep(100000);
    char log[128];
    snprintf(log, sizeof log, "%s/socks.log", dir);
    const char *socks_argv[] = {"python3", "tests/proxy/socks5.py", "--log", log, NULL};
    socks = spawn_ready(socks_argv, line, sizeof line, 10000);
    if (sscanf(line, "READY port=%d", &socks_port) != 1)
        return -1;
    const char *auth_argv[] = {"python3", "tests/proxy/socks5.py", "--log", log, "--user",
                               "sockuser", "--password", "sock-pass", NULL};
    socks_auth = spawn_ready(auth_argv, line, sizeof line, 10000);
    if (sscanf(line, "READY port=%d", &socks_auth_port) != 1)
        return -1;
    /* an HTTPS proxy: stunnel terminating TLS in front of squid's open port */
    tls_port = free_port();
    snprintf(cmd, sizeof cmd,
             "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 "
             "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout %s/proxy.key "
             "-out %s/proxy.crt 2>/dev/null && cat %s/proxy.key %s/proxy.crt > %s/proxy.pem && "
             "cat %s %s/proxy.crt > %s/bundle.pem",
             dir, dir, dir, dir, dir, m.ca, dir, dir);
    if (system(cmd) != 0)
        return -1;
    snprintf(bundle, sizeof bundle, "%s/bundle.pem", dir);
    snprintf(conf, sizeof conf, "%s/stunnel.conf", dir);
    f = fopen(conf, "w");
    fprintf(f, "foreground = yes\npid =\n[proxy]\naccept = 127.0.0.1:%d\nconnect = 127.0.0.1:%d\n"
               "cert = %s/proxy.pem\n", tls_port, squid_port, dir);
    fclose(f);
    const char *stunnel_argv[] = {"stunnel", conf, NULL};
    stunnel = spawn_ready(stunnel_argv, line, sizeof line, 1);
    for (int i = 0; i < 100 && !port_open(tls_port); i++)
        usleep(100000);
    return port_open(squid_port) && port_open(tls_port) ? 0 : -1;
}

static int stop_all(void **state)
{
    (void)state;
    stop_process(stunnel);
    stop_process(socks);
    stop_process(socks_auth);
    stop_process(squid);
    mock_stop(&m);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Connects through proxy_url, stops gracefully; returns the captured log. */
static const char *open_through(const char *proxy_url, int expect_state)
{
    zws_client *c = client_for(&m);
    static log_capture cap;
    cap.len = 0;
    cap.buf[0] = '\0';
    zws_client_set_int(c, ZWS_OPT_LOG_LEVEL, ZWS_LOG_DEBUG);
    zws_client_set_log_cb(c, capture_log, &cap);
    transition_log states = {0};
    zws_client_set_state_cb(c, record_state, &states);
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_PROXY, proxy_url), 0);
    assert_int_equal(zws_client_connect(c), 0);
    wait_state w = {c, expect_state};
    bool reached = run_until(c, is_state, &w, 10000);
    if (!reached)
        print_error("last error: %s\n", zws_client_last_error(c));
    assert_true(reached);
    if (expect_state == ZWS_STATE_OPEN) {
        zws_client_stop(c);
        wait_state closed = {c, ZWS_STATE_CLOSED};
        assert_true(run_until(c, is_state, &closed, 10000));
    } else {
        snprintf(cap.buf + cap.len, sizeof cap.buf - cap.len, "%s\n", zws_client_last_error(c));
    }
    zws_client_free(c);
    return cap.buf;
}

static void http_connect_proxy(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", squid_port);
    open_through(url, ZWS_STATE_OPEN);
    assert_int_equal(squid_tunnels(2), 2); /* token + WebSocket */
}

static void http_connect_proxy_with_auth(void **state)
{
    (void)state;
    char url[160];
    snprintf(url, sizeof url, "http://proxyuser:proxy%%20pass@127.0.0.1:%d", squid_auth_port);
    const char *log = open_through(url, ZWS_STATE_OPEN);
    assert_null(strstr(log, "proxy%20pass"));
    assert_null(strstr(log, "proxy pass"));
    assert_int_equal(squid_tunnels(4), 4);
    assert_int_equal(count(slurp("access.log"), "proxyuser HIER_DIRECT"), 2); /* authenticated */

    /* a wrong password: 407 reported, and retried like any transient failure */
    snprintf(url, sizeof url, "http://proxyuser:wrong@127.0.0.1:%d", squid_auth_port);
    log = open_through(url, ZWS_STATE_BACKOFF);
    assert_non_null(strstr(log, "407"));
    assert_null(strstr(log, "wrong@"));
}

static void https_proxy(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "https://127.0.0.1:%d", tls_port);
    int before = squid_tunnels(4); /* the two tests before: 2 tunnels each */
    zws_client *c = client_for(&m);
    zws_client_set_str(c, ZWS_OPT_CA_FILE, bundle); /* trusts the proxy and the server */
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_PROXY, url), 0);
    event_log events = {0};
    zws_client_on(c, "*", record_event, &events);
    assert_true(connect_and_open(c));
    assert_int_equal(mock_control(&m, "POST", "/_mock/events",
                                  "{\"event\":\"meeting.started\",\"event_ts\":1,\"payload\":{}}\n"), 200);
    wait_events w = {&events, 1};
    assert_true(run_until(c, has_events, &w, 10000)); /* events flow through the tunnel */
    zws_client_stop(c);
    wait_state closed = {c, ZWS_STATE_CLOSED};
    assert_true(run_until(c, is_state, &closed, 10000));
    zws_client_free(c);
    assert_int_equal(squid_tunnels(before + 2), before + 2); /* token + WebSocket */
}

static void socks5_proxy(void **state)
{
    (void)state;
    char url[128], target[64];
    snprintf(url, sizeof url, "socks5://127.0.0.1:%d", socks_port);
    open_through(url, ZWS_STATE_OPEN);
    snprintf(target, sizeof target, "CONNECT 127.0.0.1:%d -", m.port);
    assert_int_equal(count(slurp("socks.log"), target), 2);
}

static void socks5_proxy_with_auth(void **state)
{
    (void)state;
    char url[128], target[64];
    snprintf(url, sizeof url, "socks5h://sockuser:sock-pass@127.0.0.1:%d", socks_auth_port);
    const char *log = open_through(url, ZWS_STATE_OPEN);
    assert_null(strstr(log, "sock-pass"));
    snprintf(target, sizeof target, "CONNECT 127.0.0.1:%d sockuser", m.port);
    assert_int_equal(count(slurp("socks.log"), target), 2);
}

static void proxy_from_environment(void **state)
{
    (void)state;
    char url[128];
    snprintf(url, sizeof url, "socks5://127.0.0.1:%d", socks_port);
    setenv("HTTPS_PROXY", url, 1);
    zws_client *c = client_for(&m);
    assert_int_equal(zws_client_config_from_env(c), 0);
    int before = count(slurp("socks.log"), "CONNECT");
    assert_true(connect_and_open(c));
    assert_int_equal(count(slurp("socks.log"), "CONNECT"), before + 2);
    zws_client_free(c);
    unsetenv("HTTPS_PROXY");
    c = zws_client_new();
    assert_int_equal(zws_client_set_str(c, ZWS_OPT_PROXY, "ftp://x:1"), ZWS_E_INVALID);
    zws_client_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(http_connect_proxy),
        cmocka_unit_test(http_connect_proxy_with_auth),
        cmocka_unit_test(https_proxy),
        cmocka_unit_test(socks5_proxy),
        cmocka_unit_test(socks5_proxy_with_auth),
        cmocka_unit_test(proxy_from_environment),
    };
    return cmocka_run_group_tests_name("integration: proxies", tests, start_all, stop_all);
}
