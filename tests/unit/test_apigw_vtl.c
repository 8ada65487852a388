/* test_apigw_vtl.c — the mapping-template subset: references and built-ins,
 * #set/#if/#foreach, comments, JSONPath, escaping, limits and syntax errors. */
#include "test.h"
#include "apigw/vtl.h"
#include "apigw/jregex.h"

static char out_buf[8192];

/* Render src with body and the usual environment; returns the text or "<ERR>". */
static const char *run(const char *src, const char *body)
{
    char err[256];
    vtl_tmpl_t *t = apigw__vtl_parse(src, strlen(src), err, sizeof err);
    if (!t) {
        snprintf(out_buf, sizeof out_buf, "<PARSE %s>", err);
        return out_buf;
    }
    json_t *params = json_pack("{s:{s:s},s:{s:s,s:s},s:{s:s}}", "path", "id", "42", "querystring", "q", "hello",
                               "n", "3", "header", "X-Trace", "abc");
    json_t *ctx = json_pack("{s:s,s:s,s:{s:s}}", "requestId", "rid-1", "stage", "prod", "identity", "sourceIp",
                            "127.0.0.1");
    json_t *vars = json_pack("{s:s}", "table", "users");
    vtl_env_t env = {body, body ? strlen(body) : 0, params, ctx, vars};
    nb_buf_t out = NB_BUF_INIT;
    int rc = apigw__vtl_render(t, &env, &out);
    snprintf(out_buf, sizeof out_buf, "%s", rc == 0 ? out.data : "<ERR>");
    nb_buf_free(&out);
    apigw__vtl_free(t);
    json_decref(params);
    json_decref(ctx);
    json_decref(vars);
    return out_buf;
}

TEST(vtl_text_and_builtins)
{
    const char *body = "{\"name\":\"Ann \\\"A\\\"\",\"age\":30,\"tags\":[\"x\",\"y\"],\"o\":{\"k\":1.5}}";
    ASSERT_STREQ(run("plain text", body), "plain text");
    ASSERT_STREQ(run("$input.json('$')", "{\"a\":1}"), "{\"a\":1}");
    ASSERT_STREQ(run("$input.json('$.tags')", body), "[\"x\",\"y\"]");
    ASSERT_STREQ(run("$input.path('$.age')", body), "30");
    ASSERT_STREQ(run("$input.path('$.tags[1]')", body), "y");
    ASSERT_STREQ(run("$input.path('$.o.k')", body), "1.5");
    ASSERT_STREQ(run("$input.path('$.tags').size()", body), "2");
    ASSERT_STREQ(run("$input.params('id')/$input.params('q')/$input.params('X-Trace')", body), "42/hello/abc");
    ASSERT_STREQ(run("$input.params().querystring.n", body), "3");
    ASSERT_STREQ(run("$input.params().header.get('X-Trace')", body), "abc");
    ASSERT_STREQ(run("$context.requestId $context.identity.sourceIp", body), "rid-1 127.0.0.1");
    ASSERT_STREQ(run("$stageVariables.table", body), "users");
    ASSERT_STREQ(run("$util.escapeJavaScript($input.path('$.name'))", body), "Ann \\\"A\\\"");
    ASSERT_STREQ(run("#set($o = $util.parseJson('{\"a\":[1,2]}'))$o.a[1]", body), "2");
    /* Java's URLEncoder: application/x-www-form-urlencoded */
    ASSERT_STREQ(run("$util.urlEncode('a b&c~*')|$util.base64Encode('hi')", body), "a+b%26c%7E*|aGk=");
    ASSERT_STREQ(run("$input.body", "raw"), "raw");
    ASSERT_STREQ(run("${context.stage}x", body), "prodx");
}

/* Decimals print as Java's Double.toString: shortest round-trip digits,
 * scientific notation outside [1e-3, 1e7). */
TEST(vtl_decimals_print_as_java)
{
    const char *body = "{\"a\":0.1,\"b\":100.0,\"c\":10000000.0,\"d\":0.0001,\"e\":1.25e-5,"
                       "\"f\":123456.789,\"g\":-2.5,\"h\":0.30000000000000004,\"i\":1e300,\"j\":0.001,"
                       "\"k\":9999999.5,\"l\":-0.0}";
    ASSERT_STREQ(run("$input.path('$.a')|$input.path('$.b')|$input.path('$.c')|$input.path('$.d')", body),
                 "0.1|100.0|1.0E7|1.0E-4");
    ASSERT_STREQ(run("$input.path('$.e')|$input.path('$.f')|$input.path('$.g')|$input.path('$.h')", body),
                 "1.25E-5|123456.789|-2.5|0.30000000000000004");
    ASSERT_STREQ(run("$input.path('$.i')|$input.path('$.j')|$input.path('$.k')|$input.path('$.l')", body),
                 "1.0E300|0.001|9999999.5|-0.0");
}

