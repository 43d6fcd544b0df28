/*
 * A worker thread fed in batches (see rn_pipe.h).
 */
#include "rn_pipe.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "rn_thread.h"
#include "xmalloc.h"

struct rn_pipe_buf {
    unsigned char *data;
    size_t len, cap;
};

struct rn_pipe {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work; /* a batch was handed over, or stop */
    pthread_cond_t idle; /* the worker finished a batch */
    /* fill is the caller's alone.  queue holds the batches handed over,
     * oldest (the one the worker runs) at head; spare the emptied ones
     * for fill to take turns with.  Both under mu. */
    struct rn_pipe_buf fill;
    struct rn_pipe_buf *queue, *spare;
    size_t depth, head, queued, nspare;
    size_t batch;
    int stop;
    rn_pipe_run_fn *fn;
    void *ctx;
    /* The worker's first failure (under mu). */
    enum rn_rc rc;
    struct rn_err err;
};

/* The pipe whose worker the calling thread is, if any. */
static _Thread_local const struct rn_pipe *rn_pipe_self;

/* The worker's loop: run the oldest batch, then give its buffer back. */
static void *
rn_pipe_main(void *arg)
{
    struct rn_pipe *p = arg;

    rn_pipe_self = p;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct rn_err err = {RN_OK, ""};
        struct rn_pipe_buf *b;
        enum rn_rc rc = RN_OK;
        int failed;

        while (p->queued == 0 && !p->stop)
            pthread_cond_wait(&p->work, &p->mu);
        if (p->queued == 0)
            break;
        b = &p->queue[p->head];
        failed = p->rc != RN_OK;
        pthread_mutex_unlock(&p->mu);
        /* After a failure the rest is dropped (the caller undoes it all). */
        if (!failed)
            rc = p->fn(p->ctx, b->data, b->len, &err);
        pthread_mutex_lock(&p->mu);
        b->len = 0;
        p->spare[p->nspare++] = *b;
        p->head = (p->head + 1) % p->depth;
        p->queued--;
        if (rc != RN_OK && p->rc == RN_OK) {
            p->rc = rc;
            p->err = err;
        }
        pthread_cond_signal(&p->idle);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Free what rn_pipe_start allocated (the thread is not running). */
static void
rn_pipe_free(struct rn_pipe *p)
{
    size_t i;

    free(p->fill.data);
    for (i = 0; i < p->nspare; i++)
        free(p->spare[i].data);
    free(p->spare);
    free(p->queue);
    free(p);
}

struct rn_pipe *
rn_pipe_start(rn_pipe_run_fn *run, void *ctx, size_t batch, size_t depth)
{
    struct rn_pipe *p = xcalloc(1, sizeof *p);

    p->batch = batch > 0 ? batch : 1;
    p->depth = depth > 0 ? depth : 1;
    /* Every buffer is in fill, the queue or spare: depth + 1 in all. */
    p->queue = xcalloc(p->depth, sizeof *p->queue);
    p->spare = xcalloc(p->depth + 1, sizeof *p->spare);
    p->fn = run;
    p->ctx = ctx;
    p->rc = RN_OK;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        rn_pipe_free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->work, NULL) != 0) {
        pthread_mutex_destroy(&p->mu);
        rn_pipe_free(p);
        return NULL;
    }
    if (pthread_cond_init(&p->idle, NULL) != 0) {
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
        rn_pipe_free(p);
        return NULL;
    }
    if (!rn_thread_start(&p->thread, rn_pipe_main, p)) {
        pthread_cond_destroy(&p->idle);
        pthread_cond_destroy(&p->work);
        pthread_mutex_destroy(&p->mu);
        rn_pipe_free(p);
        return NULL;
    }
    return p;
}

/* The worker's error, if it had one (called with mu held). */
static enum rn_rc
rn_pipe_failed(struct rn_pipe *p, struct rn_err *err)
{
    if (p->rc != RN_OK && err != NULL)
        *err = p->err;
    return p->rc;
}

