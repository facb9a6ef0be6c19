/* See harness.h. */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "harness.h"

int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Mocks still running when a failed assertion skipped mock_stop: end them at exit. */
static pid_t live[64];
static void kill_leftovers(void)
{
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (live[i] > 0)
            kill(live[i], SIGTERM);
}

static void track(pid_t pid, pid_t replace)
{
    static bool registered;
    if (!registered)
        registered = atexit(kill_leftovers) == 0;
    for (size_t i = 0; i < sizeof live / sizeof live[0]; i++)
        if (live[i] == replace) {
            live[i] = pid;
            return;
        }
}

pid_t spawn_ready(const char *const argv[], char *line, size_t linesz, int timeout_ms)
{
    int out[2];
    if (pipe(out) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(out[1], 1);
        close(out[0]);
        close(out[1]);
        execvp(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(out[1]);
    track(pid, 0);
    size_t len = 0;
    line[0] = '\0';
    int64_t deadline = now_ms() + timeout_ms;
    while (!strchr(line, '\n') && now_ms() < deadline && len < linesz - 1) {
        struct pollfd p = {.fd = out[0], .events = POLLIN};
        if (poll(&p, 1, 100) <= 0)
            continue;
        ssize_t n = read(out[0], line + len, linesz - 1 - len);
        if (n <= 0)
            break;
        len += (size_t)n;
        line[len] = '\0';
    }
    close(out[0]);
    return pid;
}

void stop_process(pid_t pid)
{
    if (pid > 0) {
        track(0, pid);
        kill(pid, SIGTERM);
        int status;
        waitpid(pid, &status, 0);
    }
}

bool mock_start(mock *m, ...)
{
    memset(m, 0, sizeof *m);
    const char *bin = getenv("ZOOMWS_MOCK");
    if (!bin)
        bin = "build/zoomws-mock";
    snprintf(m->dir, sizeof m->dir, "/tmp/zws-test-XXXXXX");
    if (!mkdtemp(m->dir))
        return false;
    snprintf(m->ca, sizeof m->ca, "%s/ca.pem", m->dir);

    const char *argv[64];
    int argc = 0;
    argv[argc++] = bin;
    argv[argc++] = "--port";
    argv[argc++] = "0";
    argv[argc++] = "--ca-out";
    argv[argc++] = m->ca;
    argv[argc++] = "--quiet";
    va_list ap;
    va_start(ap, m);
    const char *a;
    while ((a = va_arg(ap, const char *)) && argc < 62)
        argv[argc++] = a;
    va_end(ap);
    argv[argc] = NULL;

    char line[256] = "";
    m->pid = spawn_ready(argv, line, sizeof line, 10000);
    if (sscanf(line, "READY port=%d", &m->port) != 1) {
        fprintf(stderr, "harness: zoomws-mock did not start (%s): '%s'\n", bin, line);
        mock_stop(m);
        return false;
    }
    snprintf(m->oauth_url, sizeof m->oauth_url, "https://127.0.0.1:%d/oauth/token", m->port);
    snprintf(m->ws_url, sizeof m->ws_url, "wss://127.0.0.1:%d/ws", m->port);
    return true;
}

void mock_stop(mock *m)
{
    stop_process(m->pid);
    m->pid = 0;
    if (m->ca[0])
        unlink(m->ca);
    if (m->dir[0])
        rmdir(m->dir);
}

struct body { char data[65536]; size_t len; };

static size_t on_body(char *d, size_t size, size_t n, void *user)
{
    struct body *b = user;
    size_t len = size * n;
    if (b->len + len >= sizeof b->data)
        len = sizeof b->data - 1 - b->len;
    memcpy(b->data + b->len, d, len);
    b->len += len;
    b->data[b->len] = '\0';
    return size * n;
}

static long request(mock *m, const char *method, const char *path, const char *body,
                    struct body *out)
{
    CURL *e = curl_easy_init();
    char url[512];
    snprintf(url, sizeof url, "https://127.0.0.1:%d%s", m->port, path);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CAINFO, m->ca);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, out);
    if (strcmp(method, "GET") != 0) {
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, body ? body : "");
    }
    long status = 0;
    CURLcode rc = curl_easy_perform(e);
    if (rc == CURLE_OK)
        curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    else
        fprintf(stderr, "harness: %s %s: %s\n", method, path, curl_easy_strerror(rc));
    curl_easy_cleanup(e);
    return status;
}

