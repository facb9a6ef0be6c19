/* zws_group: many clients on one fd. Every client of a group reaches OPEN and
 * gets every event in order; grouped clients own no epoll set, timerfd or
 * eventfd; heartbeats and reconnects run for each; zws_client_stop from
 * another thread wakes the group and stops that client alone; clients leave
 * a running group cleanly; the API refuses what it documents it refuses. */
#include <dirent.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

typedef struct member {
    zws_client *c;
    transition_log states;
    event_log events;
} member;

typedef struct fleet {
    zws_group *g;
    member *m;
    int n;
    int want;      /* events each member must have (has_all_events) */
    int want_open; /* OPEN transitions each member must have had (opened_again) */
} fleet;

static int open_fds(void)
{
    int n = 0;
    DIR *d = opendir("/proc/self/fd");
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n - 1; /* the directory's own */
}

/* n clients for the mock, each logging its states and events, all in one group. */
static fleet *fleet_new(mock *mk, int n)
{
    fleet *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->m = calloc((size_t)n, sizeof *f->m);
    assert_non_null(f->m);
    f->n = n;
    f->g = zws_group_new();
    assert_non_null(f->g);
    for (int i = 0; i < n; i++) {
        member *m = &f->m[i];
        m->c = client_logged(mk, &m->states);
        assert_non_null(m->c);
        assert_true(zws_client_on(m->c, "*", record_event, &m->events) > 0);
        assert_int_equal(zws_group_add(f->g, m->c), 0);
    }
    return f;
}

static void fleet_free(fleet *f)
{
    zws_group_free(f->g); /* frees the members still in it */
    free(f->m);
    free(f);
}

/* Polls the group's fd and dispatches the group until done(user) or timeout_ms. */
static bool group_until(zws_group *g, bool (*done)(void *), void *user, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (!done || !done(user)) {
        int64_t left = deadline - now_ms();
        if (left <= 0)
            return false;
        struct pollfd p = {.fd = zws_group_get_fd(g), .events = POLLIN};
        poll(&p, 1, (int)(left > 100 ? 100 : left));
        assert_int_equal(zws_group_dispatch(g), 0);
    }
    return true;
}

static void group_for(zws_group *g, int ms)
{
    group_until(g, NULL, NULL, ms);
}

static bool all_open(void *p)
{
    fleet *f = p;
    for (int i = 0; i < f->n; i++)
        if (f->m[i].c && zws_client_state(f->m[i].c) != ZWS_STATE_OPEN)
            return false;
    return true;
}

static bool has_all_events(void *p)
{
    fleet *f = p;
    for (int i = 0; i < f->n; i++)
        if (f->m[i].c && f->m[i].events.count < f->want)
            return false;
    return true;
}

static bool opened_again(void *p)
{
    fleet *f = p;
    for (int i = 0; i < f->n; i++)
        if (zws_client_state(f->m[i].c) != ZWS_STATE_OPEN ||
            count_state(&f->m[i].states, ZWS_STATE_OPEN) < f->want_open)
            return false;
    return true;
}

static void connect_all(fleet *f)
{
    for (int i = 0; i < f->n; i++)
        assert_int_equal(zws_client_connect(f->m[i].c), 0);
    assert_true(group_until(f->g, all_open, f, 20000));
}

/* Sends events seq first..last (payload.object.seq) through /_mock/events. */
static void post_events(mock *mk, int first, int last, size_t pad)
{
    size_t cap = (size_t)(last - first + 1) * (pad + 160) + 1;
    char *body = malloc(cap), *filler = malloc(pad + 1);
    assert_non_null(body);
    assert_non_null(filler);
    memset(filler, 'x', pad);
    filler[pad] = '\0';
    size_t len = 0;
    for (int k = first; k <= last; k++)
        len += (size_t)snprintf(body + len, cap - len,
                                "{\"event\":\"meeting.participant_joined\",\"event_ts\":%d,"
                                "\"payload\":{\"object\":{\"seq\":%d,\"pad\":\"%s\"}}}\n",
                                k, k, filler);
    assert_int_equal(mock_control(mk, "POST", "/_mock/events", body), 200);
    free(filler);
    free(body);
}