/* Queue the filled batch, once there is room, and fill a spare one. */
static enum rn_rc
rn_pipe_handoff(struct rn_pipe *p, struct rn_err *err)
{
    struct rn_pipe_buf empty = {NULL, 0, 0};
    enum rn_rc rc;

    pthread_mutex_lock(&p->mu);
    while (p->queued == p->depth)
        pthread_cond_wait(&p->idle, &p->mu);
    rc = rn_pipe_failed(p, err);
    if (rc == RN_OK) {
        p->queue[(p->head + p->queued) % p->depth] = p->fill;
        p->queued++;
        p->fill = p->nspare > 0 ? p->spare[--p->nspare] : empty;
        pthread_cond_signal(&p->work);
    }
    pthread_mutex_unlock(&p->mu);
    p->fill.len = 0;
    return rc;
}

enum rn_rc
rn_pipe_drain(struct rn_pipe *p, struct rn_err *err)
{
    enum rn_rc rc = RN_OK;

    if (p->fill.len > 0)
        rc = rn_pipe_handoff(p, err);
    pthread_mutex_lock(&p->mu);
    while (p->queued > 0)
        pthread_cond_wait(&p->idle, &p->mu);
    if (rc == RN_OK)
        rc = rn_pipe_failed(p, err);
    pthread_mutex_unlock(&p->mu);
    return rc;
}

void
rn_pipe_reset(struct rn_pipe *p)
{
    (void)rn_pipe_drain(p, NULL);
    pthread_mutex_lock(&p->mu);
    p->rc = RN_OK;
    pthread_mutex_unlock(&p->mu);
}

void
rn_pipe_stop(struct rn_pipe *p)
{
    if (p == NULL)
        return;
    (void)rn_pipe_drain(p, NULL);
    pthread_mutex_lock(&p->mu);
    p->stop = 1;
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    pthread_join(p->thread, NULL);
    pthread_cond_destroy(&p->idle);
    pthread_cond_destroy(&p->work);
    pthread_mutex_destroy(&p->mu);
    rn_pipe_free(p);
}

int
rn_pipe_is_worker(const struct rn_pipe *p)
{
    return p != NULL && rn_pipe_self == p;
}

void
rn_pipe_bytes(struct rn_pipe *p, const void *data, size_t n)
{
    struct rn_pipe_buf *b = &p->fill;

    if (b->cap - b->len < n) {
        size_t cap = b->cap == 0 ? p->batch + 4096 : b->cap;

        while (cap - b->len < n)
            cap *= 2;
        b->data = xrealloc(b->data, cap, 1);
        b->cap = cap;
    }
    memcpy(b->data + b->len, data, n);
    b->len += n;
}

void
rn_pipe_i64(struct rn_pipe *p, int64_t v)
{
    rn_pipe_bytes(p, &v, sizeof v);
}

void
rn_pipe_str(struct rn_pipe *p, const char *s)
{
    int64_t n = s != NULL ? (int64_t)strlen(s) : -1;

    rn_pipe_i64(p, n);
    if (s != NULL)
        rn_pipe_bytes(p, s, (size_t)n + 1);
}

enum rn_rc
rn_pipe_op_end(struct rn_pipe *p, struct rn_err *err)
{
    return p->fill.len >= p->batch ? rn_pipe_handoff(p, err) : RN_OK;
}

int64_t
rn_pipe_get_i64(struct rn_pipe_reader *r)
{
    int64_t v = 0;

    if ((size_t)(r->end - r->at) >= sizeof v) {
        memcpy(&v, r->at, sizeof v);
        r->at += sizeof v;
    }
    return v;
}

const char *
rn_pipe_get_str(struct rn_pipe_reader *r)
{
    int64_t n = rn_pipe_get_i64(r);
    const char *s;

    if (n < 0 || (size_t)(r->end - r->at) < (size_t)n + 1)
        return NULL;
    s = (const char *)r->at;
    r->at += n + 1;
    return s;
}
