/* One golden per diagnostic class: the exact first line (file, line, column, message). */
#include "front_test.h"

typedef struct golden {
  const char *text;
  const char *expected;
} golden;

#define A API_BLOCK /* line 1; declarations start on line 2 */
/* Lines 2 and 3: a resource with a status, for @lro. */
#define LRO_BASE "enum S { q; done; bad; }\nmodel R { id: string; s: S; why?: string; n: int; }\n"

static const golden GOLDENS[] = {
    /* syntax */
    {A "model M {\n  id: string\n  name: string;\n}", "t.api:3:13: error: expected ';' after field 'id'"},
    {A "model M { id string; }", "t.api:2:14: error: expected ':' before 'string'"},
    {A "model M { id: string; ", "t.api:2:22: error: expected a name or '}' at end of file"},
    {A "model M { a: string; } $", "t.api:2:24: error: unexpected character '$'"},
    {A "model M { a: string = \"x; }", "t.api:2:23: error: missing terminating '\"' character"},
    {A "model M { a: string = \"\\q\"; }", "t.api:2:24: error: unknown escape sequence '\\q'"},
    {A "model M { a: int = 99999999999999999999; }", "t.api:2:20: error: integer '99999999999999999999' does not fit in 64 bits"},
    {A "model M { }\n/// dangling\n", "t.api:3:1: error: a doc comment ('///') cannot stand here: it documents nothing; use '//'"},
    /* names */
    {A "model M { a: Strng; }", "t.api:2:14: error: unknown type 'Strng'; did you mean 'string'?"},
    {A "model Task { a: string; }\nmodel N { t: Taks; }", "t.api:3:14: error: unknown type 'Taks'; did you mean 'Task'?"},
    /* equally near suggestions: the first in strcmp order, whatever the declaration order */
    {A "model Tdsk { a: string; }\nmodel Task { a: string; }\nmodel N { t: Tosk; }", "t.api:4:14: error: unknown type 'Tosk'; did you mean 'Task'?"},
    {A "model Task { a: string; }\nmodel Tdsk { a: string; }\nmodel N { t: Tosk; }", "t.api:4:14: error: unknown type 'Tosk'; did you mean 'Task'?"},
    {A "model M { a: string; }\nenum M { x; }", "t.api:3:6: error: duplicate type name 'M'"},
    {A "model M { a: string; a: int; }", "t.api:2:22: error: duplicate field 'a'"},
    {A "model M { a: string; b: int @json(\"a\"); }", "t.api:2:22: error: field 'b' has the same wire name \"a\" as 'a'"},
    {A "enum E { x; y; x; }", "t.api:2:16: error: duplicate enum value 'x' in 'E'"},
    {A "enum E { unknown; }", "t.api:2:10: error: enum value 'E.unknown' would collide with enum 'E' in the generated C: both make 'T_E_UNKNOWN'"},
    {A "model TaskState { a: string; }\nmodel task_state { a: string; }",
     "t.api:3:7: error: model 'task_state' would collide with model 'TaskState' in the generated C: both make 't_task_state'"},
    {A "model M { int: string; }", "t.api:2:11: error: field 'int' is a C keyword; choose another name (use @json for the wire name)"},
    {A "resource r \"/r\" { a: GET \"\"; a: POST \"\"; }", "t.api:2:30: error: duplicate operation 'a' in resource 'r'"},
    /* names the generated C makes (cnames.c), one of each kind of clash */
    {A "model Task { a: string; }\nmodel TaskList { a: string; }",
     "t.api:3:7: error: model 'TaskList' would collide with model 'Task' in the generated C: both make 't_task_list'"},
    {A "model Client { a: string; }", "t.api:2:7: error: model 'Client' would collide with api 't' in the generated C: both make 't_client'"},
    {A "resource tasks \"/t\" { get: GET \"\"; get_async: GET \"/a\"; }",
     "t.api:2:36: error: operation 'tasks.get_async' would collide with operation 'tasks.get' in the generated C: both make 't_tasks_get_async'"},
    {A "resource task \"/t\" { copy: GET \"\"; }\nmodel Task { a: string; }",
     "t.api:2:22: error: operation 'task.copy' would collide with model 'Task' in the generated C: both make 't_task_copy'"},
    {A "error Connection 503 { }", "t.api:2:7: error: error 'Connection' would collide with api 't' in the generated C: both make 'T_ERROR_CONNECTION'"},
    {A "error NotFound 404 { }\nerror NotFoundError 410 { }",
     "t.api:3:7: error: error 'NotFoundError' would collide with error 'NotFound' in the generated C: both make 't_error_as_not_found'"},
    {A "enum Models { h; }", "t.api:2:15: error: enum value 'Models.h' would collide with api 't' in the generated C: both make 'T_MODELS_H'"},
    {"api uint { title = \"T\"; version = \"1\"; base_url = \"http://h\"; }\nmodel Least8T { a: string; }",
     "t.api:2:7: error: model 'Least8T' would make 'uint_least8_t', a name C compilers or the headers generated code includes define; choose another name"},
    {"api Apic { title = \"T\"; version = \"1\"; base_url = \"http://h\"; }", "t.api:1:5: error: api name 'Apic' would give the SDK's names libapic's prefix 'apic_'; choose another name"},
    {A "model M { name?: string | null; name_null: int; }",
     "t.api:2:33: error: field 'name_null' would collide with member 'name_null', the null flag of field 'name', in the generated C; rename it (use @json for the wire name)"},
    {A "model M { items: string[]; items_count: int; }",
     "t.api:2:28: error: field 'items_count' would collide with member 'items_count', the count of field 'items', in the generated C; rename it (use @json for the wire name)"},
    {A "enum C { red; }\nmodel M { colour: C; colour_unknown: string; }",
     "t.api:3:22: error: field 'colour_unknown' would collide with member 'colour_unknown', the unknown text of field 'colour', in the generated C; rename it (use @json for the wire name)"},
    {A "resource r \"/r\" { l: GET \"\" query(limit?: int[]) headers(limit_count?: int @header(\"X-L\")); }",
     "t.api:2:58: error: header parameter 'limit_count' would collide with member 'limit_count', the count of query parameter 'limit', in the generated C; rename it (use @header for the wire name)"},
    {A "resource r \"/r\" { g: GET \"/{c}\"; }",
     "t.api:2:26: error: path parameter 'c' would collide with the generated functions' own parameter or local 'c'; choose another name (a path parameter's name is not sent)"},
    {A "resource r \"/r\" { g: GET \"/{default}\"; }",
     "t.api:2:26: error: path parameter 'default' is a C keyword; choose another name (a path parameter's name is not sent)"},
    {A "model M { stdin: string; }",
     "t.api:2:11: error: field 'stdin' is a name C compilers or the headers generated code includes define; choose another name (use @json for the wire name)"},
    {A "resource r \"/r\" { g: GET \"\" query(SIZE_MAX?: int); }",
     "t.api:2:35: error: query parameter 'SIZE_MAX' is a name C compilers or the headers generated code includes define; choose another name (use @json for the wire name)"},
    {A "model M { cJSON_True: string; }",
     "t.api:2:11: error: field 'cJSON_True' starts with 'cJSON_', the prefix of cJSON's names; choose another name (use @json for the wire name)"},
    {A "model M { apic_version: string; }",
     "t.api:2:11: error: field 'apic_version' starts with 'apic_', the prefix of libapic's names; choose another name (use @json for the wire name)"},
    {A "model M { T_H: string; }",
     "t.api:2:11: error: field 'T_H' starts with 'T_', the prefix of the SDK's own names; choose another name (use @json for the wire name)"},
    /* defaults and constraints */
    {A "model M { n: int = \"x\"; }", "t.api:2:20: error: default 'x' does not fit field 'n' (an int)"},
    {A "enum E { a; }\nmodel M { e: E = b; }", "t.api:3:18: error: 'b' is not a value of enum 'E'"},
    {A "model M { s: string = null; }", "t.api:2:23: error: default 'null' does not fit field 's' (a string)"},
    {A "model M { d: datetime = \"2024-02-30T00:00:00Z\"; }", "t.api:2:25: error: default '2024-02-30T00:00:00Z' does not fit field 'd' (a datetime)"},
    {A "model M { b: bool @min(1); }", "t.api:2:19: error: '@min' applies to int, int32 and float, not to a bool"},
    {A "model M { n: int @min(5) @max(1); }", "t.api:2:18: error: '@min(5)' is above '@max(1)'"},
    {A "model M { n: int = 0 @min(1); }", "t.api:2:20: error: default 0 is below '@min(1)'"},
    {A "model M { s: string @pattern(\"(\"); }", "t.api:2:21: error: '@pattern' is not a valid POSIX extended regular expression"},
    {A "model M { s: string @frob; }", "t.api:2:21: error: unknown annotation '@frob' on field; expected one of @json, @deprecated, @sensitive, @min, @max, @min_len, @max_len, @pattern, @header"},
    {A "model M { s: string @max_len(\"x\"); }", "t.api:2:21: error: '@max_len' takes one whole number >= 0"},
    {A "model M { s: string @header(\"X\"); }", "t.api:2:21: error: '@header' is for error fields and header parameters"},
    /* structure */
    {A "model A { b: B; }\nmodel B { a: A; }",
     "t.api:3:11: error: model 'A' contains itself by value (A.b -> B.a -> A): the struct would be infinite; make a field on the way optional, nullable or an array"},
    {A "error E1 404 { }\nerror E2 404 { }", "t.api:3:10: error: errors 'E1' and 'E2' are both bound to status 404"},
    {A "error E 200 { }", "t.api:2:9: error: error status '200' must be from 400 to 599, or 4XX/5XX"},
    {A "error E 3XX { }", "t.api:2:9: error: error status class '3XX' must be 4XX or 5XX"},
    /* operations */
    {A "resource r \"/r\" { g: GET \"/{id}/{id}\"; }", "t.api:2:26: error: path parameter 'id' appears twice in \"/r/{id}/{id}\" (operation 'g')"},
    {A "resource r \"/r\" { g: GET \"/{id}\" path(x: int); }", "t.api:2:39: error: path parameter 'x' is declared but \"/r/{id}\" has no {x}"},
    {A "resource r \"/r\" { g: GET \"/{id}\" query(id?: string); }", "t.api:2:40: error: query parameter 'id' has the name of a path parameter"},
    {A "resource r \"/r\" { g: FETCH \"\"; }", "t.api:2:22: error: unknown HTTP method 'FETCH'; expected GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS"},
    {A "model P { items: string[]; }\nresource r \"/r\" { l: GET \"\" query(c?: string) -> page<P> @paginate(items: \"items\", next: \"n\", param: \"c\"); }",
     "t.api:3:58: error: '@paginate' next \"n\": page model 'P' has no string field 'n'"},
    {A "model P { items: string[]; }\nresource r \"/r\" { l: GET \"\" -> page<P>; }",
     "t.api:3:32: error: a page<...> result needs '@paginate(...)' on the operation"},
    {A "resource r \"/r\" { g: GET \"\" query(f?: map<string>); }",
     "t.api:2:39: error: query parameter 'f' of operation 'g' is a map, which has no one way to be spelt there ('f[k]=v', 'k=v', JSON): declare each key as a parameter of its own, or send it in a body"},
    /* bodies */
    {A "resource r \"/r\" { g: POST \"\" body files(a: int); }",
     "t.api:2:35: error: unknown body 'files(...)'; expected form(...) (application/x-www-form-urlencoded), multipart(...) (multipart/form-data) or a type"},
    {A "resource r \"/r\" { g: POST \"\" body form(f: file); }",
     "t.api:2:43: error: 'file' is the type of a file part of a multipart(...) body; elsewhere, binary data is bytes"},
    {A "model M { a: int; }\nresource r \"/r\" { g: POST \"\" body form(m: M); }",
     "t.api:3:43: error: form field 'm' of operation 'g' must be a scalar or enum, or an array of those"},
    {A "model M { a: int; }\nresource r \"/r\" { g: POST \"\" body multipart(m: M[]); }",
     "t.api:3:48: error: multipart field 'm' of operation 'g' must be a scalar or enum, a file, or an array of those"},
    {A "resource r \"/r\" { g: POST \"\" body form(a: int @header(\"X-A\")); }",
     "t.api:2:47: error: '@header' is for error fields and header parameters; a form field takes @json for its wire name"},
    {A "resource r \"/r\" { g: POST \"\" body int; }",
     "t.api:2:35: error: a body is a model, a union or an array of those (JSON), string or bytes (sent as they are), form(...) or multipart(...)"},
    {A "resource r \"/r\" { g: POST \"\" body bytes \"png\"; }",
     "t.api:2:41: error: \"png\" is not a media type (type/subtype, as \"image/png\")"},
    /* results */
    {A "resource r \"/r\" { g: GET \"\" -> any; }", "t.api:2:32: error: a result of type any has no typed C form; declare a model for it"},
    {A "resource r \"/r\" { g: GET \"\" -> string[][]; }",
     "t.api:2:32: error: a result's array holds a model or a scalar; declare a model for the inner array"},
    {A "resource r \"/r\" { g: GET \"\" -> map<int[]>; }",
     "t.api:2:36: error: a result's map holds a model or a scalar; declare a model for the inner array"},
    {A "model I { a: int; }\nresource r \"/r\" { g: GET \"\" -> string headers(n: I); }",
     "t.api:3:50: error: response header 'n' of operation 'g' must be a scalar or enum"},
    {A "resource r \"/r\" { g: GET \"\" -> string headers(n?: int = 1); }",
     "t.api:2:57: error: response header 'n' takes no default; make it optional ('?') instead"},
    {A "resource r \"/r\" { g: GET \"\" -> string headers(n: int @header(\"X Y\")); }",
     "t.api:2:47: error: response header 'n': \"X Y\" is not an HTTP header name"},
    {A "resource r \"/r\" { g: GET \"\" -> string headers(a: int @header(\"X-A\"), b: int @header(\"x-a\")); }",
     "t.api:2:70: error: response headers 'a' and 'b' both read 'x-a' (header names ignore case)"},
    {A "resource r \"/r\" { g: GET \"\" -> string headers(body: int @header(\"X-B\")); }",
     "t.api:2:47: error: response header 'body' would collide with member 'body', the result's body, in the generated C; rename it (use @header for the wire name)"},
    {A "model P { items: string[]; }\nresource r \"/r\" { l: GET \"\" -> page<P> headers(n: int) @paginate(items: \"items\", offset: \"o\"); }",
     "t.api:3:32: error: response headers go with a value result, not a page or a stream"},
    /* downloads (-> bytes) */
    {A "resource r \"/r\" { g: GET \"\" -> stream<bytes>; }",
     "t.api:2:39: error: an event's data is text, never bytes: write stream<string> (or a model with a bytes field, base64 in JSON); a binary download is '-> bytes'"},
    {A "resource r \"/r\" { g: GET \"\" -> bytes[]; }",
     "t.api:2:32: error: a result's array of bytes has no form on the wire; a body of bytes is '-> bytes', and bytes inside JSON are a model's bytes field (base64)"},
    {A "resource r \"/r\" { g: GET \"\" -> map<bytes>; }",
     "t.api:2:36: error: a result's map of bytes has no form on the wire; a body of bytes is '-> bytes', and bytes inside JSON are a model's bytes field (base64)"},
    {A "resource r \"/r\" { g: GET \"\" -> bytes headers(content_type?: string @header(\"X-Type\")); }",
     "t.api:2:46: error: response header 'content_type' would collide with member 'content_type' of a bytes result in the generated C; rename it (use @header for the wire name)"},
    {A "resource r \"/r\" { g: GET \"\" -> bytes headers(kind?: string @header(\"content-type\")); }",
     "t.api:2:46: error: a bytes result has the Content-Type already (member 'content_type'); remove 'kind'"},
    {A "resource r \"/r\" { g: GET \"\" -> stream<int>; }",
     "t.api:2:39: error: stream<...> takes a model or a union (each event's data is JSON) or string (the data as it comes)"},
    {A "error NotFound 404 { }\nresource r \"/r\" { g: GET \"\" errors(NotFund); }", "t.api:3:36: error: unknown error 'NotFund'; did you mean 'NotFound'?"},
    {A "resource r \"/r\" { g: GET \"\" body any; }",
     "t.api:2:34: error: a body is a model, a union or an array of those (JSON), string or bytes (sent as they are), form(...) or multipart(...)"},
    /* long-running operations (@lro) and joined streams (@accumulate) */
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"nope\"); }",
     "t.api:4:35: error: '@lro' poll \"nope\": no such operation (\"name\" in this resource, or \"resource.name\")"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"n\", success: \"done\", poll: \"g\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:35: error: '@lro' needs status: \"FIELD\", a string or enum field of model 'R'"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"over\", poll: \"g\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:62: error: '@lro' success \"over\": not a value of enum 'S'"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", failed: \"bad\", poll: \"g\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:35: error: '@lro' needs success: \"VALUE\", the status that ends the operation well"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", failed: \"done\", poll: \"g\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:78: error: '@lro' value \"done\" is given twice"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"g\"); g: POST \"/{id}\" -> R; }",
     "t.api:4:35: error: '@lro' poll \"g\": a GET that returns R"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"g\"); g: GET \"/{a}/{b}\" -> R; }",
     "t.api:4:35: error: '@lro' poll \"g\": nothing fills its path parameter 'b': model 'R' has no field of that name and type, nor the starting operation a path parameter of that name; its 'id' fills another"},
    {A LRO_BASE "model E { x: string; }\nresource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"g\", watch: \"w\"); g: GET \"/{id}\" -> R; w: GET \"/{id}/e\" -> stream<E>; }",
     "t.api:5:35: error: '@lro' watch \"w\": a stream whose events have the field 's' of the resource's type"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"g\", cancel: \"k\"); g: GET \"/{id}\" -> R; k: POST \"/{id}/k\" query(why: string); }",
     "t.api:4:35: error: '@lro' cancel \"k\": the operation takes a body or a required parameter; it may take only path parameters, which come from the resource"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R @lro(status: \"s\", success: \"done\", poll: \"g\", colour: \"red\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:81: error: unknown '@lro' key 'colour'; expected status, success, failed, cancelled, poll, watch, cancel or error"},
    {A LRO_BASE "resource r \"/r\" { c: POST \"\" -> R[] @lro(status: \"s\", success: \"done\", poll: \"g\"); g: GET \"/{id}\" -> R; }",
     "t.api:4:37: error: '@lro' needs an operation that returns a model (without headers): the resource it starts"},
    {A LRO_BASE "resource r \"/r\" { c: GET \"\" -> stream<R> @accumulate(\"n\"); }",
     "t.api:4:42: error: '@accumulate' \"n\": event model 'R' has no string field 'n'"},
    /* header parameters: sent once, under a name the client does not send itself */
    {"api t { title = \"T\"; version = \"1\"; base_url = \"http://h\"; auth = header(\"api_key\"); }\nresource pet \"/pet\" { delete: DELETE \"/{id}\" headers(api_key?: string); }",
     "t.api:2:54: error: header parameter 'api_key' is sent as 'api_key', the auth header of the operation's scheme 'api_key', which the client fills from its api_key option; remove the parameter"},
    /* the pet store's deletePet: its api_key header is no credential there, as it authenticates with another scheme */
    {"api t { title = \"T\"; version = \"1\"; base_url = \"http://h\"; auth = oauth; scheme oauth = bearer; scheme key = header(\"api_key\"); }\n"
     "resource pet \"/pet\" { delete: DELETE \"/{id}\" headers(api_key?: string); get: GET \"/{id}\" headers(api_key?: string) @auth(key); }",
     "t.api:2:98: error: header parameter 'api_key' is sent as 'api_key', the auth header of the operation's scheme 'key', which the client fills from its key option; remove the parameter"},
    {A "resource r \"/r\" { g: GET \"\" headers(token?: string @header(\"authorization\")); }",
     "t.api:2:37: error: header parameter 'token' is sent as 'authorization', the auth header of the operation's scheme 'api_key', which the client fills from its api_key option; remove the parameter"},
    {A "resource r \"/r\" { c: POST \"\" headers(key?: string @header(\"Idempotency-Key\")) @idempotent; }",
     "t.api:2:38: error: header parameter 'key' is sent as 'Idempotency-Key', which the client sends itself on @idempotent POST and PATCH calls and on any call given an idempotency key; remove the parameter (on a POST or PATCH, @idempotent has the client send one)"},
    {A "resource r \"/r\" { g: GET \"\" headers(t?: string @header(\"Accept\")); }",
     "t.api:2:37: error: header parameter 't' is sent as 'Accept', which the client sends itself on every call; remove the parameter"},
    {A "resource r \"/r\" { g: GET \"\" headers(a?: string @header(\"X-Id\"), b?: string @header(\"x-id\")); }",
     "t.api:2:65: error: header parameters 'a' and 'b' are both sent as 'x-id' (header names ignore case)"},
    {A "resource r \"/r\" { g: GET \"\" headers(a?: string @header(\"X Id\")); }",
     "t.api:2:37: error: header parameter 'a': \"X Id\" is not an HTTP header name"},
    /* api */
    {"model M { a: string; }", "t.api:1:1: error: the spec has no 'api NAME { ... }' block"},
    {"api t { colour = \"red\"; }", "t.api:1:9: error: unknown api setting 'colour'; expected title, version, base_url, auth or scheme"},
    /* auth schemes */
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; auth = cookie(\"c\"); }",
     "t.api:1:67: error: 'auth' is bearer, basic, header(\"Header-Name\") or query(\"name\"), none or the name of a scheme"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; auth = oauth; }",
     "t.api:1:60: error: 'auth' is bearer, basic, header(\"Header-Name\"), query(\"name\"), none or the name of a scheme; no scheme is named 'oauth'"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; scheme = bearer; }",
     "t.api:1:53: error: a scheme needs a name: write 'scheme NAME = ...'"},
    {"api t { title t = \"T\"; }", "t.api:1:15: error: only 'scheme' takes a name: write 'title = ...'"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; scheme k = cookie; }",
     "t.api:1:64: error: a scheme is bearer, basic, header(\"Header-Name\") or query(\"name\")"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; scheme k = query(\"a&b\"); }",
     "t.api:1:70: error: \"a&b\" is not a query parameter name (no '&', '=', '#', '?', '%', '+' or spaces)"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; auth = bearer; scheme api_key = basic; }",
     "t.api:1:75: error: two schemes are named 'api_key' (the one 'auth = ...' declares is api_key)"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; scheme http = basic; }",
     "t.api:1:60: error: scheme 'http' would collide with member 'http' of the client's options in the generated C; choose another name"},
    {A "resource r \"/r\" { g: GET \"\" @auth(nope); }", "t.api:2:29: error: '@auth(nope)': no such scheme; expected none or 'api_key'"},
    {A "resource r \"/r\" { g: GET \"\" @auth(\"api_key\"); }", "t.api:2:29: error: '@auth' takes one name"},
    {"api t { title = \"T\"; version = \"1\"; base_url = \"u\"; auth = query(\"key\"); }\nresource r \"/r\" { g: GET \"\" query(k?: string @json(\"key\")); }",
     "t.api:2:35: error: query parameter 'k' is sent as 'key', where the operation's scheme 'api_key' puts its key; remove the parameter"},
};

