/* The IIS event table (names and fields after PerfView's IIS parser). */
#include "iis_events.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#define GEN   "{d42cf7ef-de92-473e-8b6c-621ea663113a}"
#define CGI   "{e2e55403-0d2e-4609-a470-be0da04013c0}"
#define FCGI  "{e3642acc-3627-42b0-8372-867baa033b07}"
#define RNOT  "{002e91e3-e7ae-44ab-8e07-99230ffa6ade}"
#define MOD   "{d79a948e-95f1-417b-a731-b7a79dec7ae5}"
#define SEC   "{29347ffb-ba48-41e6-bffd-469c5e543ca5}"
#define AUTH  "{c33bbe8f-985b-4080-81e6-005f1a06b9e2}"
#define ISAPI "{2e94e6c7-eda0-4b73-9010-2529edce1c27}"
#define C     "ContextId,"

static const struct iis_event iis_events[] = {
    {"IISGeneral", GEN, 1, "GENERAL_REQUEST_START",
     C "SiteId,AppPoolId,ConnId,RawConnId,RequestURL,RequestVerb"},
    {"IISGeneral", GEN, 2, "GENERAL_REQUEST_END",
     C "BytesSent,BytesReceived,HttpStatus,HttpSubStatus"},
    {"IISGeneral", GEN, 10, "GENERAL_STATIC_FILE_HANDLER", C "FileName"},
    {"IISGeneral", GEN, 11, "GENERAL_CGI_HANDLER", "ContextId"},
    {"IISGeneral", GEN, 12, "GENERAL_ISAPI_HANDLER", "ContextId"},
    {"IISGeneral", GEN, 13, "GENERAL_OOP_ISAPI_HANDLER",
     C "ProcessId,TotalReqs,CurrentReqs"},
    {"IISGeneral", GEN, 14, "GENERAL_REDIRECTION_HANDLER", C "RedirectedURL"},
    {"IISGeneral", GEN, 15, "GENERAL_DAV_HANDLER", C "FileName"},
    {"IISGeneral", GEN, 16, "GENERAL_OPTIONS_HANDLER", "ContextId"},
    {"IISGeneral", GEN, 17, "GENERAL_TRACE_HANDLER", "ContextId"},
    {"IISGeneral", GEN, 30, "GENERAL_GET_URL_METADATA",
     C "PhysicalPath,AccessPerms"},
    {"IISGeneral", GEN, 31, "GENERAL_CHILD_REQUEST_START",
     C "SiteId,RequestURL,RequestVerb,RecursiveLevel"},
    {"IISGeneral", GEN, 32, "GENERAL_CHILD_REQUEST_END",
     C "BytesSent,HttpStatus,HttpSubStatus"},
    {"IISGeneral", GEN, 33, "GENERAL_SEND_CUSTOM_ERROR",
     C "HttpStatus,HttpSubStatus,FileNameOrURL"},
    {"IISGeneral", GEN, 34, "GENERAL_MAP_HANDLER", "ContextId"},
    {"IISGeneral", GEN, 35, "GENERAL_FLUSH_RESPONSE_START", "ContextId"},
    {"IISGeneral", GEN, 36, "GENERAL_FLUSH_RESPONSE_END",
     C "BytesSent,ErrorCode"},
    {"IISGeneral", GEN, 37, "GENERAL_READ_ENTITY_START", "ContextId"},
    {"IISGeneral", GEN, 38, "GENERAL_READ_ENTITY_END",
     C "BytesReceived,ErrorCode"},
    {"IISGeneral", GEN, 39, "FILE_CHANGE_NOTIFICATION", C "FilePath"},
    {"IISGeneral", GEN, 40, "CONFIG_CHANGE_NOTIFICATION", C "ConfigPath"},
    {"IISGeneral", GEN, 41, "VIRTUAL_MODULE_UNRESOLVED", C "Name,Type"},
    {"IISGeneral", GEN, 42, "URL_CHANGED", C "OldUrl,NewUrl"},
    {"IISGeneral", GEN, 43, "HANDLER_CHANGED",
     C "OldHandlerName,NewHandlerName,NewHandlerModules,"
       "NewHandlerScriptProcessor,NewHandlerType"},
    {"IISGeneral", GEN, 44, "USER_SET", C "AuthType,UserName,SupportsIsInRole"},
    {"IISGeneral", GEN, 45, "MODULE_PRECONDITION_NOT_MATCH",
     C "Name,Precondition"},
    {"IISGeneral", GEN, 46, "HANDLER_PRECONDITION_NOT_MATCH",
     C "Name,Precondition"},
    {"IISGeneral", GEN, 47, "GENERAL_RESPONSE_HEADERS", C "Headers"},
    {"IISGeneral", GEN, 48, "GENERAL_RESPONSE_ENTITY_FILE",
     C "FileName,Offset,Size"},
    {"IISGeneral", GEN, 49, "GENERAL_RESPONSE_ENTITY_BUFFER", C "Buffer"},
    {"IISGeneral", GEN, 50, "GENERAL_REQUEST_HEADERS", C "Headers"},
    {"IISGeneral", GEN, 51, "GENERAL_REQUEST_ENTITY", C "Buffer"},
    {"IISGeneral", GEN, 52, "GENERAL_NOT_SEND_CUSTOM_ERROR", C "Reason"},
    {"IISGeneral", GEN, 53, "GENERAL_SET_REQUEST_HEADER",
     C "HeaderName,HeaderValue,Replace"},
    {"IISGeneral", GEN, 54, "GENERAL_MODULE_FACTORY_FAILED",
     C "ModuleName,ErrorCode"},
    {"IISGeneral", GEN, 55, "GENERAL_ENDPOINT_INFORMATION",
     C "RemoteAddress,RemotePort,LocalAddress,LocalPort"},
    {"IISCGI", CGI, 1, "CGI_START", "ContextId"},
    {"IISCGI", CGI, 2, "CGI_END", "ContextId"},
    {"IISCGI", CGI, 3, "CGI_LAUNCH", C "CommandLine,ErrorCode,ProcessId"},
    {"IISCGI", CGI, 4, "CGI_TIMEOUT", C "Headers"},
    {"IISCGI", CGI, 5, "CGI_PREMATURE_TERMINATION", C "Headers"},
    {"IISCGI", CGI, 6, "CGI_REQUEST_ENTITY_SENT", "ContextId"},
    {"IISCGI", CGI, 7, "CGI_HEADERS_RECEIVED", "ContextId"},
    {"IISFastCGI", FCGI, 1, "FASTCGI_ACTIVITY_TIMEOUT", "ContextId"},
    {"IISFastCGI", FCGI, 2, "FASTCGI_REQUEST_TIMEOUT", "ContextId"},
    {"IISFastCGI", FCGI, 3, "FASTCGI_UNEXPECTED_EXIT", "ContextId"},
    {"IISFastCGI", FCGI, 4, "FASTCGI_RAPID_FAILURE_PROTECTION", "ContextId"},
    {"IISFastCGI", FCGI, 5, "FASTCGI_PATH_NOT_FOUND", "ContextId"},
    {"IISFastCGI", FCGI, 6, "FASTCGI_SCRIPT_PROCESSOR_MISSING", "ContextId"},
    {"IISFastCGI", FCGI, 7, "FASTCGI_ADD_JOBOBJECT_FAIL", "ContextId"},
    {"IISFastCGI", FCGI, 8, "FASTCGI_APPLICATION_MANAGER_SHUTDOWN",
     "ContextId"},
    {"IISFastCGI", FCGI, 9, "FASTCGI_QUEUE_FULL", "ContextId"},
    {"IISFastCGI", FCGI, 10, "FASTCGI_UNKNOWN_ERROR", C "ErrorCode"},
    {"IISFastCGI", FCGI, 11, "FASTCGI_RESPONSE_WRITTEN", "ContextId"},
    {"IISFastCGI", FCGI, 12, "FASTCGI_WAITING_FOR_RESPONSE", "ContextId"},
    {"IISFastCGI", FCGI, 13, "FASTCGI_STDERR_TRACE_ERROR", C "Message"},
    {"IISFastCGI", FCGI, 14, "FASTCGI_STDERR_TRACE_WARNING", C "Message"},
    {"IISFastCGI", FCGI, 15, "FASTCGI_STDERR_TRACE_INFO", C "Message"},
    {"IISFastCGI", FCGI, 16, "FASTCGI_QUEUE_REQUEST",
     C "PositionInQueue,MaxInstances"},
    {"IISFastCGI", FCGI, 17, "FASTCGI_ASSIGN_PROCESS",
     C "CommandLine,IsNewProcess,ProcessId,RequestNumber"},
    {"IISFastCGI", FCGI, 18, "FASTCGI_START", "ContextId"},
    {"IISFastCGI", FCGI, 19, "FASTCGI_END", "ContextId"},
    {"IISRequestNotification", RNOT, 1, "NOTIFY_MODULE_START",
     C "ModuleName,Notification,fIsPostNotification"},
    {"IISRequestNotification", RNOT, 2, "NOTIFY_MODULE_END",
     C "ModuleName,Notification,fIsPostNotificationEvent,NotificationStatus"},
    {"IISRequestNotification", RNOT, 3, "NOTIFY_MODULE_COMPLETION",
     C "ModuleName,Notification,fIsPostNotificationEvent,CompletionBytes,"
       "ErrorCode"},
    {"IISRequestNotification", RNOT, 4, "PRE_BEGIN_REQUEST_START",
     C "ModuleName"},
    {"IISRequestNotification", RNOT, 5, "PRE_BEGIN_REQUEST_END",
     C "ModuleName,NotificationStatus"},
    {"IISRequestNotification", RNOT, 15, "REQUEST_PROCESSING_ERROR",
     C "ModuleName,Notification,ErrorCode"},
    {"IISRequestNotification", RNOT, 16, "MODULE_SET_RESPONSE_ERROR_STATUS",
     C "ModuleName,Notification,HttpStatus,HttpReason,HttpSubStatus,"
       "ErrorCode,ConfigExceptionInfo"},
    {"IISRequestNotification", RNOT, 17, "MODULE_SET_RESPONSE_SUCCESS_STATUS",
     C "ModuleName,Notification,HttpStatus,HttpReason"},
    {"IISRequestNotification", RNOT, 18, "SET_RESPONSE_ERROR_DESCRIPTION",
     C "ErrorDescription"},
    {"IISModule", MOD, 1, "MODULE_START", C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 2, "MODULE_END", C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 3, "MODULE_CRITICAL_ERROR",
     C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 4, "MODULE_ERROR", C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 5, "MODULE_WARNING",
     C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 6, "MODULE_INFORMATION",
     C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISModule", MOD, 7, "MODULE_VERBOSE",
     C "ModuleName,Data1,Data2,ErrorCode"},
    {"IISSecurity", SEC, 17, "SECURITY_DENIED_BY_CGI_RESTRICTION",
     C "ImageName"},
    {"IISAuthentication", AUTH, 10, "AUTH_START", "ContextId"},
    {"IISAuthentication", AUTH, 11, "AUTH_SUCCEEDED",
     C "AuthType,NTLMUsed,RemoteUserName,AuthUserName,"
       "TokenImpersonationLevel"},
    {"IISAuthentication", AUTH, 28, "AUTH_END", "ContextId"},
    {"IISISAPI", ISAPI, 1, "ISAPI_START", "ContextId"},
    {"IISISAPI", ISAPI, 2, "ISAPI_END", "ContextId"},
};

