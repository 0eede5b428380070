# RFC 9051 §4: NUL is not allowed anywhere in a command line (CHAR8 excludes %x00 in
# quoted strings; atoms exclude CTL). The command is BAD; the connection survives.
C: a1 NOOP
S: a1 OK ~
Craw: a2 LOGIN al\x00ice secret\r\n
S: a2 BAD ~
C: a3 NOOP
S: a3 OK ~
