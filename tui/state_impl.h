/*
 * What the modules of the state machine share among themselves (not the
 * drawing or the terminal): state.c keeps the view stack and the key
 * dispatch; editor.c the prompt; commands.c the : commands;
 * export_flow.c the export questions; jobs.c and hist_cache.c the
 * background work; persist.c the saved UI state; layout.c the layout.
 */
#ifndef STATE_IMPL_H
#define STATE_IMPL_H

#include "state.h"

/* editor.c */
void state_history_add(struct state *s, const char *text);
unsigned state_prompt_open(struct state *s, enum prompt_kind kind,
                           const char *text);
void state_prompt_close(struct state *s);
void state_prompt_restore(struct state *s);
void state_search_run(struct state *s, int back, int next, int incremental);
unsigned state_prompt_key(struct state *s, int key);

/* export_flow.c */
void state_export_run(struct state *s, const char *fmt, const char *path);
unsigned state_export_path(struct state *s, const char *path);
unsigned state_export_start(struct state *s, const char *fmt, const char *path);

/* commands.c */
unsigned state_apply_filter(struct state *s, const char *text);
unsigned state_command(struct state *s, char *line);

/* jobs.c: how many requests are marked. */
void state_count_facts(struct state *s);

/* jobs.c: one step of finding whether URLs name several hosts, of about
 * us microseconds (sets many_hosts when it ends); 1 while ids remain. */
int state_job_hosts(struct state *s, int64_t us);

/* hist_cache.c: one piece of the overview histogram; 1 while any remain. */
int state_job_hist(struct state *s);

#endif
