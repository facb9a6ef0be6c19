/*
 * zoomws-listen: print every Zoom WebSocket event as one JSON line on stdout,
 * status on stderr. A thin client of the public libzoomws API, meant as a
 * pipe source (`zoomws-listen | jq`) and as a worked example of the API.
 *
 * Exit codes: 0 stopped by SIGINT/SIGTERM or stdout closed, 1 runtime failure
 * (credentials refused, TLS verification, ...), 2 usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "envfile.h"
#include "output.h"
#include "zoomws.h"

#define PROG "zoomws-listen"
#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define MAX_PATTERNS 64
/* Large blocks for bursts; flushed whenever the loop goes idle anyway. */
#define STDOUT_BUFFER (64 * 1024)

struct options {
    const char *env_file;
    bool insecure_env_file;
    const char *account_id, *client_id, *client_secret, *subscription;
    const char *oauth_url, *ws_url, *ca_file;
    const char *heartbeat_ms;
    const char *patterns[MAX_PATTERNS];
    size_t npatterns;
    int verbosity; /* -1 quiet, 0 normal, 1 verbose */
};

struct app {
    int verbosity;
    bool event_printed;   /* this event already went out through an earlier pattern */
    bool output_gone;     /* stdout failed: stop, print nothing more */
    int output_errno;
    unsigned long long events;
    int fatal;            /* permanent error that closed the client, 0 if none */
    char fatal_msg[512];
};

/* The signal handler's only link to the client: zws_client_stop is async-signal-safe. */
static zws_client *volatile g_client;
static volatile sig_atomic_t g_stop_signals;

static void on_signal(int sig)
{
    if (++g_stop_signals > 1) {
        /* a second ^C while the close handshake is pending: leave now */
        signal(sig, SIG_DFL);
        raise(sig);
        return;
    }
    zws_client_stop(g_client);
}

static void usage(FILE *f)
{
    fprintf(f,
        "Usage: " PROG " [OPTIONS]\n"
        "Connects to a Zoom WebSocket event subscription and prints every event as one\n"
        "JSON line on stdout (the event exactly as Zoom sent it). Status goes to stderr.\n"
        "Reconnects by itself; events sent while disconnected are lost (Zoom does not\n"
        "replay them) and each such gap is reported on stderr.\n"
        "\n"
        "Configuration (flags override the environment, which overrides --env-file):\n"
        "  ZOOM_ACCOUNT_ID       --account-id ID     Server-to-Server OAuth account id\n"
        "                                            (unset: client_credentials grant)\n"
        "  ZOOM_CLIENT_ID        --client-id ID      OAuth client id (required)\n"
        "  ZOOM_CLIENT_SECRET    --client-secret S   OAuth client secret (required);\n"
        "                                            the flag is discouraged: other users\n"
        "                                            can read it with ps; prefer the\n"
        "                                            environment or --env-file\n"
        "  ZOOM_SUBSCRIPTION_ID  --subscription ID   subscription id, or the full endpoint\n"
        "                                            URL from the Marketplace (required)\n"
        "  ZOOM_OAUTH_URL        --oauth-url URL     default https://zoom.us/oauth/token\n"
        "  ZOOM_WS_URL           --ws-url URL        default wss://ws.zoom.us/ws\n"
        "  ZOOM_CA_FILE          --ca-file PATH      PEM CA bundle instead of the system store\n"
        "\n"
        "Options:\n"
        "  --env-file PATH        read KEY=VALUE lines (dotenv style) from PATH; variables\n"
        "                         already set in the environment are kept. PATH must not\n"
        "                         be accessible by group/others (chmod 600)\n"
        "  --insecure-env-file    accept an --env-file whose mode allows group/other access\n"
        "  --heartbeat-ms N       heartbeat interval in ms (default 30000)\n"
        "  --events PATTERN       print only matching events: an exact name\n"
        "                         (meeting.started), a prefix (meeting.*) or * (default);\n"
        "                         repeatable\n"
        "  -v, --verbose          also print the library's log, down to debug level\n"
        "  -q, --quiet            print only errors and lost-events (gap) warnings\n"
        "  -h, --help             show this help\n"
        "      --version          show the versions of " PROG " and libzoomws\n"
        "\n"
        "Exit status: 0 after SIGINT/SIGTERM or when stdout is closed, 1 on a permanent\n"
        "failure (e.g. credentials refused), 2 on a usage or configuration error.\n");
}