static void many_clients_get_every_event_in_order_on_four_descriptors_less_each(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    zws_client_free(zws_client_new()); /* one-time library set-up, outside the count */
    int before = open_fds();
    enum { N = 60, EVENTS = 25 };
    fleet *f = fleet_new(&mk, N);
    /* the group's three descriptors; the clients' own were closed when added */
    assert_int_equal(open_fds() - before, 3);
    connect_all(f);
    group_for(f->g, 200); /* libcurl handles released after the connects */
    int fds = open_fds() - before;
    assert_true(fds >= N + 3);
    assert_true(fds <= N + 3 + 4); /* one socket each (a standalone client holds four) */
    assert_int_equal(mock_stat(&mk, "ws_open"), N);

    post_events(&mk, 1, EVENTS, 0);
    f->want = EVENTS;
    assert_true(group_until(f->g, has_all_events, f, 10000));
    for (int i = 0; i < N; i++) {
        member *m = &f->m[i];
        assert_int_equal(m->events.count, EVENTS);
        assert_int_equal(m->events.seqs_in_order, EVENTS);
        assert_int_equal(m->events.out_of_order, 0);
        assert_int_equal(count_state(&m->states, ZWS_STATE_OPEN), 1);
        assert_int_equal(zws_client_get_fd(m->c), zws_group_get_fd(f->g));
    }
    fleet_free(f);
    assert_int_equal(open_fds(), before);
    mock_stop(&mk);
}

/* Messages larger than a client's read budget per dispatch (256 KiB) take
 * several dispatches: the wake-ups that continue them reach the right client. */
static void large_messages_span_dispatches_for_every_client(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    fleet *f = fleet_new(&mk, 4);
    connect_all(f);
    post_events(&mk, 1, 3, 700 * 1024);
    f->want = 3;
    assert_true(group_until(f->g, has_all_events, f, 15000));
    for (int i = 0; i < f->n; i++) {
        assert_int_equal(f->m[i].events.seqs_in_order, 3);
        assert_int_equal(count_state(&f->m[i].states, ZWS_STATE_OPEN), 1);
    }
    fleet_free(f);
    mock_stop(&mk);
}

/* The server closes a connection that sends nothing for 800 ms: only a client
 * whose own heartbeat timer keeps firing stays connected for 2.5 s. */
static void every_client_heartbeats_on_its_own_interval(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", "--idle-timeout", "800", NULL));
    fleet *f = fleet_new(&mk, 5);
    for (int i = 0; i < f->n; i++)
        assert_int_equal(zws_client_set_int(f->m[i].c, ZWS_OPT_HEARTBEAT_MS, 80 + 40 * i), 0);
    connect_all(f);
    int64_t hb0 = mock_stat(&mk, "heartbeats");
    group_for(f->g, 2500);
    for (int i = 0; i < f->n; i++) {
        assert_int_equal(zws_client_state(f->m[i].c), ZWS_STATE_OPEN);
        assert_int_equal(count_state(&f->m[i].states, ZWS_STATE_OPEN), 1);
    }
    /* 2.5 s at 80..240 ms intervals: about 31+21+16+12+10 (fewer when timers run late) */
    int64_t beats = mock_stat(&mk, "heartbeats") - hb0;
    assert_true(beats >= 45);
    assert_true(beats <= 110);
    assert_int_equal(mock_stat(&mk, "closes_received"), 0);
    fleet_free(f);
    mock_stop(&mk);
}

static void grouped_clients_reconnect_after_a_drop(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    int before = open_fds();
    fleet *f = fleet_new(&mk, 8);
    connect_all(f);
    assert_int_equal(mock_control(&mk, "POST", "/_mock/drop", NULL), 200);
    f->want_open = 2;
    assert_true(group_until(f->g, opened_again, f, 10000));
    group_for(f->g, 200);
    for (int i = 0; i < f->n; i++) {
        assert_int_equal(count_state(&f->m[i].states, ZWS_STATE_OPEN), 2);
        assert_int_equal(count_state(&f->m[i].states, ZWS_STATE_BACKOFF), 1);
    }
    assert_true(open_fds() - before <= f->n + 3 + 4);
    fleet_free(f);
    mock_stop(&mk);
}

typedef struct stopper {
    zws_client *c;
    int delay_ms;
} stopper;

static void *stop_later(void *arg)
{
    stopper *s = arg;
    usleep((useconds_t)s->delay_ms * 1000);
    zws_client_stop(s->c);
    return NULL;
}

