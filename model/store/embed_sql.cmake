# Turn schema.sql into a C string constant (rn_schema_sql).
file(READ ${IN} sql)
string(REPLACE "\\" "\\\\" sql "${sql}")
string(REPLACE "\"" "\\\"" sql "${sql}")
string(REPLACE "\n" "\\n\"\n\"" sql "${sql}")
file(WRITE ${OUT} "/* Generated from model/schema.sql. */\n")
file(APPEND ${OUT} "extern const char rn_schema_sql[];\n")
file(APPEND ${OUT} "const char rn_schema_sql[] =\n\"${sql}\";\n")