static const char *level_name(int level)
{
    switch (level) {
    case ZWS_LOG_ERROR: return "error";
    case ZWS_LOG_WARN: return "warn";
    case ZWS_LOG_INFO: return "info";
    default: return "debug";
    }
}

/* Without -v, drop library lines that the status lines below already say:
 * the "state A -> B: why" log of each transition, and the echo of each error
 * (last_error followed by " (strerror)") that the next transition reports. */
static bool repeats_status(zws_client *c, const char *line)
{
    if (!strncmp(line, "state ", 6))
        return true;
    const char *last = zws_client_last_error(c);
    size_t n = strlen(last);
    return n && !strncmp(line, last, n) && !strncmp(line + n, " (", 2);
}

static void on_log(zws_client *c, int level, const char *line, void *user)
{
    struct app *app = user;
    if (app->output_gone || (app->verbosity < 1 && repeats_status(c, line)))
        return;
    fprintf(stderr, PROG ": [libzoomws %s] %s\n", level_name(level), line);
}

static void on_state(zws_client *c, const zws_status *st, void *user)
{
    (void)c;
    struct app *app = user;
    int state = zws_status_state(st);
    int prev = zws_status_previous(st);
    const char *msg = zws_status_message(st);

    if (state == ZWS_STATE_CLOSED && zws_status_permanent(st)) {
        /* reported by main once the loop ends, with a hint */
        app->fatal = zws_status_error(st);
        snprintf(app->fatal_msg, sizeof app->fatal_msg, "%s", msg);
        return;
    }
    if (app->output_gone)
        return;
    if (state == ZWS_STATE_OPEN && zws_status_gap_ms(st) > 0) {
        /* data loss: shown even with -q */
        fprintf(stderr,
                PROG ": reconnected after a gap of %" PRId64 " ms \xe2\x80\x94 events during the "
                "gap are lost (Zoom does not replay them)\n",
                zws_status_gap_ms(st));
        return;
    }
    if (app->verbosity < 0)
        return;
    switch (state) {
    case ZWS_STATE_AUTHENTICATING:
    case ZWS_STATE_CONNECTING:
        /* one line per attempt, not one per step */
        if (prev == ZWS_STATE_IDLE || prev == ZWS_STATE_BACKOFF || prev == ZWS_STATE_CLOSED)
            fprintf(stderr, PROG ": connecting (attempt %d)\n", zws_status_attempt(st));
        break;
    case ZWS_STATE_OPEN:
        fprintf(stderr, PROG ": OPEN\n");
        break;
    case ZWS_STATE_BACKOFF:
        fprintf(stderr, PROG ": BACKOFF retry in %" PRId64 " ms (%s", zws_status_retry_ms(st),
                *msg ? msg : zws_strerror(zws_status_error(st)));
        if (zws_status_close_code(st) && !strstr(msg, "close"))
            fprintf(stderr, "; close code %d %s", zws_status_close_code(st),
                    zws_status_close_reason(st));
        fprintf(stderr, ")\n");
        break;
    case ZWS_STATE_CLOSING:
        fprintf(stderr, PROG ": CLOSING\n");
        break;
    case ZWS_STATE_CLOSED:
        fprintf(stderr, PROG ": CLOSED (%llu event%s printed)\n", app->events,
                app->events == 1 ? "" : "s");
        break;
    default:
        break;
    }
}

static void output_failed(zws_client *c, struct app *app)
{
    if (app->output_gone)
        return;
    app->output_gone = true;
    app->output_errno = errno;
    zws_client_stop(c); /* a graceful close: we run until CLOSED, then exit */
}

/* Registered first for "*": runs before the pattern handlers of each event,
 * so an event matching several --events patterns is printed once. */
static void on_event_begin(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev;
    ((struct app *)user)->event_printed = false;
}

static void on_event(zws_client *c, const zws_event *ev, void *user)
{
    struct app *app = user;
    if (app->event_printed || app->output_gone)
        return;
    app->event_printed = true;
    if (output_event_line(stdout, zws_event_json(ev), zws_event_json_len(ev)) < 0)
        output_failed(c, app);
    else
        app->events++;
}