static void test_goldens(void **state)
{
  (void)state;
  int failures = 0;
  for (size_t i = 0; i < sizeof GOLDENS / sizeof GOLDENS[0]; i++) {
    char *got = first_diag(GOLDENS[i].text);
    if (strcmp(got, GOLDENS[i].expected) != 0) {
      fprintf(stderr, "golden %zu:\n  want: %s\n  got:  %s\n", i, GOLDENS[i].expected, got);
      failures++;
    }
    free(got);
  }
  assert_int_equal(failures, 0);
}

/* The whole shape: location line, the quoted source line, the caret under the column. */
static void test_source_line_and_caret(void **state)
{
  (void)state;
  spec s;
  char *out = NULL;
  check_text(&s, "t.api", A "model M {\n\tid: Strng;\n}", &out);
  spec_free(&s);
  assert_string_equal(out, "t.api:3:6: error: unknown type 'Strng'; did you mean 'string'?\n"
                           "  \tid: Strng;\n"
                           "  \t    ^\n");
  free(out);
}

/* Recovery: errors in several declarations are all reported in one run. */
static void test_several_errors_per_run(void **state)
{
  (void)state;
  spec s;
  int errors = check_text(&s, "t.api", A "model A { x int; y: string; }\nmodel B { z: Nope; }\nenum C { a b; }\nmodel D { ok: string; }", NULL);
  int have_d = 0;
  for (decl *d = s.decls; d != NULL; d = d->next)
    have_d |= strcmp(d->name, "D") == 0;
  spec_free(&s);
  assert_int_equal(errors, 3);
  assert_true(have_d);
}