TEST(vtl_directives)
{
    const char *body = "{\"items\":[{\"id\":1},{\"id\":2},{\"id\":3}],\"flag\":true}";
    ASSERT_STREQ(run("#set($x = 5)#if($x > 3)big#elseif($x > 1)mid#{else}small#end", body), "big");
    ASSERT_STREQ(run("#set($x = 2)#if($x > 3)big#elseif($x > 1)mid#{else}small#end", body), "mid");
    ASSERT_STREQ(run("#set($x = 0)#if($x > 3)big#elseif($x > 1)mid#{else}small#end", body), "small");
    ASSERT_STREQ(run("[#foreach($i in $input.path('$.items'))$i.id#if($foreach.hasNext),#end#end]", body), "[1,2,3]");
    ASSERT_STREQ(run("#foreach($i in [1..3])$velocityCount#end", body), "123");
    ASSERT_STREQ(run("#set($m = {\"a\": 1, \"b\": \"two\"})#foreach($k in $m.keySet())$k=$m.get($k);#end", body),
                 "a=1;b=two;");
    ASSERT_STREQ(run("#if($input.path('$.flag') && !$missing)yes#end", body), "yes");
    ASSERT_STREQ(run("#if($input.path('$.nope') == $null)none#end", body), "none");
    ASSERT_STREQ(run("#set($s = \"id-$input.params('id')\")$s", body), "id-42");
    ASSERT_STREQ(run("#set($a = 7)#set($b = $a * 2 + 1)$b $a % 4 ${a}0", body), "15 7 % 4 70");
    ASSERT_STREQ(run("## comment\nA#* block\ncomment *#B", body), "AB");
    ASSERT_STREQ(run("$undefined $!undefined.", body), "$undefined .");
    ASSERT_STREQ(run("#set($context.responseOverride.status = 201)$context.responseOverride.status", body), "201");
    ASSERT_STREQ(run("'a'.toUpperCase() #set($s='Hello')$s.toUpperCase() $s.length() $s.substring(1,3)", body),
                 "'a'.toUpperCase() HELLO 5 el");
    ASSERT_STREQ(run("cost: $5 and #hashtag", body), "cost: $5 and #hashtag");
}

/* The Velocity user guide's rules and Java's String methods. */
TEST(vtl_velocity_language)
{
    const char *body = "{\"o\":{\"a\":1,\"b\":[1,\"x\",null]}}";
    /* maps and lists print as Java's toString (serverless/serverless#1014) */
    ASSERT_STREQ(run("$input.params().path", body), "{id=42}");
    ASSERT_STREQ(run("$input.path('$.o')", body), "{a=1, b=[1, x, null]}");
    ASSERT_STREQ(run("#set($m = {\"k\": \"v\", \"n\": [1, 2]})$m", body), "{k=v, n=[1, 2]}");
    /* escaping: \$x before a defined reference is the text; undefined ones stay */
    ASSERT_STREQ(run("#set($e = 'E')\\$e \\\\$e \\$nope $e", body), "$e \\E \\$nope E");
    /* a doubled quote inside a string literal is one quote */
    ASSERT_STREQ(run("#set($s = \"say \"\"hi\"\" $e\")#set($t = 'it''s')$s $t", body), "say \"hi\" $e it's");
    /* Java regex methods */
    ASSERT_STREQ(run("#set($s = 'a1b22c333')$s.replaceAll('[0-9]+', '#') $s.replaceFirst('\\d', '_') "
                     "$s.replaceAll('(\\d)', '<$1>')", body), "a#b#c# a_b22c333 a<1>b<2><2>c<3><3><3>");
    ASSERT_STREQ(run("#set($s = \"it\\'s\")$s.replaceAll(\"\\\\'\", \"'\")", body), "it's");
    ASSERT_STREQ(run("#set($s = 'a,b,,c,,')#set($p = $s.split(','))$p.size() $p", body), "4 [a, b, , c]");
    ASSERT_STREQ(run("#set($s = 'Hello')$s.matches('H.*o') $s.matches('ell') $s.charAt(1) $s.lastIndexOf('l') "
                     "$s.equalsIgnoreCase('hELLO') $s.concat('!')", body), "true false e 3 true Hello!");
    ASSERT_STREQ(run("#foreach($i in [1..3])$foreach.index$foreach.first$foreach.last #end", body),
                 "0truefalse 1falsefalse 2falsetrue ");
    /* JSONPath wildcards and deep scan (Goessner's JSONPath, which the AWS guide names) */
    const char *doc = "{\"items\":[{\"id\":1,\"t\":{\"id\":9}},{\"id\":2}],\"o\":{\"a\":1,\"b\":2}}";
    ASSERT_STREQ(run("$input.json('$.items[*].id')|$input.json('$.o.*')|$input.json('$..id')", doc),
                 "[1,2]|[1,2]|[1,9,2]");
    ASSERT_STREQ(run("$input.path('$.items[*].id').size() $input.json('$.nope[*]')", doc), "2 []");
    /* deep scans inside deep scans count their steps: bounded, not exponential */
    char deepdoc[8192] = "";
    for (int i = 0; i < 200; i++) strcat(deepdoc, "{\"a\":");
    strcat(deepdoc, "1");
    for (int i = 0; i < 200; i++) strcat(deepdoc, "}");
    ASSERT_STREQ(run("$input.json('$................................x')", deepdoc), "<ERR>");
    /* AWS's quota: 1,000 iterations of one #foreach */
    ASSERT_STREQ(run("#set($n = 0)#foreach($i in [1..5000])#set($n = $n + 1)#end$n", body), "1000");
}

