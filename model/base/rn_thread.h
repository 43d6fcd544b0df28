/*
 * Starting a helper thread (rn_pipe's worker, the store's file sync):
 * signals, an interrupt first of all, are the main thread's to take.
 */
#ifndef RN_THREAD_H
#define RN_THREAD_H

#include <pthread.h>

/*
 * pthread_create with every signal blocked in the new thread: it starts
 * with the mask of its creator, which blocks them all around the call,
 * so a signal that comes meanwhile waits for the creator's own mask to
 * allow it.  Returns 1 when the thread runs, 0 when it could not start.
 */
int rn_thread_start(pthread_t *t, void *(*fn)(void *), void *arg);

#endif
