/*
 * A sync of the store's file on a thread of its own, started before the
 * commit's index builds so that the disk writes while they run
 * (store_presync.c).  Private to the store.
 *
 * The file is opened read-only beside SQLite's own descriptor.  Closing
 * any descriptor of a file drops every POSIX lock the process holds on
 * it, SQLite's included, so store_presync_close comes only after the
 * connection is closed.
 */
#ifndef STORE_PRESYNC_H
#define STORE_PRESYNC_H
#include <pthread.h>

struct store_presync {
    int fd; /* the store's file, read-only; -1 until opened */
    pthread_t thread;
    int running;
};

void store_presync_init(struct store_presync *p);
/* Open the store's file (once). */
void store_presync_open(struct store_presync *p, const char *path);
/* Start syncing it (nothing if it is not open or a sync is running). */
void store_presync_start(struct store_presync *p);
/* Wait for the sync started, if any. */
void store_presync_join(struct store_presync *p);
/* Join, then close the file: only after the connection is closed. */
void store_presync_close(struct store_presync *p);

#endif