TEST(vtl_syntax_errors)
{
    static const char *const bad[] = {"#if($x)", "#foreach($i in [1,2])x", "#set($x = )", "#end", "#if($x)#else",
                                      "${x", "#set(x = 1)", "$x.m(1,", "#*unterminated", "#if($a ==)x#end"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char err[128];
        vtl_tmpl_t *t = apigw__vtl_parse(bad[i], strlen(bad[i]), err, sizeof err);
        if (t) TEST_FAIL_("parsed: %s", bad[i]);
        ASSERT(err[0] != 0);
    }
}

TEST(vtl_limits)
{
    /* a huge loop stops at the step limit instead of spinning */
    ASSERT_STREQ(run("#foreach($i in [1..100000000])x#end", "{}"), "<ERR>");
    /* strings that double each step stop at the output bound */
    ASSERT_STREQ(run("#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..40])#set($s = $s + $s)#end$s.length()", "{}"),
                 "<ERR>");
    ASSERT_STREQ(run("#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..40])#set($s = $s.replaceAll('', '12345678'))#end",
                     "{}"), "<ERR>");
    ASSERT_STREQ(run("#set($s = 'xxxxxxxxxxxxxxxx')#foreach($i in [1..40])#set($s = \"$s$s\")#end", "{}"), "<ERR>");
    /* deep nesting is a parse error, not a stack overflow */
    char deep[4096] = "";
    for (int i = 0; i < 300; i++) strcat(deep, "#if(true)");
    char err[128];
    ASSERT(apigw__vtl_parse(deep, strlen(deep), err, sizeof err) == NULL);
    char deep2[4096] = "#set($y = ";
    for (int i = 0; i < 300; i++) strcat(deep2, "(");
    strcat(deep2, "1");
    for (int i = 0; i < 300; i++) strcat(deep2, ")");
    strcat(deep2, ")");
    ASSERT(apigw__vtl_parse(deep2, strlen(deep2), err, sizeof err) == NULL);
}

/* Found by fuzz_apigw_vtl: range bounds and integer arithmetic past 64 bits
 * were undefined conversions (UBSan); now exact, or a decimal on overflow. */
TEST(vtl_number_edges)
{
    ASSERT_STREQ(run("#foreach($i in [99999999999999999999..2])$i#end|", "{}"), "|");
    ASSERT_STREQ(run("#foreach($i in [2147483646..2147483647])$i,#end", "{}"), "2147483646,2147483647,");
    ASSERT_STREQ(run("#foreach($i in [-1..$input.path('$.n')])$i,#end|", "{\"n\":1e300}"), "|");
    ASSERT_STREQ(run("#set($m = 9223372036854775807)$m $m.getClass()", "{}"), "9223372036854775807 $m.getClass()");
    ASSERT_STREQ(run("#set($m = 9223372036854775807)#set($x = $m + 1)$x", "{}"), "9.223372036854776E18");
    ASSERT_STREQ(run("#set($m = -9223372036854775807)#set($m = $m - 1)#set($x = $m / -1)$x", "{}"),
                 "9.223372036854776E18");
    ASSERT_STREQ(run("#set($m = -9223372036854775807)#set($m = $m - 1)#set($x = $m % -1)$x $m", "{}"),
                 "0 -9223372036854775808");
    ASSERT_STREQ(run("#set($x = 7 / 2)#set($y = -7 % 3)#set($z = 3 * 4)$x $y $z", "{}"), "3 -1 12");
    ASSERT_STREQ(run("#set($n = $input.path('$.n'))#set($x = -$n)$x", "{\"n\":-9223372036854775808}"),
                 "9.223372036854776E18");
}

