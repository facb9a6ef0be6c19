/* Threads and signals: distinct clients run on distinct threads and are
 * stopped from a third, and zws_client_stop from a signal handler ends
 * zws_client_run, whether the signal interrupts the wait or a dispatch. */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

/* One client driven by zws_client_run on its own thread. */
typedef struct runner {
    zws_client *client;
    pthread_t thread;
    atomic_int events;
    atomic_bool finished;
    int rc;
    transition_log states;
} runner;

static void count_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev;
    atomic_fetch_add(&((runner *)user)->events, 1);
}

static void *run_thread(void *arg)
{
    runner *r = arg;
    r->rc = zws_client_run(r->client);
    atomic_store(&r->finished, true);
    return NULL;
}

static void runner_start(runner *r, mock *m)
{
    memset(r, 0, sizeof *r);
    atomic_init(&r->events, 0);
    atomic_init(&r->finished, false);
    r->rc = 1;
    r->client = client_for(m);
    assert_non_null(r->client);
    zws_client_set_state_cb(r->client, record_state, &r->states);
    assert_true(zws_client_on(r->client, "*", count_event, r) > 0);
    assert_int_equal(pthread_create(&r->thread, NULL, run_thread, r), 0);
}

/* Joins with a deadline: a run that does not return after a stop fails the
 * test (the simulator is stopped first so that nothing outlives the program). */
static void runner_join(runner *r, mock *m, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    while (!atomic_load(&r->finished) && now_ms() < deadline)
        usleep(1000);
    if (!atomic_load(&r->finished)) {
        mock_stop(m);
        fail_msg("zws_client_run did not return %d ms after the stop", timeout_ms);
    }
    pthread_join(r->thread, NULL);
}

/* Waits until every runner has received at least one event. */
static bool wait_events_all(runner **rs, int n, int timeout_ms)
{
    int64_t deadline = now_ms() + timeout_ms;
    for (;;) {
        int ready = 0;
        for (int i = 0; i < n; i++)
            ready += atomic_load(&rs[i]->events) > 0;
        if (ready == n)
            return true;
        if (now_ms() > deadline)
            return false;
        usleep(10000);
    }
}

static void assert_stopped_gracefully(runner *r, int events_at_stop)
{
    assert_int_equal(r->rc, 0);
    assert_true(events_at_stop >= 1); /* it was running when stopped */
    assert_int_equal(zws_client_state(r->client), ZWS_STATE_CLOSED);
    assert_int_equal(count_state(&r->states, ZWS_STATE_CLOSING), 1); /* a close handshake */
    const transition *last = &r->states.t[r->states.count - 1];
    assert_int_equal(last->state, ZWS_STATE_CLOSED);
    assert_int_equal(last->error, 0);
    assert_int_equal(last->permanent, 0);
}

/* ------------------------------------------------ two threads, a third stops */

typedef struct stopper_args {
    runner *a, *b;
    int events_a, events_b; /* counts when the stop was requested */
    bool saw_events;
} stopper_args;

static void *stopper(void *arg)
{
    stopper_args *s = arg;
    runner *both[] = {s->a, s->b};
    s->saw_events = wait_events_all(both, 2, 10000);
    s->events_a = atomic_load(&s->a->events);
    s->events_b = atomic_load(&s->b->events);
    zws_client_stop(s->a->client);
    zws_client_stop(s->b->client);
    return NULL;
}

static void two_threads_stopped_from_a_third(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--rate", "50", NULL));
    runner a, b;
    runner_start(&a, &m);
    runner_start(&b, &m);
    stopper_args s = {.a = &a, .b = &b};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, stopper, &s), 0);
    pthread_join(t, NULL);
    runner_join(&a, &m, 10000);
    runner_join(&b, &m, 10000);
    assert_true(s.saw_events);
    assert_stopped_gracefully(&a, s.events_a);
    assert_stopped_gracefully(&b, s.events_b);
    /* the simulator saw both close frames, code 1000 */
    assert_int_equal(mock_stat(&m, "build_ok"), 2);
    assert_int_equal(mock_stat(&m, "closes_received"), 2);
    assert_int_equal(mock_stat(&m, "last_close_code"), 1000);
    zws_client_free(a.client);
    zws_client_free(b.client);
    mock_stop(&m);
}

/* ------------------------------------------------ stop from a signal handler */

static zws_client *signalled_client;

static void on_usr1(int sig)
{
    (void)sig;
    zws_client_stop(signalled_client);
}

static void install_usr1(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGUSR1, &sa, NULL), 0);
}

/* The signal interrupts the thread while it waits inside zws_client_run. */
static void stop_from_signal_handler_on_running_thread(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--rate", "50", NULL));
    install_usr1();
    runner r;
    runner_start(&r, &m);
    signalled_client = r.client;
    runner *one[] = {&r};
    assert_true(wait_events_all(one, 1, 10000));
    int events_at_stop = atomic_load(&r.events);
    assert_int_equal(pthread_kill(r.thread, SIGUSR1), 0);
    runner_join(&r, &m, 10000);
    assert_stopped_gracefully(&r, events_at_stop);
    assert_int_equal(mock_stat(&m, "closes_received"), 1);
    assert_int_equal(mock_stat(&m, "last_close_code"), 1000);
    signal(SIGUSR1, SIG_DFL);
    signalled_client = NULL;
    zws_client_free(r.client);
    mock_stop(&m);
}

/* raise() from an event handler: the signal handler runs inside dispatch. */
static int raised_after;

static void raise_on_event(zws_client *c, const zws_event *ev, void *user)
{
    (void)c, (void)ev;
    int *count = user;
    if (++*count == raised_after)
        raise(SIGUSR1);
}

static void stop_from_signal_raised_during_dispatch(void **state)
{
    (void)state;
    mock m;
    assert_true(mock_start(&m, "--rate", "50", NULL));
    install_usr1();
    transition_log states = {0};
    zws_client *c = client_logged(&m, &states);
    int count = 0;
    raised_after = 3;
    assert_true(zws_client_on(c, "*", raise_on_event, &count) > 0);
    signalled_client = c;
    assert_int_equal(zws_client_run(c), 0);
    assert_true(count >= 3);
    assert_int_equal(zws_client_state(c), ZWS_STATE_CLOSED);
    assert_int_equal(count_state(&states, ZWS_STATE_CLOSING), 1);
    assert_int_equal(states.t[states.count - 1].error, 0);
    assert_int_equal(mock_stat(&m, "closes_received"), 1);
    assert_int_equal(mock_stat(&m, "last_close_code"), 1000);
    signal(SIGUSR1, SIG_DFL);
    signalled_client = NULL;
    zws_client_free(c);
    mock_stop(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_threads_stopped_from_a_third),
        cmocka_unit_test(stop_from_signal_handler_on_running_thread),
        cmocka_unit_test(stop_from_signal_raised_during_dispatch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