/* n copies of c after head, then tail (caller frees). */
static char *repeat(const char *head, char c, size_t n, const char *tail)
{
  size_t lh = strlen(head), lt = strlen(tail);
  char *s = malloc(lh + n + lt + 1);
  assert_non_null(s);
  memcpy(s, head, lh);
  memset(s + lh, c, n);
  memcpy(s + lh + n, tail, lt + 1);
  return s;
}

/* Names of up to 64 characters pass; longer ones are one error each, not a cut name (two
 * 300-character enum values that differ at the end were once "duplicates"); so are paths
 * longer than 2047 bytes. */
static void test_long_names(void **state)
{
  (void)state;
  spec s;
  char *ok = repeat(A "model M { ", 'a', 64, ": string; }");
  assert_int_equal(check_text(&s, "t.api", ok, NULL), 0);
  spec_free(&s);
  free(ok);
  char *long_field = repeat(A "model M { ", 'a', 65, ": string; }");
  char *got = first_diag(long_field);
  assert_string_equal(got, "t.api:2:11: error: name 'aaaaaaaaaaaaaaaaaaaaaaaa...' is 65 characters long; a name has at most 64");
  free(got);
  free(long_field);
  char *values = repeat(A "enum E { ", 'v', 299, "x; ");
  char *both = repeat(values, 'v', 299, "y; }");
  char *out = NULL;
  assert_int_equal(check_text(&s, "t.api", both, &out), 2);
  spec_free(&s);
  assert_null(strstr(out, "duplicate"));
  free(out);
  free(both);
  free(values);
  char *path = repeat(A "resource r \"/r\" { g: GET \"/{", 'p', 65, "}\"; }");
  got = first_diag(path);
  assert_string_equal(got, "t.api:2:26: error: path parameter 'pppppppppppppppppppppppp...' is 65 characters long; a name has at most 64");
  free(got);
  free(path);
  char *long_path = repeat(A "resource r \"/r\" { g: GET \"/", 'p', 3000, "\"; }");
  got = first_diag(long_path);
  assert_string_equal(got, "t.api:2:26: error: the path of operation 'g' is 3003 bytes long; a path has at most 2047");
  free(got);
  free(long_path);
}