static void stop_from_another_thread_wakes_the_group_and_stops_one(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    fleet *f = fleet_new(&mk, 4);
    connect_all(f);
    group_for(f->g, 300); /* quiet now: no events, heartbeats every 30 s */
    stopper s = {f->m[2].c, 300};
    pthread_t th;
    assert_int_equal(pthread_create(&th, NULL, stop_later, &s), 0);
    /* nothing else can make the fd readable within 5 s: the stop must */
    struct pollfd p = {.fd = zws_group_get_fd(f->g), .events = POLLIN};
    int64_t t0 = now_ms();
    assert_int_equal(poll(&p, 1, 5000), 1);
    assert_true(now_ms() - t0 < 2000);
    pthread_join(th, NULL);
    wait_state closed = {f->m[2].c, ZWS_STATE_CLOSED};
    assert_true(group_until(f->g, is_state, &closed, 5000));
    group_for(f->g, 200);
    for (int i = 0; i < f->n; i++)
        assert_int_equal(zws_client_state(f->m[i].c), i == 2 ? ZWS_STATE_CLOSED : ZWS_STATE_OPEN);
    assert_int_equal(count_state(&f->m[2].states, ZWS_STATE_CLOSING), 1);
    assert_int_equal(mock_stat(&mk, "closes_received"), 1);
    assert_int_equal(mock_stat(&mk, "last_close_code"), 1000);
    assert_int_equal(mock_stat(&mk, "ws_open"), 3);
    fleet_free(f);
    mock_stop(&mk);
}

/* A handler of one client frees another client of the same group. */
typedef struct killer {
    fleet *f;
    int victim;
} killer;

static void free_victim(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev;
    killer *k = user;
    member *v = &k->f->m[k->victim];
    if (v->c) {
        zws_client_free(v->c);
        v->c = NULL;
    }
}

static void freeing_clients_leaves_the_others_running(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    fleet *f = fleet_new(&mk, 5);
    connect_all(f);
    /* from outside: member 0 */
    zws_client_free(f->m[0].c);
    f->m[0].c = NULL;
    /* from inside a dispatch: the first event member 1 gets frees member 3
     * (whose own events may be in the same dispatch) */
    killer k = {f, 3};
    assert_true(zws_client_on(f->m[1].c, "*", free_victim, &k) > 0);
    post_events(&mk, 1, 5, 0);
    f->want = 5;
    assert_true(group_until(f->g, has_all_events, f, 10000));
    assert_null(f->m[3].c);
    for (int i = 1; i < f->n; i++) {
        if (!f->m[i].c)
            continue;
        assert_int_equal(f->m[i].events.seqs_in_order, 5);
        assert_int_equal(zws_client_state(f->m[i].c), ZWS_STATE_OPEN);
    }
    group_for(f->g, 300);
    assert_int_equal(mock_stat(&mk, "ws_open"), 3);
    /* a new client joins the running group and gets the next events too */
    member *m = &f->m[0];
    memset(m, 0, sizeof *m);
    m->c = client_logged(&mk, &m->states);
    assert_true(zws_client_on(m->c, "*", record_event, &m->events) > 0);
    assert_int_equal(zws_group_add(f->g, m->c), 0);
    assert_int_equal(zws_client_connect(m->c), 0);
    assert_true(group_until(f->g, all_open, f, 10000));
    post_events(&mk, 6, 8, 0);
    f->want = 3;
    assert_true(group_until(f->g, has_all_events, f, 10000));
    assert_int_equal(m->events.count, 3);
    assert_int_equal(f->m[1].events.count, 8);
    fleet_free(f);
    mock_stop(&mk);
}

static void stop_own_after_three(zws_client *c, const zws_event *ev, void *user)
{
    (void)ev;
    if (++*(int *)user == 3)
        zws_client_stop(c);
}

static int dispatch_rc_in_callback = 1;
static zws_group *current_group;
static void dispatch_inside(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev, (void)user;
    dispatch_rc_in_callback = zws_group_dispatch(current_group);
}

/* A watchdog for the blocking zws_group_run: a group that never settles is
 * stopped (async-signal-safe) and the test fails instead of hanging. */
static fleet *watched;
static volatile sig_atomic_t watchdog_fired;
static void on_watchdog(int sig)
{
    (void)sig;
    watchdog_fired = 1;
    for (int i = 0; i < watched->n; i++)
        zws_client_stop(watched->m[i].c);
}

/* zws_group_run connects the IDLE clients and returns once none is running;
 * a stop requested before the client joined is kept. */