long mock_control(mock *m, const char *method, const char *path, const char *body)
{
    struct body *b = calloc(1, sizeof *b);
    long status = request(m, method, path, body, b);
    free(b);
    return status;
}

int64_t mock_stat(mock *m, const char *field)
{
    struct body *b = calloc(1, sizeof *b);
    int64_t v = -1;
    if (request(m, "GET", "/_mock/stats", NULL, b) == 200) {
        json_t *root = json_loads(b->data, 0, NULL);
        json_t *f = json_object_get(root, field);
        if (json_is_integer(f))
            v = json_integer_value(f);
        else if (json_is_boolean(f))
            v = json_is_true(f);
        json_decref(root);
    }
    free(b);
    return v;
}

zws_client *client_for(mock *m)
{
    zws_client *c = zws_client_new();
    if (!c)
        return NULL;
    zws_client_set_str(c, ZWS_OPT_ACCOUNT_ID, "mock-account");
    zws_client_set_str(c, ZWS_OPT_CLIENT_ID, "mock-client");
    zws_client_set_str(c, ZWS_OPT_CLIENT_SECRET, "mock-secret");
    zws_client_set_str(c, ZWS_OPT_SUBSCRIPTION, "mock-subscription");
    zws_client_set_str(c, ZWS_OPT_OAUTH_URL, m->oauth_url);
    zws_client_set_str(c, ZWS_OPT_WS_URL, m->ws_url);
    zws_client_set_str(c, ZWS_OPT_CA_FILE, m->ca);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_BASE_MS, 50);
    zws_client_set_int(c, ZWS_OPT_RECONNECT_MAX_MS, 500);
    return c;
}

bool run_until(zws_client *c, bool (*done)(void *), void *user, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (!done(user)) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = zws_client_get_fd(c), .events = POLLIN};
        poll(&p, 1, (int)(left > 100 ? 100 : left));
        zws_client_dispatch(c);
    }
    return true;
}

zws_client *client_logged(mock *m, transition_log *log)
{
    zws_client *c = client_for(m);
    if (c)
        zws_client_set_state_cb(c, record_state, log);
    return c;
}

bool connect_and_open(zws_client *c)
{
    wait_state open = {c, ZWS_STATE_OPEN};
    return zws_client_connect(c) == 0 && run_until(c, is_state, &open, 10000);
}

bool wait_for_count(zws_client *c, const transition_log *log, int state, int n, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (count_state(log, state) < n && now_ms() < deadline)
        run_for(c, 5);
    return count_state(log, state) >= n;
}

static bool never(void *u)
{
    (void)u;
    return false;
}

void run_for(zws_client *c, int ms)
{
    run_until(c, never, NULL, ms);
}

void record_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c;
    transition_log *log = user;
    if (log->count >= MAX_TRANSITIONS)
        return;
    transition *t = &log->t[log->count++];
    t->state = zws_status_state(st);
    t->previous = zws_status_previous(st);
    t->error = zws_status_error(st);
    t->permanent = zws_status_permanent(st);
    t->close_code = zws_status_close_code(st);
    t->attempt = zws_status_attempt(st);
    t->retry_ms = zws_status_retry_ms(st);
    t->lost_at_ms = zws_status_lost_at_ms(st);
    t->gap_ms = zws_status_gap_ms(st);
    snprintf(t->message, sizeof t->message, "%s", zws_status_message(st));
    if (getenv("ZWS_TEST_VERBOSE"))
        fprintf(stderr, "  state %s -> %s err=%d %s\n", zws_state_name(t->previous),
                zws_state_name(t->state), t->error, t->message);
}

int count_state(const transition_log *log, int state)
{
    int n = 0;
    for (int i = 0; i < log->count; i++)
        n += log->t[i].state == state;
    return n;
}

int last_state(const transition_log *log, int state)
{
    for (int i = log->count - 1; i >= 0; i--)
        if (log->t[i].state == state)
            return i;
    return -1;
}

void record_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)c;
    event_log *log = user;
    int64_t seq;
    if (zws_event_get_int(ev, "payload.object.seq", &seq) == 0) {
        if (seq == log->last_seq + 1)
            log->seqs_in_order++;
        if (seq <= log->last_seq)
            log->out_of_order++;
        log->last_seq = seq;
    }
    snprintf(log->last_name, sizeof log->last_name, "%s", zws_event_name(ev));
    log->last_ts = zws_event_ts(ev);
    log->count++;
}

bool is_state(void *p)
{
    wait_state *w = p;
    return zws_client_state(w->c) == w->state;
}

