#include "rn_thread.h"

#include <signal.h>

int
rn_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
    sigset_t all, old;
    int ok;

    sigfillset(&all);
    /* pthread_sigmask fails only on a bad how. */
    (void)pthread_sigmask(SIG_BLOCK, &all, &old);
    ok = pthread_create(t, NULL, fn, arg) == 0;
    (void)pthread_sigmask(SIG_SETMASK, &old, NULL);
    return ok;
}
