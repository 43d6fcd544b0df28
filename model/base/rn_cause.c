/*
 * The cause table (rn_cause.h).  An identifier, once released, keeps its
 * meaning: scripts filter on it.  Order is the summary's: CGI first, then
 * the other handlers, the front of the server, and the client.
 */
#include "rn_cause.h"

#include <stdio.h>
#include <string.h>

static const struct rn_cause causes[] = {
    {"cgi_timeout", "CGI timeout", "CGI timeouts"},
    {"cgi_crash", "CGI crash", "CGI crashes"},
    {"cgi_no_headers", "CGI exit before any header",
     "CGI exits before any header"},
    {"cgi_bad_headers", "CGI malformed or incomplete header",
     "CGI malformed or incomplete headers"},
    {"fastcgi_request_timeout", "FastCGI request time-out",
     "FastCGI request time-outs"},
    {"fastcgi_activity_timeout", "FastCGI activity time-out",
     "FastCGI activity time-outs"},
    {"fastcgi_unexpected_exit", "FastCGI process exit",
     "FastCGI process exits"},
    {"fastcgi_queue_full", "FastCGI queue full", "FastCGI queue full"},
    {"fastcgi_rapid_fail", "FastCGI rapid-fail protection",
     "FastCGI rapid-fail protection"},
    {"fastcgi_stderr", "FastCGI stderr output", "FastCGI stderr outputs"},
    {"fastcgi_error", "FastCGI error", "FastCGI errors"},
    {"arr_timeout", "ARR member time-out", "ARR member time-outs"},
    {"arr_connection_error", "ARR connection error", "ARR connection errors"},
    {"arr_no_server", "ARR no healthy member", "ARR no healthy member"},
    {"ancm_forward_failure", "ASP.NET Core forwarding failure",
     "ASP.NET Core forwarding failures"},
    {"ancm_start_failure", "ASP.NET Core start failure",
     "ASP.NET Core start failures"},
    {"ancm_inprocess_failure", "ASP.NET Core in-process failure",
     "ASP.NET Core in-process failures"},
    {"aspnet_startup", "ASP.NET start-up exception",
     "ASP.NET start-up exceptions"},
    {"config_error", "configuration error", "configuration errors"},
    {"httpsys_app_offline", "application pool offline (HTTP.sys 503)",
     "application pool offline (HTTP.sys 503)"},
    {"httpsys_queue_full", "request queue full (HTTP.sys 503)",
     "request queue full (HTTP.sys 503)"},
    {"httpsys_abandoned", "request abandoned by a crashed worker",
     "requests abandoned by a crashed worker"},
    {"httpsys_unavailable", "HTTP.sys 503", "HTTP.sys 503s"},
    {"client_disconnect", "client went away", "clients went away"},
};

const struct rn_cause *
rn_cause_table(size_t *n)
{
    *n = sizeof causes / sizeof causes[0];
    return causes;
}

const struct rn_cause *
rn_cause_find(const char *id)
{
    size_t i;

    for (i = 0; i < sizeof causes / sizeof causes[0]; i++) {
        if (strcmp(causes[i].id, id) == 0)
            return &causes[i];
    }
    return NULL;
}

/* http_NNN with NNN a status from 100 to 999. */
static int
rn_cause_http(const char *id)
{
    return strncmp(id, "http_", 5) == 0 && id[5] >= '1' && id[5] <= '9' &&
           id[6] >= '0' && id[6] <= '9' && id[7] >= '0' && id[7] <= '9' &&
           id[8] == '\0';
}

int
rn_cause_valid(const char *id)
{
    return rn_cause_find(id) != NULL || rn_cause_http(id);
}

void
rn_cause_label(const char *id, long long count, char *out, size_t n)
{
    const struct rn_cause *c = rn_cause_find(id);

    if (c != NULL)
        snprintf(out, n, "%s", count == 1 ? c->one : c->many);
    else if (rn_cause_http(id))
        snprintf(out, n, "HTTP %s response%s", id + 5, count == 1 ? "" : "s");
    else
        snprintf(out, n, "%s", id);
}

const char *
rn_cause_absence(const char *id, const char *role_name)
{
    int start = strcmp(role_name, "cgi_start") == 0;

    if (id == NULL)
        return NULL;
    if (strncmp(id, "httpsys_", 8) == 0 && strcmp(role_name, "status_send"))
        return "HTTP.sys answered before any worker process saw the request: "
               "no handler ran";
    if (strcmp(id, "client_disconnect") == 0 &&
        strcmp(role_name, "status_send"))
        return "the client went away: no handler failed";
    if (strcmp(id, "arr_no_server") == 0 && strcmp(role_name, "status_send"))
        return "ARR had no member to route to";
    if (start &&
        (strcmp(id, "config_error") == 0 || strcmp(id, "aspnet_startup") == 0))
        return "the request failed before any handler started";
    if (start && strncmp(id, "ancm_", 5) == 0)
        return "the ASP.NET Core module logged no forwarding start";
    return NULL;
}