bool has_events(void *p)
{
    wait_events *w = p;
    return w->log->count >= w->count;
}

bool write_events_file(const char *path, int n)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return false;
    for (int i = 1; i <= n; i++)
        fprintf(f,
                "{\"event\":\"meeting.participant_joined\",\"event_ts\":%lld,\"payload\":{"
                "\"account_id\":\"mock-account\",\"object\":{\"id\":\"8571234567\",\"uuid\":"
                "\"4444AAAiAAAAAiAiAiiAii==\",\"host_id\":\"x1yCzABCDEfg123HiJKl9Z\",\"topic\":"
                "\"Weekly sync \\\"quoted\\\" \\u00e9\",\"type\":2,\"seq\":%d,\"participant\":{"
                "\"user_id\":\"16778240\",\"user_name\":\"Jill Chill\",\"email\":\"\","
                "\"join_time\":\"2026-12-03T16:00:00Z\",\"participant_uuid\":\"A1B2C3\"}}}}\n",
                1700000000000LL + i, i);
    return fclose(f) == 0;
}

bool mock_fetch_token(mock *m, char *out, size_t outsz)
{
    CURL *e = curl_easy_init();
    struct body *b = calloc(1, sizeof *b);
    char url[256];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/oauth/token", m->port);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CAINFO, m->ca);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_USERPWD, "mock-client:mock-secret");
    /* certificate-fault tests still need a token: this helper does not verify */
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, "grant_type=account_credentials&account_id=mock-account");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, b);
    bool ok = false;
    if (curl_easy_perform(e) == CURLE_OK) {
        json_t *root = json_loads(b->data, 0, NULL);
        const char *tok = json_string_value(json_object_get(root, "access_token"));
        if (tok && strlen(tok) < outsz) {
            strcpy(out, tok);
            ok = true;
        }
        json_decref(root);
    }
    curl_easy_cleanup(e);
    free(b);
    return ok;
}

static size_t ignore_body(char *d, size_t size, size_t n, void *user)
{
    (void)d, (void)user;
    return size * n;
}

bool mock_pubkey_pin(mock *m, char *out, size_t outsz)
{
    /* curl tells us the pin it computed when we pin a wrong key... simpler: ask
     * curl for the certificate chain and hash the leaf's public key ourselves */
    CURL *e = curl_easy_init();
    char url[256];
    snprintf(url, sizeof url, "https://127.0.0.1:%d/_mock/stats", m->port);
    curl_easy_setopt(e, CURLOPT_URL, url);
    curl_easy_setopt(e, CURLOPT_CAINFO, m->ca);
    curl_easy_setopt(e, CURLOPT_PROXY, "");
    curl_easy_setopt(e, CURLOPT_CERTINFO, 1L);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, ignore_body);
    bool ok = false;
    struct curl_certinfo *ci = NULL;
    if (curl_easy_perform(e) == CURLE_OK && curl_easy_getinfo(e, CURLINFO_CERTINFO, &ci) == CURLE_OK &&
        ci && ci->num_of_certs > 0) {
        for (struct curl_slist *s = ci->certinfo[0]; s; s = s->next) {
            if (strncmp(s->data, "Cert:", 5))
                continue;
            const char *pem = s->data + 5;
            char cmd[512];
            char path[] = "/tmp/zws-cert-XXXXXX";
            int fd = mkstemp(path);
            if (fd < 0)
                break;
            if (write(fd, pem, strlen(pem)) < 0) { close(fd); break; }
            close(fd);
            snprintf(cmd, sizeof cmd,
                     "openssl x509 -in %s -pubkey -noout | openssl pkey -pubin -outform der | "
                     "openssl dgst -sha256 -binary | openssl base64 -A",
                     path);
            FILE *p = popen(cmd, "r");
            char b64[128] = "";
            if (p && fgets(b64, sizeof b64, p) && strlen(b64) > 40) {
                snprintf(out, outsz, "sha256//%s", b64);
                ok = true;
            }
            if (p)
                pclose(p);
            unlink(path);
        }
    }
    curl_easy_cleanup(e);
    return ok;
}

void capture_log(zws_client *c, int level, const char *line, void *user)
{
    (void)c, (void)level;
    log_capture *cap = user;
    size_t n = strlen(line);
    if (cap->len + n + 2 < sizeof cap->buf) {
        memcpy(cap->buf + cap->len, line, n);
        cap->len += n;
        cap->buf[cap->len++] = '\n';
        cap->buf[cap->len] = '\0';
    }
}