/* A message quoting megabytes is cut in the middle: the start and the end of it stay. */
static void test_long_message_cut(void **state)
{
  (void)state;
  char *text = repeat(A "model M { s: string = \"", 'x', 1 << 20, "\" @pattern(\"^y\"); }");
  char *got = first_diag(text);
  assert_true(strlen(got) < 600);
  assert_non_null(strstr(got, "error: default \"xxxx"));
  assert_non_null(strstr(got, "xxx...xxx"));
  assert_non_null(strstr(got, "xxxx\" does not match '@pattern'"));
  free(got);
  free(text);
}

static void test_warnings_do_not_fail(void **state)
{
  (void)state;
  spec s;
  int errors = check_text(&s, "t.api", "api t { }", NULL);
  int warnings = s.diag.warnings;
  spec_free(&s);
  assert_int_equal(errors, 0);
  assert_int_equal(warnings, 3);
}

/* A stream's request may be multipart: the stream keeps its parts and sends them again on each
 * connection (a file read anew from its path). */
static void test_stream_takes_multipart(void **state)
{
  (void)state;
  spec s;
  int errors = check_text(&s, "t.api",
                          A "model E { a: int; }\nresource r \"/r\" { g: POST \"\" body multipart(note: string, "
                            "f: file) -> stream<E>; t: POST \"/t\" body multipart(f: file) -> stream<string>; }",
                          NULL);
  spec_free(&s);
  assert_int_equal(errors, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_goldens),
      cmocka_unit_test(test_source_line_and_caret),
      cmocka_unit_test(test_several_errors_per_run),
      cmocka_unit_test(test_long_names),
      cmocka_unit_test(test_long_message_cut),
      cmocka_unit_test(test_warnings_do_not_fail),
      cmocka_unit_test(test_stream_takes_multipart),
  };
  return cmocka_run_group_tests_name("front: diagnostics", tests, NULL, NULL);
}