#define NEVENTS (sizeof iis_events / sizeof iis_events[0])

const struct iis_event *
iis_event_by_name(const char *name)
{
    size_t i;

    for (i = 0; i < NEVENTS; i++) {
        if (strcmp(iis_events[i].name, name) == 0)
            return &iis_events[i];
    }
    return NULL;
}

const struct iis_event *
iis_event_by_opcode(const char *area_guid, int opcode)
{
    char g[40];
    size_t i, n = strlen(area_guid);

    /* Compare without braces and case. */
    if (n > 0 && area_guid[0] == '{') {
        area_guid++;
        n--;
    }
    if (n > 0 && area_guid[n - 1] == '}')
        n--;
    if (n != 36)
        return NULL;
    for (i = 0; i < NEVENTS; i++) {
        memcpy(g, iis_events[i].area_guid + 1, 36);
        g[36] = '\0';
        if (iis_events[i].opcode == opcode &&
            strncasecmp(g, area_guid, 36) == 0)
            return &iis_events[i];
    }
    return NULL;
}

int
iis_event_field_index(const struct iis_event *ev, const char *name, size_t len,
                      int *count)
{
    const char *p = ev->fields;
    int i = 0, found = -1;

    while (*p != '\0') {
        const char *e = strchr(p, ',');
        size_t n = e != NULL ? (size_t)(e - p) : strlen(p);

        if (found < 0 && n == len && strncmp(p, name, len) == 0)
            found = i;
        i++;
        p += n;
        if (*p == ',')
            p++;
    }
    if (count != NULL)
        *count = i;
    return found;
}