TEST(jsonpath_subset)
{
    json_t *d = json_loads("{\"a\":{\"b\":[10,{\"c\":\"x\"}]},\"d e\":1}", 0, NULL);
    ASSERT(apigw__jsonpath(d, "$") == d);
    ASSERT_EQ(json_integer_value(apigw__jsonpath(d, "$.a.b[0]")), 10);
    ASSERT_STREQ(json_string_value(apigw__jsonpath(d, "$.a.b[1].c")), "x");
    ASSERT_EQ(json_integer_value(apigw__jsonpath(d, "$['d e']")), 1);
    ASSERT(apigw__jsonpath(d, "$.nope.x") == NULL);
    ASSERT(apigw__jsonpath(d, "a.b") == NULL);
    ASSERT(apigw__jsonpath(d, "$.a.b[") == NULL);
    json_decref(d);

    /* member names longer than any fixed buffer: matched whole, never cut
     * (a name cut at 255 bytes used to find its 255-byte prefix's member) */
    char name[400], path[420];
    memset(name, 'k', sizeof name - 1);
    name[sizeof name - 1] = 0;
    d = json_pack("{s:i,s:{s:s}}", name, 7, "o", name, "deep");
    char prefix[256];
    memcpy(prefix, name, 255);
    prefix[255] = 0;
    json_object_set_new(d, prefix, json_integer(255));   /* what a cut name would find */
    snprintf(path, sizeof path, "$.%s", name);
    ASSERT_EQ(json_integer_value(apigw__jsonpath(d, path)), 7);
    snprintf(path, sizeof path, "$['%s']", name);
    ASSERT_EQ(json_integer_value(apigw__jsonpath(d, path)), 7);
    snprintf(path, sizeof path, "$.o.%s", name);
    ASSERT_STREQ(json_string_value(apigw__jsonpath(d, path)), "deep");
    snprintf(path, sizeof path, "$.%.300s", name);   /* a 300-byte name: no such member */
    ASSERT(apigw__jsonpath(d, path) == NULL);
    json_decref(d);
    snprintf(path, sizeof path, "$input.json('$..%s')", name);
    char body[1024];
    snprintf(body, sizeof body, "{\"x\":{\"%s\":1},\"y\":[{\"%s\":2}]}", name, name);
    ASSERT_STREQ(run(path, body), "[1,2]");
}

/* selectionPattern and the String regex methods: Java patterns on POSIX. */
TEST(jregex_java_patterns)
{
    ASSERT(apigw__jregex_whole("4\\d{2}", "404"));
    ASSERT(!apigw__jregex_whole("4\\d{2}", "4040"));          /* the whole string */
    ASSERT(!apigw__jregex_whole(".*boom.*", "a\nboom"));        /* '.' stops at a line end, as Java's */
    ASSERT(!apigw__jregex_whole(".*boom", "a\rboom"));
    ASSERT(apigw__jregex_whole("(\n|.)*boom(\n|.)*", "a\nboom"));
    ASSERT(apigw__jregex_whole("[\\d\\-]+", "1-2"));
    ASSERT(apigw__jregex_whole("[\\]x]+", "]x]"));
    ASSERT(apigw__jregex_whole("a\\.b\\'", "a.b'"));
    ASSERT(apigw__jregex_whole("\\[Bad\\].*", "[Bad] input"));
    ASSERT(apigw__jregex_whole("(?i)bad.*", "BAD input"));       /* Java's flags, lazy quantifiers, lookarounds */
    ASSERT(apigw__jregex_whole("a+?", "aaa"));
    ASSERT(apigw__jregex_whole("(?=.*x).*", "abx"));
    ASSERT(apigw__jregex_whole("a|ab", "ab"));                 /* the whole string, whatever the alternative */
    ASSERT(!apigw__jregex_whole("[", "["));
    ASSERT(apigw__jregex_whole("(a)\\1", "aa"));                 /* back references: the backtracking matcher */
    /* AWS's multi-line idiom on a long stack trace: whole matches need no backtracking */
    static char trace[100016];
    for (size_t i = 0; i < 100000; i++) trace[i] = i % 50 == 49 ? '\n' : 'x';
    strcpy(trace + 100000, "not found");
    ASSERT(apigw__jregex_whole("(\n|.)*not found(\n|.)*", trace));
    /* a pattern that would backtrack without end fails within its bound */
    char s[64];
    memset(s, 'a', 40);
    s[40] = 0;
    ASSERT(!apigw__jregex_whole("(a+)+b", s));
    ASSERT_STREQ(run("#set($s = 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')$s.replaceAll('(a|aa)+$', 'x')", "{}"), "<ERR>");
    ASSERT_STREQ(run("#set($s = 'abc')$s.split('').size() $s.replaceAll('x*', '-') #set($e = '')$e.split(',').size()",
                     "{}"), "3 -a-b-c- 1");
}