static const char *hint_for(int err)
{
    switch (err) {
    case ZWS_E_AUTH: return "check ZOOM_CLIENT_ID/ZOOM_CLIENT_SECRET/ZOOM_ACCOUNT_ID";
    case ZWS_E_TLS_VERIFY: return "check ZOOM_CA_FILE / the system CA store";
    case ZWS_E_HTTP: return "check ZOOM_OAUTH_URL (the token endpoint)";
    default: return NULL;
    }
}

static int die_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, PROG ": ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see " PROG " --help)\n");
    return EXIT_USAGE;
}

/* Returns -1 to go on, or an exit status. */
static int parse_args(int argc, char **argv, struct options *o)
{
    enum { O_ENV_FILE = 256, O_INSECURE, O_ACCOUNT, O_CLIENT, O_SECRET, O_SUB, O_OAUTH, O_WS,
           O_CA, O_HEARTBEAT, O_EVENTS, O_VERSION };
    static const struct option longopts[] = {
        {"env-file", required_argument, NULL, O_ENV_FILE},
        {"insecure-env-file", no_argument, NULL, O_INSECURE},
        {"account-id", required_argument, NULL, O_ACCOUNT},
        {"client-id", required_argument, NULL, O_CLIENT},
        {"client-secret", required_argument, NULL, O_SECRET},
        {"subscription", required_argument, NULL, O_SUB},
        {"oauth-url", required_argument, NULL, O_OAUTH},
        {"ws-url", required_argument, NULL, O_WS},
        {"ca-file", required_argument, NULL, O_CA},
        {"heartbeat-ms", required_argument, NULL, O_HEARTBEAT},
        {"events", required_argument, NULL, O_EVENTS},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, O_VERSION},
        {NULL, 0, NULL, 0},
    };
    opterr = 0; /* our own messages, in our own format */
    int ch;
    while ((ch = getopt_long(argc, argv, ":vqh", longopts, NULL)) != -1) {
        switch (ch) {
        case O_ENV_FILE: o->env_file = optarg; break;
        case O_INSECURE: o->insecure_env_file = true; break;
        case O_ACCOUNT: o->account_id = optarg; break;
        case O_CLIENT: o->client_id = optarg; break;
        case O_SECRET: o->client_secret = optarg; break;
        case O_SUB: o->subscription = optarg; break;
        case O_OAUTH: o->oauth_url = optarg; break;
        case O_WS: o->ws_url = optarg; break;
        case O_CA: o->ca_file = optarg; break;
        case O_HEARTBEAT: o->heartbeat_ms = optarg; break;
        case O_EVENTS:
            if (o->npatterns == MAX_PATTERNS)
                return die_usage("too many --events patterns (at most %s)", "64");
            o->patterns[o->npatterns++] = optarg;
            break;
        case 'v': o->verbosity = 1; break;
        case 'q': o->verbosity = -1; break;
        case 'h': usage(stdout); return 0;
        case O_VERSION:
            printf(PROG " %d.%d.%d (libzoomws %s at run time)\n", ZWS_VERSION_MAJOR,
                   ZWS_VERSION_MINOR, ZWS_VERSION_PATCH, zws_version());
            return 0;
        case ':': return die_usage("option %s needs a value", argv[optind - 1]);
        default:
            if (optopt) { /* a short option: argv may group several */
                char opt[3] = {'-', (char)optopt, '\0'};
                return die_usage("unknown option %s", opt);
            }
            return die_usage("unknown option %s", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return die_usage("unexpected argument: %s", argv[optind]);
    if (o->npatterns == 0)
        o->patterns[o->npatterns++] = "*";
    return -1;
}

/* A required setting comes from its flag or its (possibly .env-set) variable;
 * "" counts as unset, as it does for zws_client_set_str. */
static bool provided(const char *flag_value, const char *var)
{
    const char *v = flag_value ? flag_value : getenv(var);
    return v && *v;
}

static int check_required(const struct options *o)
{
    static const char *const vars[] = {"ZOOM_CLIENT_ID", "ZOOM_CLIENT_SECRET",
                                       "ZOOM_SUBSCRIPTION_ID"};
    static const char *const flags[] = {"--client-id", "--client-secret", "--subscription"};
    const char *values[] = {o->client_id, o->client_secret, o->subscription};
    int missing = 0;
    for (int i = 0; i < 3; i++) {
        if (provided(values[i], vars[i]))
            continue;
        fprintf(stderr, PROG ": error: missing configuration: %s is not set (or pass %s)\n",
                vars[i], flags[i]);
        missing++;
    }
    if (missing)
        fprintf(stderr, PROG ": set them in the environment or in a file given with "
                        "--env-file (see " PROG " --help)\n");
    return missing ? EXIT_USAGE : -1;
}

/* Flags override the environment. Order as in zws_client_config_from_env:
 * the WebSocket URL before the subscription, so a full endpoint URL wins. */
static int apply_flags(zws_client *c, const struct options *o)
{
    /* echo: whether an invalid value may be quoted back (never a credential) */
    const struct { const char *value; int option; bool echo; const char *invalid; } flags[] = {
        {o->account_id, ZWS_OPT_ACCOUNT_ID, false, "--account-id: %s"},
        {o->client_id, ZWS_OPT_CLIENT_ID, false, "--client-id: %s"},
        {o->client_secret, ZWS_OPT_CLIENT_SECRET, false, "--client-secret: %s"},
        {o->ws_url, ZWS_OPT_WS_URL, true, "--ws-url: expected a ws:// or wss:// URL, got '%s'"},
        {o->subscription, ZWS_OPT_SUBSCRIPTION, true,
         "--subscription: expected an id, or an endpoint URL with ?subscriptionId=, got '%s'"},
        {o->oauth_url, ZWS_OPT_OAUTH_URL, true, "--oauth-url: expected an https:// URL, got '%s'"},
        {o->ca_file, ZWS_OPT_CA_FILE, false, "--ca-file: %s"},
    };
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        if (!flags[i].value)
            continue;
        int rc = zws_client_set_str(c, flags[i].option, flags[i].value);
        if (rc < 0)
            return die_usage(flags[i].invalid, rc == ZWS_E_INVALID && flags[i].echo
                                                   ? flags[i].value
                                                   : zws_strerror(rc));
    }
    if (o->client_secret) /* best effort: hide it from later reads of /proc/PID/cmdline */
        explicit_bzero((char *)o->client_secret, strlen(o->client_secret));
    if (o->heartbeat_ms) {
        char *end;
        errno = 0;
        long long ms = strtoll(o->heartbeat_ms, &end, 10);
        if (errno || end == o->heartbeat_ms || *end ||
            zws_client_set_int(c, ZWS_OPT_HEARTBEAT_MS, ms) < 0)
            return die_usage("--heartbeat-ms: expected milliseconds between 1 and 86400000, "
                             "got '%s'", o->heartbeat_ms);
    }
    return -1;
}

static int register_handlers(zws_client *c, const struct options *o, struct app *app)
{
    if (zws_client_on(c, "*", on_event_begin, app) < 0)
        return die_usage("%s", "out of memory");
    for (size_t i = 0; i < o->npatterns; i++) {
        int rc = zws_client_on(c, o->patterns[i], on_event, app);
        if (rc == ZWS_E_INVALID)
            return die_usage("--events '%s': a pattern is an exact event name, a prefix "
                             "ending in '*' (meeting.*), or '*'", o->patterns[i]);
        if (rc < 0)
            return die_usage("%s", "out of memory");
    }
    return -1;
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* a closed stdout must show up as EPIPE from write, not kill us */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
}

/* The event loop: wait on the client's fd, dispatch, flush what the
 * dispatch printed. Returns the permanent error, or 0. */
static int run(zws_client *c, struct app *app)
{
    int fd = zws_client_get_fd(c);
    int result = 0;
    /* Dispatch once before the first wait. Needed with libzoomws builds whose
     * zws_client_connect() set the first timer without arming the fd (it then
     * never became readable: a hang in AUTHENTICATING); harmless otherwise,
     * since dispatch never blocks and may be called at any time. */
    bool wait = false;
    /* Also watch stdout for errors (events = 0): a pipe whose reader left
     * reports POLLERR at once, so `| head` ends us even when no event comes. */
    while (zws_client_state(c) != ZWS_STATE_CLOSED) {
        struct pollfd pfd[2] = {
            {.fd = fd, .events = POLLIN},
            {.fd = app->output_gone ? -1 : STDOUT_FILENO, .events = 0},
        };
        if (wait && poll(pfd, 2, -1) < 0) {
            if (errno == EINTR)
                continue; /* a signal: its stop request makes the fd readable */
            fprintf(stderr, PROG ": error: poll: %s\n", strerror(errno));
            return ZWS_E_SYSTEM;
        }
        wait = true;
        if (pfd[1].revents & (POLLERR | POLLHUP)) {
            errno = EPIPE;
            output_failed(c, app);
        }
        int rc = zws_client_dispatch(c);
        if (!app->output_gone && fflush(stdout) == EOF)
            output_failed(c, app);
        if (rc < 0) {
            result = rc;
            if (zws_client_state(c) != ZWS_STATE_CLOSED) { /* e.g. ZWS_E_SYSTEM */
                snprintf(app->fatal_msg, sizeof app->fatal_msg, "%s",
                         *zws_client_last_error(c) ? zws_client_last_error(c) : zws_strerror(rc));
                return rc;
            }
        }
    }
    return result ? result : app->fatal;
}

/* If fd 0, 1 or 2 is closed, the next descriptor opened (the library's epoll
 * fd, a TLS socket) would take its number and receive our output. Refuse a
 * closed stdout (the events have nowhere to go); plug stdin/stderr with /dev/null. */
static bool std_fds_ok(void)
{
    for (int fd = 0; fd <= 2; fd++) {
        if (fcntl(fd, F_GETFD) >= 0)
            continue;
        int nul = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (nul != fd) /* open returns the lowest free number: fd itself */
            return false;
        if (fd == STDOUT_FILENO) {
            fprintf(stderr, PROG ": error: stdout is closed; nowhere to print events\n");
            return false;
        }
    }
    return true;
}

int main(int argc, char **argv)
{
    if (!std_fds_ok())
        return EXIT_USAGE;
    struct options o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0)
        return rc;

    if (o.env_file) {
        char err[512];
        if (envfile_load(o.env_file, o.insecure_env_file, err, sizeof err) < 0) {
            fprintf(stderr, PROG ": error: %s\n", err);
            return EXIT_USAGE;
        }
    }
    if ((rc = check_required(&o)) >= 0)
        return rc;

    static char outbuf[STDOUT_BUFFER];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);

    struct app app;
    memset(&app, 0, sizeof app);
    app.verbosity = o.verbosity;
    zws_client *c = zws_client_new();
    if (!c) {
        fprintf(stderr, PROG ": error: out of memory\n");
        return EXIT_RUNTIME;
    }
    zws_client_set_log_cb(c, on_log, &app);
    zws_client_set_int(c, ZWS_OPT_LOG_LEVEL,
                       o.verbosity > 0 ? ZWS_LOG_DEBUG
                       : o.verbosity < 0 ? ZWS_LOG_ERROR
                                         : ZWS_LOG_WARN);
    zws_client_set_state_cb(c, on_state, &app);

    int status = EXIT_USAGE;
    if (zws_client_config_from_env(c) < 0) {
        fprintf(stderr, PROG ": error: %s\n", zws_client_last_error(c));
        goto out;
    }
    if ((rc = apply_flags(c, &o)) >= 0 || (rc = register_handlers(c, &o, &app)) >= 0) {
        status = rc;
        goto out;
    }

    g_client = c;
    install_signals();
    rc = zws_client_connect(c);
    if (rc < 0) {
        fprintf(stderr, PROG ": error: %s\n", zws_client_last_error(c));
        status = rc == ZWS_E_CONFIG ? EXIT_USAGE : EXIT_RUNTIME;
        goto out;
    }

    rc = run(c, &app);
    status = 0;
    if (app.output_gone && app.output_errno != EPIPE) {
        fprintf(stderr, PROG ": error: writing events to stdout: %s\n", strerror(app.output_errno));
        status = EXIT_RUNTIME;
    } else if (rc < 0) {
        const char *msg = *app.fatal_msg ? app.fatal_msg : zws_client_last_error(c);
        const char *hint = hint_for(rc);
        fprintf(stderr, PROG ": error: %s\n", *msg ? msg : zws_strerror(rc));
        if (hint)
            fprintf(stderr, PROG ": hint: %s\n", hint);
        status = EXIT_RUNTIME;
    }

out:
    g_client = NULL; /* before the free: a late signal must not touch it */
    zws_client_free(c);
    return status;
}