static void group_run_returns_when_every_client_is_closed(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--rate", "50", NULL));
    fleet *f = fleet_new(&mk, 4);
    int counts[4] = {0};
    for (int i = 0; i < 3; i++)
        assert_true(zws_client_on(f->m[i].c, "*", stop_own_after_three, &counts[i]) > 0);
    current_group = f->g;
    assert_true(zws_client_on(f->m[0].c, "*", dispatch_inside, NULL) > 0);
    /* member 3 is replaced by a client stopped while IDLE, before it joined */
    zws_client *late = client_logged(&mk, &f->m[3].states);
    zws_client_free(f->m[3].c);
    f->m[3].c = late;
    zws_client_stop(late);
    assert_int_equal(zws_group_add(f->g, late), 0);
    watched = f;
    watchdog_fired = 0;
    signal(SIGALRM, on_watchdog);
    alarm(20);
    int rc = zws_group_run(f->g);
    alarm(0);
    signal(SIGALRM, SIG_DFL);
    assert_false(watchdog_fired);
    assert_int_equal(rc, 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(zws_client_state(f->m[i].c), ZWS_STATE_CLOSED);
    for (int i = 0; i < 3; i++)
        assert_int_equal(counts[i], 3);
    assert_int_equal(count_state(&f->m[3].states, ZWS_STATE_OPEN), 0);
    assert_int_equal(dispatch_rc_in_callback, ZWS_E_STATE);
    /* nothing running: returns at once */
    assert_int_equal(zws_group_run(f->g), 0);
    fleet_free(f);
    mock_stop(&mk);
}

static void api_refuses_misuse(void **state)
{
    (void)state;
    mock mk;
    assert_true(mock_start(&mk, "--count", "0", NULL));
    zws_group *g = zws_group_new(), *other = zws_group_new();
    assert_non_null(g);
    assert_non_null(other);
    zws_client *c = client_for(&mk);
    assert_int_equal(zws_group_add(NULL, c), ZWS_E_INVALID);
    assert_int_equal(zws_group_add(g, NULL), ZWS_E_INVALID);
    assert_int_equal(zws_group_get_fd(NULL), ZWS_E_INVALID);
    assert_int_equal(zws_group_dispatch(NULL), ZWS_E_INVALID);
    assert_int_equal(zws_group_run(NULL), ZWS_E_INVALID);
    zws_group_free(NULL);
    assert_true(zws_group_get_fd(g) >= 0);
    assert_int_not_equal(zws_group_get_fd(g), zws_group_get_fd(other));
    assert_int_equal(zws_group_dispatch(g), 0); /* empty: nothing to do */
    assert_int_equal(zws_group_run(g), 0);      /* empty: nothing runs */

    /* a started client cannot join */
    zws_client *started = client_for(&mk);
    assert_int_equal(zws_client_connect(started), 0);
    assert_int_equal(zws_group_add(g, started), ZWS_E_STATE);
    zws_client_free(started);

    /* joining closes the client's own three descriptors */
    int fds = open_fds();
    assert_int_equal(zws_group_add(g, c), 0);
    assert_int_equal(open_fds(), fds - 3);
    assert_int_equal(zws_group_add(g, c), ZWS_E_STATE);
    assert_int_equal(zws_group_add(other, c), ZWS_E_STATE);
    assert_int_equal(zws_client_get_fd(c), zws_group_get_fd(g));
    assert_int_equal(zws_client_dispatch(c), ZWS_E_STATE);
    assert_int_equal(zws_client_run(c), ZWS_E_STATE);
    assert_int_equal(zws_client_state(c), ZWS_STATE_IDLE);

    /* a CLOSED client may join: stopped standalone, then grouped and reconnected */
    transition_log log = {0};
    zws_client *d = client_logged(&mk, &log);
    assert_true(connect_and_open(d));
    zws_client_stop(d);
    wait_state closed = {d, ZWS_STATE_CLOSED};
    assert_true(run_until(d, is_state, &closed, 5000));
    assert_int_equal(zws_group_add(g, d), 0);
    assert_int_equal(zws_client_connect(d), 0);
    wait_state open = {d, ZWS_STATE_OPEN};
    assert_true(group_until(g, is_state, &open, 10000));
    assert_int_equal(count_state(&log, ZWS_STATE_OPEN), 2);
    zws_group_free(other);
    zws_group_free(g); /* frees c and d */
    mock_stop(&mk);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(many_clients_get_every_event_in_order_on_four_descriptors_less_each),
        cmocka_unit_test(large_messages_span_dispatches_for_every_client),
        cmocka_unit_test(every_client_heartbeats_on_its_own_interval),
        cmocka_unit_test(grouped_clients_reconnect_after_a_drop),
        cmocka_unit_test(stop_from_another_thread_wakes_the_group_and_stops_one),
        cmocka_unit_test(freeing_clients_leaves_the_others_running),
        cmocka_unit_test(group_run_returns_when_every_client_is_closed),
        cmocka_unit_test(api_refuses_misuse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
